package io.kdrv.kthread;

import java.time.Duration;

/**
 * Thrown by {@link Kthread#stop(Duration)} when the kthread did not exit in time, typically because its function
 * ignores {@link Kthread#shouldStop()} or blocks outside kdrv waits. The stack trace of this exception is the
 * stack of the hung kthread at the time of the timeout (not the caller's), so the log shows where it hangs.
 * The kthread stays marked should-stop; a later {@code stop()} waits for it again.
 */
public final class KthreadStopTimeoutException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Kthread kthread;

    /**
     * Creates the exception for {@code kthread}, with a message naming it, and its thread's current stack as
     * this exception's stack trace (the caller's stack when the kthread's thread has no stack).
     *
     * @param kthread the kthread that did not stop
     * @param timeout how long the caller waited
     */
    public KthreadStopTimeoutException(Kthread kthread, Duration timeout) {
        super("kthread '" + kthread.name() + "' did not stop within " + timeout.toMillis() + " ms (state "
                + kthread.state() + ", tid " + kthread.tid() + "): its function does not return on Kthread.shouldStop()"
                + " or sleeps outside kdrv waits; its stack follows");
        this.kthread = kthread;
        StackTraceElement[] stack = kthread.javaThread().getStackTrace();
        if (stack.length > 0) {
            setStackTrace(stack);
        }
    }

    /**
     * The kthread that did not stop.
     *
     * @return the kthread (null only after deserialization)
     */
    public Kthread kthread() {
        return kthread;
    }
}
