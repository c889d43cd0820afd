package io.kdrv.kthread;

import io.kdrv.kthread.internal.Durations;
import io.kdrv.kthread.internal.KthreadExit;
import io.kdrv.kthread.internal.Task;
import io.kdrv.kthread.internal.WaitList;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
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
 * All methods are thread-safe.
 *
 * <p>Speed: the queue is an intrusive lock-free multi-producer single-consumer queue (Vyukov's, with an atomic
 * swap of the tail): {@link #queueWork} takes no lock and allocates nothing (the work item is its own queue link;
 * only re-queueing an item whose cancelled instance is still in the queue allocates a small link). It costs one
 * CAS on the item's state (which also makes the pending answer exact), one swap of the tail and, only when the
 * worker kthread really sleeps, its wake-up. The worker takes no lock per item either and polls briefly before
 * it sleeps. Timers, cancel, flush and destroy, which are rare, use a lock; a flush queues a barrier (like
 * {@code kthread_flush_worker}), so it waits for exactly what was queued before it.
 */
public final class KthreadWorker {
    private static final Logger LOG = LoggerFactory.getLogger(KthreadWorker.class);

    /** Deadline order, robust to nanoTime wrap-around; ties in arming order. */
    private static final Comparator<KthreadDelayedWork> BY_DEADLINE = (a, b) -> {
        long d = a.deadline - b.deadline;
        return d != 0 ? Long.signum(d) : Long.compare(a.timerSeq, b.timerSeq);
    };

    /**
     * Empty-queue polls before the worker announces a sleep: a producer that is still producing usually
     * delivers the next item within a microsecond or two, and a park/unpark pair costs several.
     */
    private static final int SPINS_BEFORE_SLEEP = 128;

    private static final VarHandle TAIL, NEXT, PASSED, CURRENT, CURRENT_GEN;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CURRENT = l.findVarHandle(ConsumerFields.class, "current", KthreadWork.class);
            CURRENT_GEN = l.findVarHandle(ConsumerFields.class, "currentGen", long.class);
            TAIL = l.findVarHandle(TailField.class, "tail", Node.class);
            NEXT = l.findVarHandle(Node.class, "next", Node.class);
            PASSED = l.findVarHandle(Barrier.class, "passed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A queue link. A work item is its own link ({@link KthreadWork} extends this), used for every queueing while
     * it is not in the queue (state bit {@link KthreadWork#LINKED}); only when a cancelled instance still sits
     * in the queue (the consumer skips it later) does a re-queueing allocate a {@link Link}.
     */
    abstract static class Node {
        volatile Node next;
        /** The instance this link carries; written before the link is published by the tail swap. */
        long gen;
    }

    /** An extra link for a work item whose own link is still in the queue. */
    static final class Link extends Node {
        final KthreadWork work;

        Link(KthreadWork work) {
            this.work = work;
        }
    }

    /** The stub, or a flush barrier (like {@code struct kthread_flush_work}). */
    static final class Barrier extends Node {
        volatile boolean passed;
    }

    // Producers swap the tail on every queueWork; the worker writes head/current on every item. Each group gets
    // cache lines of its own (padding through class layout: superclass fields come first), or every item would
    // move one line back and forth between the producers' and the worker's CPUs.
    abstract static class Pad {
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    abstract static class TailField extends Pad {
        volatile Node tail;
    }

    static final class Tail extends TailField {
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    abstract static class ConsumerFields extends Pad {
        /** Worker kthread only. */
        Node head;
        /** Written by the worker kthread only: the item running now (set just before its claim), or null. */
        volatile KthreadWork current;
        /** Its instance. */
        volatile long currentGen;
    }

    static final class Consumer extends ConsumerFields {
        long q0, q1, q2, q3, q4, q5, q6, q7;
    }

    // ---- the MPSC queue: producers swap the tail; only the worker kthread touches the head.
    private final Barrier stub = new Barrier();
    private final Tail tailRef = new Tail();
    private final Consumer cons = new Consumer();

    private volatile boolean destroyed;   // no more queueing
    private volatile boolean dead;        // the worker kthread has ended

    private final Object lock = new Object();
    // Guarded by lock; timersArmed/earliestDeadline are also read without it (a cheap "is a timer due?").
    private final PriorityQueue<KthreadDelayedWork> timers = new PriorityQueue<>(BY_DEADLINE);
    private long lastTimerSeq;
    private volatile boolean timersArmed;
    private volatile long earliestDeadline;

    /** Flushers and cancelers sleep here; woken after every item and every removal while somebody waits. */
    private final WaitList done = new WaitList();
    private final Kthread thread;

    private KthreadWorker(BitSet cpus, String nameFmt, Object[] args) {
        tailRef.tail = stub;
        cons.head = stub;
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
     * Lock-free and allocation-free.
     *
     * <p>Racing {@link #destroy()}: an item queued before {@code destroy()} was called runs; one queued after it
     * started gets {@link IllegalStateException}; one queued concurrently either runs or gets the exception (or,
     * if the kthread is stopped directly, is dropped with a warning, like every item still queued then).
     *
     * @param work the item
     * @return true if queued; false if it was already pending or a {@code cancelWorkSync} of it is in progress
     * @throws IllegalStateException    if the worker is destroyed
     * @throws IllegalArgumentException if {@code work} belongs to another worker
     * @throws NullPointerException     if {@code work} is null
     */
    public boolean queueWork(KthreadWork work) {
        Objects.requireNonNull(work, "work");
        checkQueueable(work);
        long s;
        do {
            s = work.state;
            if ((s & KthreadWork.QUEUE_BLOCKERS) != 0) {
                return false; // pending, or a cancel in progress
            }
        } while (!KthreadWork.STATE.compareAndSet(work, s, queued(s)));
        if (timersArmed) {
            fireDueTimers(); // an expired delayed item was queued (at its deadline) before us
        }
        push(work, s);
        if (dead) {
            return backOutIfStranded(work, KthreadWork.gen(s) + 1);
        }
        thread.wakeUp(); // a CAS + unpark only when the worker sleeps
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
            if (dwork.pending() || (dwork.work.state & KthreadWork.QUEUE_BLOCKERS) != 0) {
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
            if ((dwork.work.state & KthreadWork.CANCELERS) != 0) {
                return false; // being cancelled
            }
            wasPending = disarm(dwork);
            long s = takeOffQueue(dwork.work, 0);
            if ((s & KthreadWork.PENDING) != 0) {
                wasPending = true;
            }
            arm(dwork, nanos);
        }
        if (wasPending) {
            done.wakeAll(); // flushers of a removed instance
        }
        thread.wakeUp();
        return wasPending;
    }

    private void checkQueueable(KthreadWork work) {
        if (destroyed) {
            throw new IllegalStateException("kthread worker " + thread.name() + " is destroyed");
        }
        KthreadWorker owner = work.worker;
        if (owner == null) {
            // first queueing binds the item to this worker; a producer racing us to it may have bound it already
            owner = (KthreadWorker) KthreadWork.WORKER.compareAndExchange(work, null, this);
            if (owner == null) {
                return;
            }
        }
        if (owner != this) {
            throw new IllegalArgumentException(work + " belongs to kthread worker " + owner.thread.name()
                    + ", not " + thread.name());
        }
    }

    /** The state after queueing from idle state s: next instance, pending, and our own link taken if free. */
    private static long queued(long s) {
        return s + (1L << KthreadWork.GEN_SHIFT) + KthreadWork.PENDING + ((s & KthreadWork.LINKED) == 0 ? KthreadWork.LINKED : 0);
    }

    /** Producer side of the MPSC queue (any thread): publish the instance queued from idle state s at the tail. */
    private void push(KthreadWork work, long s) {
        // Our own link if queued(s) took it; else it still carries a cancelled instance through the queue.
        Node n = (s & KthreadWork.LINKED) == 0 ? work : new Link(work);
        n.gen = KthreadWork.gen(s) + 1;
        link(n);
    }

    /** Vyukov: swap the tail, then link the previous tail to us. Between the two the queue looks cut; see pop(). */
    private void link(Node n) {
        NEXT.setRelease(n, (Node) null);
        Node prev = (Node) TAIL.getAndSet(tailRef, n);
        NEXT.setRelease(prev, n);
    }

    /** The worker ended while we queued: take the instance back unless the worker got to it. */
    private boolean backOutIfStranded(KthreadWork work, long gen) {
        long s;
        do {
            s = work.state;
            if ((s & KthreadWork.PENDING) == 0 || KthreadWork.gen(s) != gen) {
                return true; // ran, or dropped (and logged) by the ending worker
            }
        } while (!KthreadWork.STATE.compareAndSet(work, s, s & ~KthreadWork.PENDING));
        work.cancelledGen = gen;
        throw new IllegalStateException("kthread worker " + thread.name() + " is destroyed");
    }

    /**
     * Under lock: queue the delayed item's work now (the timer fired, or a zero delay). The item cannot be pending
     * or canceled here: both are checked or excluded under the same lock.
     */
    /** @return the generation of the instance queued, 0 if none was */
    private long enqueueLocked(KthreadWork work) {
        long s;
        do {
            s = work.state;
            if ((s & KthreadWork.QUEUE_BLOCKERS) != 0) {
                return 0; // cannot happen (see above); never queue twice
            }
        } while (!KthreadWork.STATE.compareAndSet(work, s, queued(s)));
        push(work, s);
        return KthreadWork.gen(s) + 1;
    }

    private void arm(KthreadDelayedWork dwork, long nanos) { // under lock: __kthread_queue_delayed_work
        if (nanos == 0) {
            fireDueTimersLocked(System.nanoTime());
            enqueueLocked(dwork.work);
            return;
        }
        dwork.deadline = System.nanoTime() + nanos;
        dwork.timerSeq = ++lastTimerSeq;
        dwork.timerPending = true;
        timers.add(dwork);
        timersChanged();
    }

    /** Under lock: disarms the timer. Returns true if it was armed. */
    private boolean disarm(KthreadDelayedWork dwork) {
        if (dwork == null || !dwork.timerPending) {
            return false;
        }
        timers.remove(dwork);
        dwork.timerPending = false;
        timersChanged();
        return true;
    }

    /**
     * Drops the pending instance of work from the queue (its link stays; the worker skips it) and, with
     * {@code addCancelers}, registers a canceler in the same CAS.
     *
     * @return the state before
     */
    private static long takeOffQueue(KthreadWork work, long addCancelers) { // keeps LINKED: the link stays
        long s;
        do {
            s = work.state;
        } while (!KthreadWork.STATE.compareAndSet(work, s, (s & ~KthreadWork.PENDING) + addCancelers));
        if ((s & KthreadWork.PENDING) != 0) {
            work.cancelledGen = KthreadWork.gen(s);
        }
        return s;
    }

    private void timersChanged() { // under lock
        KthreadDelayedWork first = timers.peek();
        if (first != null) {
            earliestDeadline = first.deadline;
        }
        timersArmed = first != null;
    }

    /** Any thread: if a timer is due, move every expired delayed item into the queue (deadline order). */
    private boolean fireDueTimers() {
        if (!timersArmed || System.nanoTime() - earliestDeadline < 0) {
            return false;
        }
        synchronized (lock) {
            return fireDueTimersLocked(System.nanoTime());
        }
    }

    /** Under lock: expired timers join the queue in deadline order. Returns true if any did. */
    private boolean fireDueTimersLocked(long now) {
        boolean fired = false;
        KthreadDelayedWork d;
        while ((d = timers.peek()) != null && d.deadline - now <= 0) {
            timers.poll();
            d.timerPending = false;
            enqueueLocked(d.work);
            fired = true;
        }
        if (fired) {
            timersChanged();
        }
        return fired;
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
        return awaitInstance(work, instanceToFlush(work), "flushWork");
    }

    /** The instance of work that is queued or running now, 0 if there is none. */
    private long instanceToFlush(KthreadWork work) {
        if (work.worker != this || dead) {
            return 0;
        }
        long s = work.state;
        if ((s & KthreadWork.PENDING) != 0) {
            return KthreadWork.gen(s);
        }
        long g = cons.currentGen;
        return cons.current == work ? g : 0; // a stale g only makes us wait for an instance that already ended
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
     * Instance target of work has run or will never run. Instances run in order, so doneGen >= target is enough;
     * an instance later than target can only have been queued once target was claimed or cancelled, so a
     * cancelledGen >= target means "done" unless target is the one running right now.
     */
    private boolean instanceDone(KthreadWork work, long target) {
        if (dead || work.doneGen >= target) {
            return true;
        }
        return work.cancelledGen >= target && !(cons.current == work && cons.currentGen == target);
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
        long target = 0;
        synchronized (lock) {
            if (dwork.work.worker == this && !dead && dwork.timerPending) {
                checkNotSelf("flushDelayedWork");
                fireDueTimersLocked(System.nanoTime()); // earlier deadlines keep their place before it
                if (disarm(dwork)) {
                    // The worker dequeues without our lock: it may run this instance before we look again.
                    target = enqueueLocked(dwork.work);
                }
                queuedNow = true;
            }
            if (target == 0) {
                target = instanceToFlush(dwork.work);
            }
        }
        if (queuedNow) {
            thread.wakeUp();
        }
        return awaitInstance(dwork.work, target, "flushDelayedWork");
    }

    /**
     * {@code kthread_flush_worker}: waits until every item queued before the call has finished, including the one
     * running and delayed items whose deadline has passed (they count as queued at their deadline). Delayed items
     * still armed are not waited for. Like Linux, it queues a barrier and waits for the worker to reach it.
     *
     * @throws InterruptedException  if interrupted while waiting
     * @throws IllegalStateException if called from this worker's thread
     */
    public void flushWorker() throws InterruptedException {
        checkNotSelf("flushWorker");
        if (dead) {
            return;
        }
        Barrier barrier = queueBarrier();
        done.awaitInterruptibly(() -> barrier.passed || dead, -1);
    }

    private Barrier queueBarrier() {
        fireDueTimers();
        Barrier barrier = new Barrier();
        link(barrier);
        thread.wakeUp();
        return barrier;
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
        if (work.worker != this) {
            return false;
        }
        boolean wasPending;
        synchronized (lock) { // serialised with timer firing, so an armed item is either disarmed or queued
            wasPending = disarm(work.delayed);
            if ((takeOffQueue(work, KthreadWork.CANCELER) & KthreadWork.PENDING) != 0) {
                wasPending = true;
            }
        }
        try {
            if (wasPending) {
                done.wakeAll(); // flushers of the removed instance
            }
            // The worker publishes 'current' before it claims an instance, and our CAS came after any claim that
            // beat it: if the item is running we see it here.
            if (cons.current == work && Thread.currentThread() != thread.javaThread()) {
                done.awaitUninterruptibly(() -> cons.current != work || dead, -1);
            }
        } finally {
            KthreadWork.STATE.getAndAdd(work, -KthreadWork.CANCELER);
        }
        return wasPending;
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
     * has passed count as queued and run), waits for the queued items to run, then stops the worker kthread.
     * Idempotent and safe to call concurrently; every call returns once the kthread has exited. Uninterruptible:
     * an interrupt is re-asserted on return.
     *
     * @throws IllegalStateException if called from one of this worker's own items
     */
    public void destroy() {
        checkNotSelf("destroy");
        synchronized (lock) {
            if (!destroyed) {
                destroyed = true;
                fireDueTimersLocked(System.nanoTime());
                if (!timers.isEmpty()) {
                    LOG.debug("kthread worker {} destroyed: {} armed delayed works cancelled", thread.name(), timers.size());
                    for (KthreadDelayedWork d : timers) {
                        d.timerPending = false;
                    }
                    timers.clear();
                    timersChanged();
                }
            }
        }
        if (!dead) {
            Barrier barrier = queueBarrier();
            done.awaitUninterruptibly(() -> barrier.passed || dead, -1);
        }
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
        int armed;
        synchronized (lock) {
            armed = timers.size();
        }
        KthreadWork c = cons.current;
        return "KthreadWorker[" + thread.name() + (c != null ? ", running " + c : ", idle") + ", timers " + armed
                + (destroyed ? ", destroyed" : "") + "]";
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
        int spins = 0;
        for (;;) {
            if (Kthread.shouldStop()) {
                return 0;
            }
            if (timersArmed) {
                fireDueTimers();
            }
            Node n = pop();
            if (n != null) {
                process(n);
                spins = 0;
                continue;
            }
            // Empty, or a producer is between its tail swap and its link (a few instructions): poll a little.
            if (!queueEmpty() || spins++ < SPINS_BEFORE_SLEEP) {
                Thread.onSpinWait();
                continue;
            }
            spins = 0;
            // Announce the sleep, then look again: a producer that swapped the tail after our look sees SLEEPING
            // and wakes us (its swap and our state write are both ordered before the other side's read).
            self.prepare(Task.SLEEPING);
            VarHandle.fullFence();
            if (!queueEmpty() || Kthread.shouldStop()) {
                self.running();
                continue;
            }
            final boolean timed = timersArmed;
            final long sleepUntil = earliestDeadline;
            if (timed && System.nanoTime() - sleepUntil >= 0) {
                self.running();
                continue;
            }
            Thread.interrupted(); // a worker is not interruptible; a stray interrupt must not make it spin
            self.schedule(Task.SLEEPING, timed, sleepUntil); // until queueWork()/stop() or the earliest timer
            self.running();
        }
    }

    /** Consumer side (worker kthread only): the oldest link, or null if empty or a producer is mid-push. */
    private Node pop() {
        final Consumer c = cons;
        Node h = c.head;
        Node next = (Node) NEXT.getAcquire(h);
        if (h == stub) {
            if (next == null) {
                return null;
            }
            c.head = next;
            h = next;
            next = (Node) NEXT.getAcquire(h);
        }
        if (next != null) {
            c.head = next;
            return h;
        }
        if (h != tailRef.tail) {
            return null; // a producer swapped the tail but has not linked yet
        }
        link(stub); // h is the last link: put the stub behind it so h can be handed out
        next = (Node) NEXT.getAcquire(h);
        if (next != null) {
            c.head = next;
            return h;
        }
        return null;
    }

    /** Worker kthread only: nothing queued and no producer mid-push. */
    private boolean queueEmpty() {
        Node h = cons.head;
        return NEXT.getAcquire(h) == null && h == tailRef.tail;
    }

    /**
     * Worker kthread only: the claim of the instance a popped link carries (pending -> running, and our own
     * link free again), in one CAS.
     *
     * @return the work item if the instance is still pending (it must run now), null if it was cancelled or
     *         re-armed meanwhile (the link is skipped)
     */
    private static KthreadWork claim(Node n, boolean forRunning) {
        final KthreadWork work = n instanceof KthreadWork w ? w : ((Link) n).work;
        final long gen = n.gen; // read before the link is freed: a re-queueing may reuse it at once
        final long free = n == work ? KthreadWork.LINKED : 0;
        long s, ns;
        boolean live;
        do {
            s = work.state;
            live = (s & KthreadWork.PENDING) != 0 && KthreadWork.gen(s) == gen;
            ns = (live ? s & ~KthreadWork.PENDING : s) & ~free;
            if (ns == s) {
                break;
            }
        } while (!KthreadWork.STATE.compareAndSet(work, s, ns));
        if (!live) {
            return null;
        }
        if (!forRunning) {
            work.cancelledGen = gen;
        }
        return work;
    }

    private void process(Node n) {
        if (n instanceof Barrier b) { // a flush barrier
            PASSED.setVolatile(b, true);
            done.wakeAll();
            return;
        }
        final KthreadWork owner = n instanceof KthreadWork w ? w : ((Link) n).work;
        final long gen = n.gen;
        // Ordered writes, not volatile ones: the claim CAS below, and the fence in wakeWaitersIfAny() after the
        // item, order them for the (rare) flush/cancel readers at a fraction of the cost of full fences.
        final Consumer c = cons;
        CURRENT_GEN.setRelease(c, gen);
        CURRENT.setRelease(c, owner); // before the claim: a canceler whose CAS follows the claim sees it running
        KthreadWork work = claim(n, true);
        if (work == null) {
            CURRENT.setRelease(c, (KthreadWork) null); // that instance was cancelled (or re-armed): skip it
            wakeWaitersIfAny();
            return;
        }
        try {
            work.fn.run();
        } catch (KthreadExit e) {
            throw e; // Kthread.exit() from an item ends the worker
        } catch (Throwable t) {
            LOG.warn("kthread worker {}: work item {} threw", thread.name(), work.fn, t);
        }
        KthreadWork.DONE_GEN.setRelease(work, gen);
        CURRENT.setRelease(c, (KthreadWork) null);
        wakeWaitersIfAny();
    }

    private void wakeWaitersIfAny() {
        // Flush/cancel waiters queue themselves on 'done' with a full fence before evaluating their condition;
        // with ours between the writes above and this read, one that can still miss them is counted here.
        VarHandle.fullFence();
        if (done.sleepers() > 0) {
            done.wakeAll();
        }
    }

    /** The worker kthread is ending: drop what is left and release every waiter. */
    private void died() {
        int dropped = 0;
        synchronized (lock) {
            destroyed = true;
            dead = true;
            dropped += timers.size();
            for (KthreadDelayedWork d : timers) {
                d.timerPending = false;
            }
            timers.clear();
            timersChanged();
        }
        cons.current = null;
        // Producers that saw 'dead' back out by themselves; the rest is claimed and dropped here.
        for (;;) {
            Node n = pop();
            if (n == null) {
                if (queueEmpty()) {
                    break;
                }
                Thread.onSpinWait();
                continue;
            }
            if (n instanceof Barrier b) {
                PASSED.setVolatile(b, true);
                continue;
            }
            if (claim(n, false) != null) {
                dropped++;
            }
        }
        if (dropped > 0) {
            LOG.warn("kthread worker {} stopped with {} work items pending; they will not run", thread.name(), dropped);
        }
        done.wakeAll();
    }
}
