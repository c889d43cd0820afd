package io.kdrv.kthread.internal;

import java.lang.invoke.VarHandle;
import java.util.function.BooleanSupplier;

/**
 * A wait queue head ({@code wait_queue_head_t}): a FIFO of sleeping {@link Task}s protected by a small lock,
 * plus the {@code wait_event} loop. The public {@code WaitQueue} and {@code Completion}, and the kthread
 * internals (join, park hand-shake, worker flushes), are all built on it.
 *
 * <p>Design notes (why it looks like this):
 * <ul>
 *   <li>The list is intrusive (links live in {@link Task}), so neither sleeping nor waking allocates.</li>
 *   <li>Wakers skip the lock entirely when nobody sleeps ({@code wq_has_sleeper}): a full fence orders the
 *       caller's condition store before the read of {@link #sleepers}; the sleeper has the mirror fence
 *       between enqueueing itself and evaluating the condition. So either the waker sees the sleeper, or the
 *       sleeper sees the condition.</li>
 *   <li>A waiter stays queued across its whole wait loop and only leaves in {@code finish}; a waker unlinks
 *       the tasks it wakes, so {@code wakeOne} never wakes the same waiter twice.</li>
 *   <li>No wake-up is lost to a leaving waiter. {@code wakeOne} chooses one sleeper; if that sleeper is just
 *       leaving on its timeout or an interrupt (its last look at the condition was before the waker's change),
 *       it would take the wake-up with it and a waiter behind it, whose condition is now true, would sleep on.
 *       ({@code WaitQueue.wakeUp} wakes all, like Linux for non-exclusive waiters; {@code wakeOne} serves the
 *       exclusive, count-exact {@code Completion}.) A waiter that leaves without success hands a wake-up it got
 *       on to the next sleeper: {@code finish} atomically swaps its state to
 *       RUNNING, which tells it whether a waker moved it since its last condition check (the waker's CAS and the
 *       swap are ordered, so exactly one of them sees the other).</li>
 * </ul>
 *
 * <p>Internal: not part of the exported API.
 */
public final class WaitList {
    private final Object lock = new Object();
    private Task head, tail;          // guarded by lock
    private volatile int sleepers;    // written under lock; read lock-free by wakers

    /** Number of tasks currently queued (a snapshot, for diagnostics and tests). */
    public int sleepers() {
        return sleepers;
    }

    /**
     * {@code wait_event_interruptible(_timeout)}: sleeps until {@code cond} is true.
     *
     * @param timeoutNanos a timeout, or a negative value to wait without one
     * @return remaining nanoseconds (at least 1) when {@code cond} became true, 0 on timeout
     * @throws InterruptedException if interrupted while {@code cond} is false (the condition wins a tie)
     */
    public long awaitInterruptibly(BooleanSupplier cond, long timeoutNanos) throws InterruptedException {
        return await(cond, timeoutNanos, true);
    }

    /**
     * {@code wait_event(_timeout)} (uninterruptible): like {@link #awaitInterruptibly} but an interrupt does not
     * end the wait; the interrupt status is restored on return.
     */
    public long awaitUninterruptibly(BooleanSupplier cond, long timeoutNanos) {
        try {
            return await(cond, timeoutNanos, false);
        } catch (InterruptedException impossible) {
            throw new AssertionError(impossible);
        }
    }

    private long await(BooleanSupplier cond, long timeoutNanos, boolean interruptible) throws InterruptedException {
        if (cond.getAsBoolean()) {
            return Math.max(1, timeoutNanos); // fast path: no queueing, no state change
        }
        final boolean timed = timeoutNanos >= 0;
        final long deadline = timed ? System.nanoTime() + timeoutNanos : 0L;
        final Task self = Task.current();
        boolean interrupted = false;
        boolean success = false;
        try {
            for (;;) {
                prepare(self);
                VarHandle.fullFence(); // our enqueue + SLEEPING before the condition read; pairs with wake*()
                if (cond.getAsBoolean()) {
                    success = true;
                    return timed ? Math.max(1, deadline - System.nanoTime()) : 1;
                }
                if (Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException();
                    }
                    interrupted = true; // uninterruptible: remember, clear so park() blocks, restore at the end
                }
                if (timed && deadline - System.nanoTime() <= 0) {
                    return 0;
                }
                self.schedule(Task.SLEEPING, timed, deadline);
                // Most wake-ups find the condition true: look before re-queueing (saves a lock round trip, and a
                // woken waiter never shows up on the queue again). If it is still false, prepare() + re-check.
                if (cond.getAsBoolean()) {
                    success = true;
                    return timed ? Math.max(1, deadline - System.nanoTime()) : 1;
                }
            }
        } finally {
            if (finish(self) && !success) {
                // A waker chose us after our last condition check, and we leave on timeout/interrupt without
                // acting on it: pass it to the next sleeper (at worst a spurious wake-up there).
                wakeOne();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@code prepare_to_wait}: queue the task (once per wait) and mark it sleeping, under the lock. */
    private void prepare(Task t) {
        synchronized (lock) {
            if (t.list == null) {
                linkLast(t);
            } else if (t.list != this) {
                throw new IllegalStateException("nested kdrv wait: a wait condition must not itself sleep");
            }
            t.prepare(Task.SLEEPING);
        }
    }

    /**
     * {@code finish_wait}: running again, and off the queue unless a waker already took us off.
     *
     * @return true if a waker moved the task to RUNNING since its last {@code prepare}
     */
    private boolean finish(Task t) {
        boolean woken = t.finishWait();
        // Only the owner sets t.list non-null, so a null read is never stale; a non-null read is re-checked.
        if (t.list == this) {
            synchronized (lock) {
                if (t.list == this) {
                    unlink(t);
                }
            }
        }
        return woken;
    }

    /**
     * Wakes the longest-waiting sleeper that is still asleep. Lock-free and allocation-free when nobody waits.
     *
     * @return true if a task was woken
     */
    public boolean wakeOne() {
        VarHandle.fullFence(); // the caller's condition store before our sleepers read; pairs with await()
        if (sleepers == 0) {
            return false;
        }
        synchronized (lock) {
            Task t;
            while ((t = head) != null) {
                unlink(t);
                // A task that is already running (woken by stop()/wakeUp()) re-checks its condition by itself;
                // spend the wake-up on the next one rather than lose it.
                if (t.wakeFrom(Task.SLEEPING)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Wakes every sleeper. Lock-free and allocation-free when nobody waits.
     *
     * @return the number of tasks woken
     */
    public int wakeAll() {
        VarHandle.fullFence(); // see wakeOne()
        if (sleepers == 0) {
            return 0;
        }
        int woken = 0;
        synchronized (lock) {
            Task t;
            while ((t = head) != null) {
                unlink(t);
                if (t.wakeFrom(Task.SLEEPING)) {
                    woken++;
                }
            }
        }
        return woken;
    }

    private void linkLast(Task t) {
        t.list = this;
        t.next = null;
        t.prev = tail;
        if (tail == null) {
            head = t;
        } else {
            tail.next = t;
        }
        tail = t;
        sleepers = sleepers + 1;
    }

    private void unlink(Task t) {
        Task p = t.prev, n = t.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        t.prev = t.next = null;
        t.list = null;
        sleepers = sleepers - 1;
    }
}
