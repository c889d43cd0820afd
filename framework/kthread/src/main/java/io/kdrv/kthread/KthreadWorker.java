package io.kdrv.kthread;

import io.kdrv.kthread.internal.Durations;
import io.kdrv.kthread.internal.KthreadExit;
import io.kdrv.kthread.internal.Task;
import io.kdrv.kthread.internal.WaitList;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Objects;
import java.util.PriorityQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dedicated kthread that runs work items one at a time in strict FIFO order ({@code struct kthread_worker}).
 *
 * <p>Contract:
 * <ul>
 *   <li><b>Ordering</b>: items run in the order their {@code queue*} calls took effect; delayed items join the
 *       queue at the moment their delay expires, in deadline order (equal deadlines in arming order), even while
 *       the worker is busy: an item queued after a delayed item's deadline runs after it, a flush or
 *       {@link #destroy()} after that deadline waits for it. Exactly one item runs at a time, always on
 *       {@link #thread()}.</li>
 *   <li><b>Pending</b>: an item is pending from queueing until it starts running. Queueing a pending item does
 *       nothing and returns false; an item may be queued again while it runs (it then runs once more).</li>
 *   <li><b>Timers</b>: the worker kthread itself sleeps until the earliest delayed deadline; there is no timer
 *       thread. Instead, every call that appends to the queue, flushes or destroys first moves each expired
 *       delayed item into the queue in deadline order (as does the worker loop), so the order is the one a timer
 *       firing at the deadline would have produced.</li>
 *   <li><b>Failures</b>: an exception thrown by an item is logged (WARN) and the worker carries on.</li>
 *   <li><b>Waiting from the worker</b>: flushes and {@link #destroy()} called from one of this worker's own items
 *       would wait for themselves; they throw {@link IllegalStateException} instead.
 *       {@code cancel*Sync} of the running item from itself does not wait.</li>
 *   <li><b>End</b>: {@link #destroy()} cancels armed timers, runs what is queued, and stops the kthread. If the
 *       kthread is stopped directly, or an item calls {@link Kthread#exit}, queued items are dropped (logged), the
 *       worker counts as destroyed and waiters are released.</li>
 * </ul>
 * All methods are thread-safe. Queueing is allocation-free apart from queue growth, and wakes the worker with a
 * single CAS when it is idle.
 */
public final class KthreadWorker {
    private static final Logger LOG = LoggerFactory.getLogger(KthreadWorker.class);

    /** Deadline order, robust to nanoTime wrap-around; ties in arming order. */
    private static final Comparator<KthreadDelayedWork> BY_DEADLINE = (a, b) -> {
        long d = a.deadline - b.deadline;
        return d != 0 ? Long.signum(d) : Long.compare(a.timerSeq, b.timerSeq);
    };

    private final Object lock = new Object();
    // Everything below is guarded by lock.
    private final ArrayDeque<KthreadWork> queue = new ArrayDeque<>(); // queuedSeq strictly increasing head to tail
    private final PriorityQueue<KthreadDelayedWork> timers = new PriorityQueue<>(BY_DEADLINE);
    private long lastSeq;       // last sequence number given to a queued instance
    private long lastTimerSeq;
    private KthreadWork current; // the item running now, or null
    private long currentSeq;     // its sequence number, 0 when idle
    private boolean destroyed;   // no more queueing
    private boolean dead;        // the worker kthread has ended

    /** Flushers and cancelers sleep here; woken after every item and every removal. */
    private final WaitList done = new WaitList();
    private final Kthread thread;

    private KthreadWorker(BitSet cpus, String nameFmt, Object[] args) {
        this.thread = Kthread.create(KthreadWorker::loop, this, nameFmt, args);
        if (cpus != null) {
            try {
                thread.bindMask(cpus);
            } catch (RuntimeException e) {
                thread.stop(); // never woken: releases it without running
                throw e;
            }
        }
    }

    /**
     * {@code kthread_create_worker}: creates and starts a worker kthread named {@code String.format(nameFmt, args)}.
     *
     * @param nameFmt {@link String#format} pattern for the worker kthread's name
     * @param args    format arguments
     * @return the running worker
     * @throws NullPointerException            if {@code nameFmt} is null
     * @throws java.util.IllegalFormatException if {@code nameFmt} does not match {@code args}
     */
    public static KthreadWorker create(String nameFmt, Object... args) {
        KthreadWorker w = new KthreadWorker(null, nameFmt, args);
        w.thread.wakeUp();
        return w;
    }

    /**
     * {@code kthread_create_worker_on_cpu}: like {@link #create(String, Object...)} with the kthread bound to
     * {@code cpus} (see {@link Kthread#bindMask}).
     *
     * @param cpus    the CPUs the worker kthread may run on
     * @param nameFmt {@link String#format} pattern for the worker kthread's name
     * @param args    format arguments
     * @return the running worker
     * @throws NullPointerException     if {@code cpus} or {@code nameFmt} is null
     * @throws IllegalArgumentException if {@code cpus} names a CPU that does not exist
     */
    public static KthreadWorker create(BitSet cpus, String nameFmt, Object... args) {
        KthreadWorker w = new KthreadWorker(Objects.requireNonNull(cpus, "cpus"), nameFmt, args);
        w.thread.wakeUp();
        return w;
    }

    // ------------------------------------------------------------------------------------------------ queueing

    /**
     * {@code kthread_queue_work}: appends {@code work} to the queue unless it is pending (or being cancelled).
     *
     * @param work the item
     * @return true if queued; false if it was already pending or a {@code cancelWorkSync} of it is in progress
     * @throws IllegalStateException    if the worker is destroyed
     * @throws IllegalArgumentException if {@code work} belongs to another worker
     * @throws NullPointerException     if {@code work} is null
     */
    public boolean queueWork(KthreadWork work) {
        Objects.requireNonNull(work, "work");
        synchronized (lock) {
            checkQueueable(work);
            if (work.queuedSeq != 0 || work.canceling > 0) {
                return false;
            }
            fireExpiredTimers(System.nanoTime()); // an expired delayed item was queued before us
            enqueue(work);
        }
        thread.wakeUp();
        return true;
    }

    /**
     * {@code kthread_queue_delayed_work}: queues {@code dwork} after {@code delay} unless it is pending. A zero or
     * negative delay queues it at once.
     *
     * @param dwork the item
     * @param delay how long from now
     * @return true if armed or queued; false if it was already pending or being cancelled
     * @throws IllegalStateException    if the worker is destroyed
     * @throws IllegalArgumentException if {@code dwork} belongs to another worker
     * @throws NullPointerException     if an argument is null
     */
    public boolean queueDelayedWork(KthreadDelayedWork dwork, Duration delay) {
        Objects.requireNonNull(dwork, "dwork");
        long nanos = Durations.toNanos(delay);
        synchronized (lock) {
            checkQueueable(dwork.work);
            if (dwork.pending() || dwork.work.canceling > 0) {
                return false;
            }
            arm(dwork, nanos);
        }
        thread.wakeUp(); // re-computes its sleep if this deadline is now the earliest
        return true;
    }

    /**
     * {@code kthread_mod_delayed_work}: (re)arms {@code dwork} to run after {@code delay} from now, whether or not it
     * was pending: an armed timer is moved, a queued item is taken off the queue and re-armed. Does nothing while a
     * {@code cancelDelayedWorkSync} of it is in progress.
     *
     * @param dwork the item
     * @param delay the new delay, from now
     * @return true if it was pending before (and was modified), false if it was idle (and is now armed) or is being
     *         cancelled
     * @throws IllegalStateException    if the worker is destroyed
     * @throws IllegalArgumentException if {@code dwork} belongs to another worker
     * @throws NullPointerException     if an argument is null
     */
    public boolean modDelayedWork(KthreadDelayedWork dwork, Duration delay) {
        Objects.requireNonNull(dwork, "dwork");
        long nanos = Durations.toNanos(delay);
        boolean wasPending;
        synchronized (lock) {
            checkQueueable(dwork.work);
            if (dwork.work.canceling > 0) {
                return false;
            }
            wasPending = removePending(dwork.work);
            arm(dwork, nanos);
        }
        thread.wakeUp();
        return wasPending;
    }

    private void checkQueueable(KthreadWork work) { // under lock
        if (destroyed) {
            throw new IllegalStateException("kthread worker " + thread.name() + " is destroyed");
        }
        if (work.worker != null && work.worker != this) {
            throw new IllegalArgumentException(work + " belongs to kthread worker " + work.worker.thread.name()
                    + ", not " + thread.name());
        }
    }

    private void enqueue(KthreadWork work) { // under lock: kthread_insert_work at the tail
        work.worker = this;
        work.queuedSeq = ++lastSeq;
        queue.addLast(work);
    }

    private void arm(KthreadDelayedWork dwork, long nanos) { // under lock: __kthread_queue_delayed_work
        if (nanos == 0) {
            fireExpiredTimers(System.nanoTime());
            enqueue(dwork.work);
            return;
        }
        dwork.work.worker = this;
        dwork.deadline = System.nanoTime() + nanos;
        dwork.timerSeq = ++lastTimerSeq;
        dwork.timerPending = true;
        timers.add(dwork);
    }

    /** Under lock: takes the item off the timer and the queue. Callers wake 'done' afterwards if it returns true. */
    private boolean removePending(KthreadWork work) {
        boolean removed = false;
        KthreadDelayedWork dwork = work.delayed;
        if (dwork != null && dwork.timerPending) {
            timers.remove(dwork);
            dwork.timerPending = false;
            removed = true;
        }
        if (work.queuedSeq != 0) {
            queue.remove(work);
            work.queuedSeq = 0;
            removed = true;
        }
        return removed;
    }

    // ------------------------------------------------------------------------------------------------ waiting

    /**
     * {@code kthread_flush_work}: waits until the instance of {@code work} that is queued or running at the time of
     * the call has finished (or was cancelled). Later re-queueings are not waited for.
     *
     * @param work the item
     * @return true if it waited (the item was queued or running), false if it was idle, delayed-only or never
     *         queued on this worker
     * @throws InterruptedException  if interrupted while waiting
     * @throws IllegalStateException if called from this worker's thread while there is something to wait for
     * @throws NullPointerException  if {@code work} is null
     */
    public boolean flushWork(KthreadWork work) throws InterruptedException {
        Objects.requireNonNull(work, "work");
        final long target;
        synchronized (lock) {
            target = instanceToFlush(work);
        }
        return awaitInstance(work, target, "flushWork");
    }

    /** Under lock: the sequence number of the queued or running instance of work, 0 if there is none. */
    private long instanceToFlush(KthreadWork work) {
        if (work.worker != this || dead) {
            return 0;
        }
        if (work.queuedSeq != 0) {
            return work.queuedSeq;
        }
        return current == work ? currentSeq : 0;
    }

    private boolean awaitInstance(KthreadWork work, long target, String what) throws InterruptedException {
        if (target == 0) {
            return false;
        }
        checkNotSelf(what);
        done.awaitInterruptibly(() -> instanceDone(work, target), -1);
        return true;
    }

    /**
     * {@code flush_delayed_work} for a kthread worker: if {@code dwork}'s timer is armed, it is disarmed and the
     * item queued now (at the tail, behind what is already queued); then, or if it was already queued or
     * running, waits until that instance has finished (or was cancelled), like {@link #flushWork}. Later
     * re-queueings are not waited for.
     *
     * @param dwork the item
     * @return true if it waited (the item was armed, queued or running), false if it was idle or never queued on
     *         this worker
     * @throws InterruptedException  if interrupted while waiting (an armed item stays queued and will run)
     * @throws IllegalStateException if called from this worker's thread while there is something to wait for
     * @throws NullPointerException  if {@code dwork} is null
     */
    public boolean flushDelayedWork(KthreadDelayedWork dwork) throws InterruptedException {
        Objects.requireNonNull(dwork, "dwork");
        boolean queuedNow = false;
        final long target;
        synchronized (lock) {
            if (dwork.work.worker == this && !dead && dwork.timerPending) {
                checkNotSelf("flushDelayedWork");
                fireExpiredTimers(System.nanoTime()); // earlier deadlines keep their place before it
                if (dwork.timerPending) {
                    timers.remove(dwork);
                    dwork.timerPending = false;
                    enqueue(dwork.work);
                }
                queuedNow = true;
            }
            target = instanceToFlush(dwork.work); // under the same lock: it may run as soon as we let go
        }
        if (queuedNow) {
            thread.wakeUp();
        }
        return awaitInstance(dwork.work, target, "flushDelayedWork");
    }

    /**
     * {@code kthread_flush_worker}: waits until every item queued before the call has finished, including the one
     * running and delayed items whose deadline has passed (they count as queued at their deadline). Delayed items
     * still armed are not waited for.
     *
     * @throws InterruptedException  if interrupted while waiting
     * @throws IllegalStateException if called from this worker's thread while there is something to wait for
     */
    public void flushWorker() throws InterruptedException {
        final long target;
        final boolean fired;
        synchronized (lock) {
            fired = fireExpiredTimers(System.nanoTime());
            target = lastSeq;
            if (flushedUpTo(target)) {
                return;
            }
        }
        if (fired) {
            thread.wakeUp();
        }
        checkNotSelf("flushWorker");
        done.awaitInterruptibly(() -> {
            synchronized (lock) {
                return flushedUpTo(target);
            }
        }, -1);
    }

    /**
     * {@code kthread_cancel_work_sync}: takes {@code work} off the queue if pending, and if it is running waits until
     * it has finished. While this call runs, queueing {@code work} again returns false (also from the item itself).
     * Uninterruptible: an interrupt is re-asserted on return.
     *
     * @param work the item
     * @return true if it was pending (and will not run), false otherwise
     * @throws NullPointerException if {@code work} is null
     */
    public boolean cancelWorkSync(KthreadWork work) {
        return cancelSync(Objects.requireNonNull(work, "work"));
    }

    /**
     * {@code kthread_cancel_delayed_work_sync}: like {@link #cancelWorkSync} for a delayed item: disarms its timer,
     * takes it off the queue, and waits if it is running.
     *
     * @param dwork the item
     * @return true if it was pending (armed or queued), false otherwise
     * @throws NullPointerException if {@code dwork} is null
     */
    public boolean cancelDelayedWorkSync(KthreadDelayedWork dwork) {
        return cancelSync(Objects.requireNonNull(dwork, "dwork").work);
    }

    private boolean cancelSync(KthreadWork work) {
        final boolean wasPending;
        final boolean mustWait;
        synchronized (lock) {
            if (work.worker != this) {
                return false;
            }
            wasPending = removePending(work);
            mustWait = current == work && Thread.currentThread() != thread.javaThread();
            if (mustWait) {
                work.canceling++; // blocks re-queueing until it finished
            }
        }
        if (wasPending) {
            done.wakeAll(); // flushers of the removed instance
        }
        if (mustWait) {
            try {
                done.awaitUninterruptibly(() -> {
                    synchronized (lock) {
                        return current != work || dead;
                    }
                }, -1);
            } finally {
                synchronized (lock) {
                    work.canceling--;
                }
            }
        }
        return wasPending;
    }

    private boolean instanceDone(KthreadWork work, long target) {
        synchronized (lock) {
            return dead || (work.queuedSeq != target && currentSeq != target);
        }
    }

    /** Under lock: nothing with a sequence number up to target is queued or running. */
    private boolean flushedUpTo(long target) {
        if (dead) {
            return true;
        }
        KthreadWork head = queue.peekFirst();
        return (head == null || head.queuedSeq > target) && (current == null || currentSeq > target);
    }

    private void checkNotSelf(String what) {
        if (Thread.currentThread() == thread.javaThread()) {
            throw new IllegalStateException(what + " called from a work item of kthread worker " + thread.name()
                    + ": it would wait for itself");
        }
    }

    // ------------------------------------------------------------------------------------------------ the end

    /**
     * {@code kthread_destroy_worker}: refuses further queueing, cancels armed delayed items (those whose deadline
     * has passed count as queued and run), waits for the queued items to run, then stops the worker kthread. Idempotent and safe to call concurrently; every call returns
     * once the kthread has exited. Uninterruptible: an interrupt is re-asserted on return.
     *
     * @throws IllegalStateException if called from one of this worker's own items
     */
    public void destroy() {
        checkNotSelf("destroy");
        final long target;
        boolean fired = false;
        synchronized (lock) {
            if (!destroyed) {
                destroyed = true;
                fired = fireExpiredTimers(System.nanoTime());
                if (!timers.isEmpty()) {
                    LOG.debug("kthread worker {} destroyed: {} armed delayed works cancelled", thread.name(), timers.size());
                    for (KthreadDelayedWork d : timers) {
                        d.timerPending = false;
                    }
                    timers.clear();
                }
            }
            target = lastSeq;
        }
        if (fired) {
            thread.wakeUp();
        }
        done.awaitUninterruptibly(() -> {
            synchronized (lock) {
                return flushedUpTo(target);
            }
        }, -1);
        thread.stop();
    }

    /**
     * The worker kthread, e.g. for {@link Kthread#state()} or {@link Kthread#owner(String)}.
     *
     * @return the kthread that runs the items
     */
    public Kthread thread() {
        return thread;
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "KthreadWorker[" + thread.name() + ", queued " + queue.size() + ", timers " + timers.size()
                    + (destroyed ? ", destroyed" : "") + "]";
        }
    }

    // ------------------------------------------------------------------------------------------------ the kthread

    /** kthread_worker_fn: the worker kthread's function. */
    private static int loop(KthreadWorker w) {
        try {
            return w.processUntilStopped();
        } finally {
            w.died();
        }
    }

    private int processUntilStopped() {
        final Task self = Task.current();
        for (;;) {
            if (Kthread.shouldStop()) {
                return 0;
            }
            final KthreadWork work;
            final boolean timed;
            final long sleepUntil;
            final boolean flushers;
            synchronized (lock) {
                // The previous item ends here, in the same critical section that takes the next one: one monitor
                // round trip per item instead of two. Flush/cancel waiters join 'done' before they evaluate their
                // condition under 'lock', so one that can still miss this update is already counted: no fence,
                // and no wakeAll() at all while nobody flushes.
                current = null;
                currentSeq = 0;
                flushers = done.sleepers() > 0;
                fireExpiredTimers(System.nanoTime());
                work = queue.pollFirst();
                if (work != null) {
                    current = work;
                    currentSeq = work.queuedSeq;
                    work.queuedSeq = 0;
                } else {
                    // Announce the sleep only when the queue is empty, under the lock: a queueWork() after this
                    // sees SLEEPING and wakes us; one before it was found by pollFirst(). Announcing it before every
                    // look made producers pay a CAS + LockSupport.unpark for items the worker would find anyway.
                    self.prepare(Task.SLEEPING);
                }
                KthreadDelayedWork next = timers.peek();
                timed = next != null;
                sleepUntil = timed ? next.deadline : 0L;
            }
            if (flushers) {
                done.wakeAll();
            }
            if (work != null) {
                runOne(work);
                continue;
            }
            if (Kthread.shouldStop()) { // stop() sets the flag, then wakes a SLEEPING task: re-check after prepare
                self.running();
                return 0;
            }
            Thread.interrupted(); // a worker is not interruptible; a stray interrupt must not make it spin
            self.schedule(Task.SLEEPING, timed, sleepUntil); // until queueWork()/stop() or the earliest timer
            self.running();
        }
    }

    /** Under lock: expired timers join the queue in deadline order. Returns true if any did. */
    private boolean fireExpiredTimers(long now) {
        boolean fired = false;
        KthreadDelayedWork d;
        while ((d = timers.peek()) != null && d.deadline - now <= 0) {
            timers.poll();
            d.timerPending = false;
            enqueue(d.work);
            fired = true;
        }
        return fired;
    }

    private void runOne(KthreadWork work) {
        try {
            work.fn.run();
        } catch (KthreadExit e) {
            throw e; // Kthread.exit() from an item ends the worker
        } catch (Throwable t) {
            LOG.warn("kthread worker {}: work item {} threw", thread.name(), work.fn, t);
        }
        // 'current' is cleared, and flush/cancel waiters woken, by the loop's next critical section
    }

    /** The worker kthread is ending: drop what is left and release every waiter. */
    private void died() {
        int dropped;
        synchronized (lock) {
            destroyed = true;
            dead = true;
            dropped = queue.size() + timers.size();
            for (KthreadWork w : queue) {
                w.queuedSeq = 0;
            }
            queue.clear();
            for (KthreadDelayedWork d : timers) {
                d.timerPending = false;
            }
            timers.clear();
            current = null;
            currentSeq = 0;
        }
        if (dropped > 0) {
            LOG.warn("kthread worker {} stopped with {} work items pending; they will not run", thread.name(), dropped);
        }
        done.wakeAll();
    }
}
