package io.kdrv.kthread;

import java.util.Objects;

/**
 * A work item for a {@link KthreadWorker} ({@code struct kthread_work}). It is reusable: once it has run (or been
 * cancelled) it can be queued again. A work item belongs to the first worker it is queued on.
 */
public final class KthreadWork {
    final Runnable fn;
    /** The owning delayed work when this is its inner item, else null. */
    final KthreadDelayedWork delayed;

    // Guarded by worker's lock (worker is set once, under the lock of the first worker).
    KthreadWorker worker;
    /** Sequence number of the queued instance, 0 when not on the worker's list. Written under the worker lock. */
    volatile long queuedSeq;
    int canceling;

    /**
     * Creates an idle work item.
     *
     * @param fn what the worker runs; exceptions it throws are logged by the worker, which carries on
     * @throws NullPointerException if {@code fn} is null
     */
    public KthreadWork(Runnable fn) {
        this(fn, null);
    }

    KthreadWork(Runnable fn, KthreadDelayedWork delayed) {
        this.fn = Objects.requireNonNull(fn, "fn");
        this.delayed = delayed;
    }

    /**
     * Whether the item is queued and has not started running yet. A running item is not pending.
     *
     * @return true if queued
     */
    public boolean pending() {
        return queuedSeq != 0;
    }

    @Override
    public String toString() {
        return "KthreadWork[" + fn + (pending() ? ", pending" : "") + "]";
    }
}
