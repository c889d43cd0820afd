package io.kdrv.driver.internal;

import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadStopTimeoutException;
import java.time.Duration;

/**
 * Runs one driver call (probe, remove, devres release) on a short-lived kthread and waits for it with a timeout.
 *
 * <p>Why a separate kthread: the probe worker must never be held hostage by one driver. If the call does not
 * return in time the caller gets {@link #timedOut()} and moves on; the kthread is abandoned (it keeps running
 * until the driver code returns, then exits by itself) and can be reported with its stack. The caller's wait is a
 * kdrv {@link Completion}, so a caller that is itself a kthread stays stoppable.
 *
 * <p>One instance per call; {@link #await} is called by the thread that {@link #start started} it.
 */
final class BoundedCall {
    /** The driver code to run; may throw anything. */
    @FunctionalInterface
    interface Body {
        void call() throws Exception;
    }

    private final Completion done = new Completion();
    private final Body body;
    private final Kthread thread;
    private volatile Throwable error;
    private volatile boolean finished;

    /**
     * Creates the kthread without waking it (so the caller can register it before driver code runs).
     *
     * @param name  kthread name, e.g. {@code probe/button0}
     * @param owner owner label, e.g. {@code device button0}
     */
    BoundedCall(String name, String owner, Body body) {
        this.body = body;
        this.thread = Kthread.create(BoundedCall::run, this, "%s", name).owner(owner);
    }

    /** Wakes the kthread: the body starts running. */
    BoundedCall start() {
        thread.wakeUp();
        return this;
    }

    private static int run(BoundedCall c) {
        try {
            c.body.call();
        } catch (Throwable t) { // everything, including Errors from driver code: the caller classifies it
            c.error = t;
        } finally {
            c.finished = true;
            c.done.complete();
        }
        return 0;
    }

    /**
     * Waits for the call to return.
     *
     * @return true if it returned within {@code timeout} (see {@link #error()}); false if it is still running
     */
    boolean await(Duration timeout) {
        // Uninterruptible (an interrupt stays pending: the bounded wait itself is the contract); a stopped
        // kthread caller returns early with false.
        if (done.waitForCompletionTimeout(timeout) || finished) {
            reap();
            return true;
        }
        return false;
    }

    /** The body has returned: wait for its kthread to exit so no kthread outlives the call. */
    private void reap() {
        try {
            thread.stop(Duration.ofSeconds(5));
        } catch (KthreadStopTimeoutException e) {
            // Cannot happen unless the JVM is starved: the function already returned.
            org.slf4j.LoggerFactory.getLogger(BoundedCall.class).warn("kthread {} slow to exit after its call returned",
                    thread.name(), e);
        }
    }

    /** What the call threw, or null if it returned normally (or has not returned). */
    Throwable error() {
        return error;
    }

    Kthread thread() {
        return thread;
    }

    boolean finished() {
        return finished;
    }

    /** An exception whose stack trace is the current stack of the stuck kthread, for the log. */
    Throwable stuckReport(String message) {
        Throwable t = new StuckThread(message);
        StackTraceElement[] stack = thread.javaThread().getStackTrace();
        if (stack.length > 0) {
            t.setStackTrace(stack);
        }
        return t;
    }

    /** Carries a stuck kthread's stack into the log. */
    static final class StuckThread extends Exception {
        private static final long serialVersionUID = 1L;

        StuckThread(String message) {
            super(message);
        }
    }
}
