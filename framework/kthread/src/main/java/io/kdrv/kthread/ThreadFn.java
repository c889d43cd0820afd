package io.kdrv.kthread;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The body of a {@link Kthread}: Linux's {@code int (*threadfn)(void *data)}.
 *
 * <p>A long-running thread function loops until {@link Kthread#shouldStop()} is true, sleeping in kdrv waits
 * ({@link WaitQueue}, {@link Completion}, {@link PeriodicTimer}, {@link Kthread#sleep}) whose conditions include
 * {@code Kthread.shouldStop()}, and then returns. Its return value, by convention 0 or a negative errno
 * ({@link Errno}), is what {@link Kthread#stop()} returns.
 *
 * @param <T> the type of the data handed to the function
 */
@ConsumerType
@FunctionalInterface
public interface ThreadFn<T> {
    /**
     * Runs on the kthread.
     *
     * @param data the object given to {@link Kthread#create}/{@link Kthread#run}
     * @return the exit code, by convention 0 or a negative {@link Errno} value
     * @throws Exception any exception ends the kthread with a negative code and is recorded in
     *                   {@link Kthread#failure()} (see {@link Kthread} for the mapping)
     */
    int run(T data) throws Exception;
}
