package io.kdrv.driver.internal;

import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadWork;
import io.kdrv.kthread.KthreadWorker;
import io.kdrv.kthread.WaitQueue;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial probe worker ({@code kdrv-probe}, Linux's deferred-probe and driver-attach work) and its operations:
 * every change of the device model is one work item, run one at a time in submission order.
 *
 * <p>Three ways in, named for what they do with errors and waiting:
 * <ul>
 *   <li>{@link #queue}: asynchronous; any failure of the item is logged (nobody else would see it);</li>
 *   <li>{@link #runAndWait}: the caller waits (bounded) and gets the result or the exception; expected misuse
 *       errors (IllegalArgument/IllegalState) are not logged, they are the caller's to report;</li>
 *   <li>{@link #queueShutdown}: like {@code queue}, but still accepted after {@link #closeInputs()}.</li>
 * </ul>
 * Thread-safe.
 */
final class ProbeQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeQueue.class);

    /** An item on its way through the worker: callers may wait for it. */
    static class Pending {
        final Completion done = new Completion();

        /**
         * Waits (bounded, uninterruptible: an interrupt stays pending) until the item ran.
         *
         * @return false on timeout
         */
        boolean awaitDone(Duration timeout) {
            return done.waitForCompletionTimeout(timeout); // completed with completeAll: any number of waiters
        }
    }

    private final class Op<T> extends Pending implements Runnable {
        private final String what;
        private final boolean logExpectedErrors;
        private final Callable<T> body;
        private volatile T result;
        private volatile Throwable error;

        Op(String what, boolean logExpectedErrors, Callable<T> body) {
            this.what = what;
            this.logExpectedErrors = logExpectedErrors;
            this.body = body;
        }

        @Override
        public void run() {
            try {
                result = body.call();
            } catch (Throwable t) {
                error = t;
                boolean expected = t instanceof IllegalArgumentException || t instanceof IllegalStateException;
                if (logExpectedErrors || !expected) {
                    LOG.error("kdrv core: {} failed", what, t);
                }
            } finally {
                finish();
            }
        }

        void refuse() {
            error = new IllegalStateException("kdrv core is shut down: " + what + " ignored");
            finish();
        }

        private void finish() {
            done.completeAll();
            if (pendingOps.decrementAndGet() == 0) {
                idle.wakeUpAll();
            }
        }

        T get(Duration timeout) {
            if (!awaitDone(timeout)) {
                throw new IllegalStateException("kdrv core: " + what + " did not finish within " + timeout.toMillis()
                        + " ms (the probe worker is busy or a driver call hangs; see the log)");
            }
            Throwable t = error;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException("kdrv core: " + what + " failed: " + t, t);
            }
            return result;
        }
    }

    private final KthreadWorker worker;
    private final AtomicInteger pendingOps = new AtomicInteger();
    private final WaitQueue idle = new WaitQueue();
    private volatile boolean closed;

    /** Starts the worker kthread {@code name}. */
    ProbeQueue(String name, String owner) {
        this.worker = KthreadWorker.create("%s", name);
        worker.thread().owner(owner);
    }

    /** Queues {@code body}; its failure is logged. Refused (a no-op) once inputs are closed. */
    Pending queue(String what, Runnable body) {
        return submit(new Op<Void>(what, true, () -> {
            body.run();
            return null;
        }), false);
    }

    /** Like {@link #queue}, accepted even after {@link #closeInputs()}: the shutdown item itself. */
    Pending queueShutdown(String what, Runnable body) {
        return submit(new Op<Void>(what, true, () -> {
            body.run();
            return null;
        }), true);
    }

    /**
     * Runs {@code body} on the worker and waits for it (bounded, not interruptible).
     *
     * @throws IllegalStateException on timeout, after {@link #closeInputs()}, or what the body threw
     */
    <T> T runAndWait(String what, Callable<T> body, Duration timeout) {
        Op<T> op = new Op<>(what, false, body);
        submit(op, false);
        return op.get(timeout);
    }

    private <T> Op<T> submit(Op<T> op, boolean evenIfClosed) {
        pendingOps.incrementAndGet();
        if (closed && !evenIfClosed) {
            LOG.debug("kdrv core closed: ignoring {}", op.what);
            op.refuse();
            return op;
        }
        try {
            worker.queueWork(new KthreadWork(op));
        } catch (IllegalStateException destroyed) {
            op.refuse();
        }
        return op;
    }

    /**
     * From now on only {@link #queueShutdown} is accepted.
     *
     * @return false if inputs were already closed
     */
    synchronized boolean closeInputs() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** Whether {@link #closeInputs()} was called: queued probes become no-ops. */
    boolean closed() {
        return closed;
    }

    /** Waits until nothing is queued or running; interruptible. */
    boolean awaitIdleInterruptible(Duration timeout) throws InterruptedException {
        return idle.waitEventInterruptibleTimeout(() -> pendingOps.get() == 0, timeout) > 0;
    }

    boolean isWorkerThread(Thread t) {
        return t == worker.thread().javaThread();
    }

    Kthread thread() {
        return worker.thread();
    }

    /** Destroys the worker; returns at once when its queue is empty. */
    void destroy() {
        worker.destroy();
    }
}
