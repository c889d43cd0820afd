package io.kdrv.kthread;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * A work item for a {@link KthreadWorker} ({@code struct kthread_work}). It is reusable: once it has run (or been
 * cancelled) it can be queued again. A work item belongs to the first worker it is queued on.
 */
public final class KthreadWork extends KthreadWorker.Node {
    // state: instance number (bits 16..63) | cancelers in progress (bits 2..15) | LINKED (bit 1) | PENDING (bit 0).
    // One word, so that queueing (idle and no canceler -> next instance, pending, own link taken if free), the
    // worker's claim (this instance pending -> running, own link freed) and a cancel (register + drop pending)
    // are single CASes and answer exactly.
    static final long PENDING = 1L;
    /** The item itself (its own queue link) is in a worker's queue, maybe carrying a cancelled instance. */
    static final long LINKED = 2L;
    static final long CANCELER = 4L;
    static final long CANCELERS = 0xFFFCL;
    /** Queueing is refused while any of these is set. */
    static final long QUEUE_BLOCKERS = PENDING | CANCELERS;
    static final int GEN_SHIFT = 16;

    static final VarHandle STATE, WORKER, DONE_GEN;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(KthreadWork.class, "state", long.class);
            WORKER = l.findVarHandle(KthreadWork.class, "worker", KthreadWorker.class);
            DONE_GEN = l.findVarHandle(KthreadWork.class, "doneGen", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Runnable fn;
    /** The owning delayed work when this is its inner item, else null. */
    final KthreadDelayedWork delayed;

    /** Set once, by CAS, to the first worker it is queued on. */
    volatile KthreadWorker worker;
    volatile long state;
    /** Last instance that finished running. Written by the worker kthread only. */
    volatile long doneGen;
    /** Last instance taken off the queue by a cancel or modDelayedWork before it ran. */
    volatile long cancelledGen;

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

    static long gen(long state) {
        return state >>> GEN_SHIFT;
    }

    /**
     * Whether the item is queued and has not started running yet. A running item is not pending.
     *
     * @return true if queued
     */
    public boolean pending() {
        return (state & PENDING) != 0;
    }

    @Override
    public String toString() {
        return "KthreadWork[" + fn + (pending() ? ", pending" : "") + "]";
    }
}
