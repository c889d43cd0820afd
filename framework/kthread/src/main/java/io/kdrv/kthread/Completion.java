package io.kdrv.kthread;

import io.kdrv.kthread.internal.Durations;
import io.kdrv.kthread.internal.WaitList;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * A completion ({@code struct completion}): a counter of "done" events that waiters consume. Each
 * {@link #complete()} lets exactly one wait pass (now or later); {@link #completeAll()} lets every current and
 * future wait pass until {@link #reinit()}.
 *
 * <p>Contract:
 * <ul>
 *   <li>A successful wait consumes one {@code complete()} (nothing after {@code completeAll()}).</li>
 *   <li>Names say whether a wait is interruptible, as in Linux: {@link #waitForCompletion()} and
 *       {@link #waitForCompletionTimeout} ignore Java interrupts (the interrupt status is set again on return);
 *       {@link #waitForCompletionInterruptible()} and {@link #waitForCompletionInterruptibleTimeout} end with
 *       {@link InterruptedException} on an interrupt while nothing is available (an available completion wins
 *       over a pending interrupt).</li>
 *   <li>Kthreads: a waiting kthread that is {@link Kthread#stop() stopped} stops waiting without consuming
 *       anything, in all four waits (a deliberate difference from Linux, whose uninterruptible
 *       {@code wait_for_completion} sleeps on through {@code kthread_stop}: in kdrv, stop() must never hang on
 *       a kdrv wait). The void waits return, the bounded ones return false. Such callers should check
 *       {@link Kthread#shouldStop()} after the wait. A kthread that is already asked to stop still consumes a
 *       completion that is available.</li>
 *   <li>Waiters are served in FIFO order; {@code complete()} and {@code completeAll()} are lock-free and
 *       allocation-free when nobody waits.</li>
 * </ul>
 */
public final class Completion {
    /** completeAll(): Linux's UINT_MAX, "done forever". */
    private static final int ALL = Integer.MAX_VALUE;
    private static final VarHandle DONE;
    static {
        try {
            DONE = MethodHandles.lookup().findVarHandle(Completion.class, "done", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int done;
    private final WaitList waiters = new WaitList();

    /** Creates a completion that is not done. */
    public Completion() {
    }

    /** Adds one "done" and wakes one waiter. The count saturates (a completion never overflows into "all"). */
    public void complete() {
        for (;;) {
            int d = done;
            if (d >= ALL - 1 || DONE.compareAndSet(this, d, d + 1)) {
                break;
            }
        }
        waiters.wakeOne();
    }

    /** Marks the completion done for every current and future waiter (until {@link #reinit()}) and wakes all. */
    public void completeAll() {
        done = ALL;
        waiters.wakeAll();
    }

    /** {@code reinit_completion}: back to not done. Must not race with {@code complete()} callers to be meaningful. */
    public void reinit() {
        done = 0;
    }

    /**
     * {@code completion_done}: whether a wait would pass without sleeping right now.
     *
     * @return true if at least one completion (or completeAll) is available
     */
    public boolean completionDone() {
        return done != 0;
    }

    /**
     * {@code try_wait_for_completion}: consumes one "done" if available, without sleeping.
     *
     * @return true if a completion was consumed (or the completion is completed-all)
     */
    public boolean tryWaitForCompletion() {
        for (;;) {
            int d = done;
            if (d == 0) {
                return false;
            }
            if (d == ALL || DONE.compareAndSet(this, d, d - 1)) {
                return true;
            }
        }
    }

    /**
     * {@code wait_for_completion}: waits until a completion is available and consumes it. Uninterruptible: a Java
     * interrupt does not end the wait; the interrupt status is kept and is set again on return.
     *
     * <p>On {@link Kthread#stop()}: unlike Linux (where {@code wait_for_completion} sleeps on through
     * {@code kthread_stop}), a kdrv kthread that is stopped returns from this wait without consuming anything, as
     * from every kdrv wait, so that {@code stop()} can never hang on it. A kthread caller checks
     * {@link Kthread#shouldStop()} (or the return value of the bounded variants) after the wait.
     */
    public void waitForCompletion() {
        waitForUninterruptibly(-1);
    }

    /**
     * {@code wait_for_completion_timeout}: like {@link #waitForCompletion()} (uninterruptible; returns on stop),
     * bounded by {@code timeout}.
     *
     * @param timeout the longest wait; zero or negative only tries once
     * @return true if a completion was consumed; false on timeout, or when the calling kthread was stopped
     * @throws NullPointerException if {@code timeout} is null
     */
    public boolean waitForCompletionTimeout(Duration timeout) {
        return waitForUninterruptibly(Durations.toNanos(timeout));
    }

    /**
     * {@code wait_for_completion_interruptible}: waits until a completion is available and consumes it. For a
     * kthread, also returns (without consuming) when it is stopped.
     *
     * @throws InterruptedException if interrupted while nothing is available (an available completion wins)
     */
    public void waitForCompletionInterruptible() throws InterruptedException {
        waitFor(-1, true);
    }

    /**
     * {@code wait_for_completion_interruptible_timeout}: like {@link #waitForCompletionInterruptible()}, bounded
     * by {@code timeout}.
     *
     * @param timeout the longest wait; zero or negative only tries once
     * @return true if a completion was consumed; false on timeout, or when the calling kthread was stopped
     * @throws InterruptedException if interrupted while nothing is available (an available completion wins)
     * @throws NullPointerException if {@code timeout} is null
     */
    public boolean waitForCompletionInterruptibleTimeout(Duration timeout) throws InterruptedException {
        return waitFor(Durations.toNanos(timeout), true);
    }

    private boolean waitForUninterruptibly(long timeoutNanos) {
        try {
            return waitFor(timeoutNanos, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    private boolean waitFor(long timeoutNanos, boolean interruptible) throws InterruptedException {
        if (tryWaitForCompletion()) {
            return true; // fast path: nothing allocated, nothing queued
        }
        // Slow path: we are going to sleep anyway; a per-wait flag says whether the condition consumed.
        final boolean[] consumed = new boolean[1];
        BooleanSupplier ready = () -> (consumed[0] = tryWaitForCompletion()) || Kthread.shouldStop();
        if (interruptible) {
            waiters.awaitInterruptibly(ready, timeoutNanos);
        } else {
            waiters.awaitUninterruptibly(ready, timeoutNanos);
        }
        return consumed[0];
    }

    @Override
    public String toString() {
        int d = done;
        return "Completion[" + (d == ALL ? "all" : Integer.toString(d)) + ", waiters " + waiters.sleepers() + "]";
    }
}
