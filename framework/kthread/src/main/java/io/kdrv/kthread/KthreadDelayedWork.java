package io.kdrv.kthread;

import java.util.Objects;

/**
 * A work item that is queued on its {@link KthreadWorker} after a delay ({@code struct kthread_delayed_work}).
 * The worker kthread itself keeps the timers; no other thread is involved. Reusable like {@link KthreadWork}.
 */
public final class KthreadDelayedWork {
    /** The item that goes on the worker's list when the timer expires. */
    final KthreadWork work;

    // Guarded by the worker's lock (timerPending is also read without it).
    long deadline;   // System.nanoTime() at which the timer expires
    long timerSeq;   // tie-breaker: equal deadlines run in the order they were armed
    volatile boolean timerPending;

    /**
     * Creates an idle delayed work item.
     *
     * @param fn what the worker runs; exceptions it throws are logged by the worker, which carries on
     * @throws NullPointerException if {@code fn} is null
     */
    public KthreadDelayedWork(Runnable fn) {
        this.work = new KthreadWork(Objects.requireNonNull(fn, "fn"), this);
    }

    /**
     * Whether the item will run: its timer is armed or it is queued (and not yet running).
     *
     * @return true if armed or queued
     */
    public boolean pending() {
        return timerPending || work.pending();
    }

    @Override
    public String toString() {
        return "KthreadDelayedWork[" + work.fn + (pending() ? ", pending" : "") + "]";
    }
}
