package io.kdrv.kthread;

import io.kdrv.kthread.internal.Durations;
import io.kdrv.kthread.internal.KthreadExit;
import io.kdrv.kthread.internal.NativeOs;
import io.kdrv.kthread.internal.Task;
import io.kdrv.kthread.internal.TaskThread;
import io.kdrv.kthread.internal.WaitList;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.BitSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A kernel-style thread: Linux's {@code kthread} API on a Java platform thread.
 *
 * <h2>Life cycle</h2>
 * <pre>
 *  create() ──wakeUp()──► RUNNING ⇄ SLEEPING (kdrv waits) ⇄ PARKED (parkme)
 *     │                      │ stop(): STOPPING ──fn returns──► EXITED
 *     │                      │            └─stop(Duration) times out─► STUCK ──fn returns──► EXITED
 *     └──────stop()──────────┴──────────────────────────────────► EXITED (-EINTR, fn never ran)
 * </pre>
 * {@link #create} builds a kthread that does not run yet ({@link State#CREATED}); its Java thread is started by the
 * first {@link #wakeUp()} ({@code wake_up_process}), {@link #run} does both. Before calling the function the new
 * thread applies the requested CPU binding ({@link #bind}) to itself and parks if {@link #park()} was requested.
 * The function ends by returning (normally once {@link #shouldStop()} is true), by {@link #exit(int)}, or by
 * throwing. {@link #stop()} ({@code kthread_stop}) sets should-stop, wakes the thread out of any kdrv wait, waits
 * for it to end and returns its exit code.
 *
 * <h2>Exit codes</h2>
 * <ul>
 *   <li>the function's return value, or the code given to {@link #exit(int)};</li>
 *   <li>{@code -Errno.EINTR} when stopped before the function started (never woken, or stopped while parked
 *       before its first run);</li>
 *   <li>when the function throws: {@code -Errno.EINTR} for {@link InterruptedException}, {@code -Errno.ENOMEM} for
 *       {@link OutOfMemoryError}, {@code -Errno.EIO} for anything else. The throwable is kept in {@link #failure()}
 *       and logged once (SLF4J, ERROR, logger {@code io.kdrv.kthread.Kthread});</li>
 *   <li>{@code -Errno.ENOMEM} when the JVM cannot start the thread (the error is rethrown by {@link #wakeUp()}).</li>
 * </ul>
 *
 * <h2>Sleeping and waking</h2>
 * A kthread "sleeps" when it waits in a kdrv primitive: {@link WaitQueue}, {@link Completion},
 * {@link PeriodicTimer}, {@link KthreadWorker} idle, {@link #sleep(Duration)}. {@link #stop()} wakes it from all of
 * them; the waits then re-evaluate their condition, so a condition must include {@code Kthread.shouldStop()}
 * (Completion, PeriodicTimer, worker and sleep do that by themselves). Blocking outside kdrv
 * ({@code Thread.sleep}, {@code BlockingQueue.take}, I/O) is not woken by {@code stop()}: use
 * {@link #stop(Duration)} to detect such a thread. kdrv never interrupts a kthread; Java interrupts make
 * interruptible kdrv waits throw {@link InterruptedException}.
 *
 * <h2>Naming</h2>
 * The name is {@code String.format(Locale.ROOT, nameFmt, args)} and is the Java thread name; the JVM copies it into
 * the native thread name (Linux {@code comm}, visible in {@code ps}/{@code top}) cut to 15 characters.
 *
 * <p>All methods are thread-safe. Kthread threads are daemon platform threads.
 */
public final class Kthread {
    /** The observable state of a kthread. */
    public enum State {
        /** Created, never woken: its Java thread has not started. */
        CREATED,
        /** Running (or blocked outside kdrv waits). */
        RUNNING,
        /** Sleeping in a kdrv wait. */
        SLEEPING,
        /** Parked in {@link Kthread#parkme()}. */
        PARKED,
        /** {@link Kthread#stop()} was called and the function has not returned yet. */
        STOPPING,
        /**
         * A bounded {@link Kthread#stop(Duration)} timed out and the function has still not returned: it ignores
         * should-stop (spins, or blocks outside kdrv waits). Like Linux's {@code D} in {@code ps}, it stays listed
         * by {@link Kthreads#list()}, its CPU time still counting, until the function ends; a later successful
         * stop or the function's return moves it to {@link #EXITED}.
         */
        STUCK,
        /** The function has returned (or the kthread was stopped before it ran). */
        EXITED
    }

    private static final Logger LOG = LoggerFactory.getLogger(Kthread.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    // Life-cycle phases. CREATED -> STARTED or EXITED under 'lock' (so bind/start/stop-before-start serialize);
    // STARTED -> EXITED by the kthread itself when its function has ended.
    private static final int P_CREATED = 0, P_STARTED = 1, P_EXITED = 2;

    /** The thread function bound to its data. */
    @FunctionalInterface
    private interface Body {
        int run() throws Exception;
    }

    private final long seq = SEQUENCE.incrementAndGet();
    private final String name;
    private final Object data;
    private final Body body;
    private final TaskThread thread;
    private final Task task;
    /**
     * Serializes the rare transitions: bind/start/stop-before-start and the park hand-shake. A private object,
     * not {@code this}, because callers may lock the (public) Kthread object themselves.
     */
    private final Object lock = new Object();
    /** Woken when the kthread parks or exits: stop() and park() callers sleep here. */
    private final WaitList events = new WaitList();

    private volatile int phase = P_CREATED;
    private BitSet cpus = new BitSet(); // guarded by lock; frozen once started
    private volatile boolean shouldStop;
    private volatile boolean stuck;      // a bounded stop timed out; set once, never cleared (EXITED wins)
    private volatile boolean shouldPark; // written under lock (see parkSelf/unpark)
    private volatile boolean parked;     // written under lock: true while parkme() holds the thread
    private volatile boolean affinityApplied;
    private volatile long tid = -1;
    private volatile String owner;
    private volatile Throwable failure;
    private int exitCode;                // published by the volatile write phase = P_EXITED

    private Kthread(Body body, Object data, String name) {
        this.body = body;
        this.data = data;
        this.name = name;
        this.thread = new TaskThread(this::main, name, this);
        this.task = thread.task();
    }

    // ------------------------------------------------------------------------------------------------ creation

    /**
     * {@code kthread_create}: creates a kthread that does not run until {@link #wakeUp()}. It is listed in
     * {@link Kthreads#list()} from now on, until it exits; a created kthread that is never woken must be
     * {@link #stop() stopped} to be released.
     *
     * @param fn      the thread function
     * @param data    passed to {@code fn}; may be null
     * @param nameFmt {@link String#format} pattern for the name (formatted with {@link Locale#ROOT})
     * @param args    format arguments
     * @param <T>     the data type
     * @return the new kthread, in state {@link State#CREATED}
     * @throws NullPointerException            if {@code fn} or {@code nameFmt} is null
     * @throws java.util.IllegalFormatException if {@code nameFmt} does not match {@code args}
     */
    public static <T> Kthread create(ThreadFn<? super T> fn, T data, String nameFmt, Object... args) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(nameFmt, "nameFmt");
        String name = String.format(Locale.ROOT, nameFmt, args);
        Kthread k = new Kthread(() -> fn.run(data), data, name);
        Kthreads.register(k);
        return k;
    }

    /**
     * {@code kthread_run}: {@link #create} and {@link #wakeUp()}.
     *
     * @param fn      the thread function
     * @param data    passed to {@code fn}; may be null
     * @param nameFmt {@link String#format} pattern for the name (formatted with {@link Locale#ROOT})
     * @param args    format arguments
     * @param <T>     the data type
     * @return the running kthread
     * @throws NullPointerException            if {@code fn} or {@code nameFmt} is null
     * @throws java.util.IllegalFormatException if {@code nameFmt} does not match {@code args}
     * @throws OutOfMemoryError                 if the JVM cannot start a thread (the kthread is then EXITED)
     */
    public static <T> Kthread run(ThreadFn<? super T> fn, T data, String nameFmt, Object... args) {
        Kthread k = create(fn, data, nameFmt, args);
        k.wakeUp();
        return k;
    }

    // ------------------------------------------------------------------------------------------------ waking

    /**
     * {@code wake_up_process}: starts a {@link State#CREATED} kthread, or wakes it out of a kdrv sleep. A woken
     * {@link WaitQueue} or {@link Completion} waiter re-checks its condition and may sleep again; a
     * {@link #sleep(Duration)} ends early. Parked, running and exited kthreads are not affected.
     * Lock-free and allocation-free unless it starts the thread.
     *
     * @return true if this call changed the kthread's state (started it, or moved it from SLEEPING to RUNNING)
     * @throws OutOfMemoryError if the JVM cannot start the thread; the kthread is then EXITED with
     *                          {@code -Errno.ENOMEM} and {@link #failure()} holds the error
     */
    public boolean wakeUp() {
        if (phase == P_CREATED && start()) {
            return true;
        }
        return task.wakeFrom(Task.SLEEPING);
    }

    /** The first wake-up: CREATED -> STARTED and Thread.start(). Serialized with bind() and stop-before-start. */
    private boolean start() {
        synchronized (lock) {
            if (phase != P_CREATED) {
                return false;
            }
            phase = P_STARTED;
            task.countStart();
            try {
                thread.start();
            } catch (Throwable t) { // OutOfMemoryError: unable to create native thread
                LOG.error("kthread {}: cannot start thread", name, t);
                exited(-Errno.ENOMEM, t);
                throw t;
            }
            return true;
        }
    }

    // ------------------------------------------------------------------------------------------------ binding

    /**
     * {@code kthread_bind}: run the kthread on CPU {@code cpu} only. The thread applies the binding to itself
     * ({@code sched_setaffinity}) before its function runs; see {@link #affinityApplied()}.
     *
     * @param cpu a CPU number, {@code 0 <= cpu < } the machine's possible CPU count
     * @throws IllegalArgumentException if {@code cpu} is out of range
     * @throws IllegalStateException    if the kthread was already woken (or has exited); the message names it
     */
    public void bind(int cpu) {
        int possible = NativeOs.possibleCpus();
        if (cpu < 0 || cpu >= possible) {
            throw new IllegalArgumentException("kthread " + name + ": cpu " + cpu + " out of range 0.." + (possible - 1));
        }
        BitSet mask = new BitSet();
        mask.set(cpu);
        setCpus(mask);
    }

    /**
     * {@code kthread_bind_mask}: run the kthread on the CPUs in {@code cpus} only; an empty set removes a previous
     * binding. Same rules as {@link #bind(int)}; the set is copied.
     *
     * @param cpus the CPUs to run on
     * @throws NullPointerException     if {@code cpus} is null
     * @throws IllegalArgumentException if {@code cpus} contains a CPU number out of range
     * @throws IllegalStateException    if the kthread was already woken (or has exited); the message names it
     */
    public void bindMask(BitSet cpus) {
        BitSet mask = (BitSet) Objects.requireNonNull(cpus, "cpus").clone();
        int possible = NativeOs.possibleCpus();
        if (mask.length() > possible) {
            throw new IllegalArgumentException("kthread " + name + ": cpu mask " + mask + " out of range 0.." + (possible - 1));
        }
        setCpus(mask);
    }

    private void setCpus(BitSet mask) {
        synchronized (lock) {
            if (phase != P_CREATED) {
                throw new IllegalStateException("kthread " + name + " was already woken (state " + state()
                        + "): bind() is only allowed before the first wakeUp()");
            }
            cpus = mask;
        }
    }

    // ------------------------------------------------------------------------------------------------ stopping

    /**
     * {@code kthread_stop}: sets should-stop, wakes the kthread out of any kdrv wait (and out of
     * {@link #parkme()}), waits until its function has returned and its Java thread has terminated, and returns
     * the exit code. Blocks for as long as the function takes to notice {@link #shouldStop()}; see
     * {@link #stop(Duration)} for a bounded variant.
     *
     * <p>A kthread that was never woken does not run its function: the call returns {@code -Errno.EINTR}
     * at once. As in Linux, the same holds when the stop overtakes a recent wake-up: a thread that has not
     * reached its function yet sees should-stop first and exits with {@code -Errno.EINTR} without running it
     * ({@code Kthread.run(...).stop()} may return either). Wait for a sign of life from the function when it
     * must have run. Calling {@code stop()} again, or after the kthread exited by itself, is safe and returns the same
     * code. The wait is not interruptible: an interrupt is remembered and re-asserted on return.
     *
     * @return the exit code (see the class comment)
     * @throws IllegalStateException if called by the kthread itself (it would wait for itself forever)
     */
    public int stop() {
        try {
            return stop(-1L, null);
        } catch (KthreadStopTimeoutException impossible) {
            throw new AssertionError(impossible);
        }
    }

    /**
     * Bounded {@link #stop()}: like {@code stop()} but waits at most {@code timeout} for the function to return.
     * On timeout the kthread stays marked should-stop (it will exit whenever it notices), its state becomes
     * {@link State#STUCK} until it exits, and the exception names it and carries its current stack. Interrupts are
     * deferred as in {@code stop()}.
     *
     * @param timeout the longest wait; zero or negative checks once
     * @return the exit code
     * @throws KthreadStopTimeoutException if the kthread did not exit in time
     * @throws IllegalStateException       if called by the kthread itself
     * @throws NullPointerException        if {@code timeout} is null
     */
    public int stop(Duration timeout) throws KthreadStopTimeoutException {
        return stop(Durations.toNanos(timeout), timeout);
    }

    private int stop(long timeoutNanos, Duration timeout) throws KthreadStopTimeoutException {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("kthread " + name + " cannot stop itself: return from its function or call Kthread.exit()");
        }
        // Flag first: every check the thread makes from now on sees it, whichever state it is in.
        shouldStop = true;
        if (phase == P_CREATED && cancelStart()) {
            return -Errno.EINTR;
        }
        task.wakeAny();
        long remaining = events.awaitUninterruptibly(() -> phase == P_EXITED, timeoutNanos);
        if (remaining == 0) {
            // Visible as STUCK from now on (kthread:ps), so a thread that spins past the bound is not forgotten
            // once the caller has logged the exception and moved on.
            stuck = true;
            throw new KthreadStopTimeoutException(this, timeout);
        }
        joinThread(timeoutNanos < 0 ? -1 : remaining);
        return exitCode;
    }

    /** Stop of a never-woken kthread: CREATED -> EXITED with -EINTR; the Java thread never starts. */
    private boolean cancelStart() {
        synchronized (lock) {
            if (phase != P_CREATED) {
                return false; // wakeUp() won the race: the thread sees shouldStop before calling fn
            }
            exited(-Errno.EINTR, null);
            return true;
        }
    }

    /** After the exit event, wait for the last instructions of the Java thread too, uninterruptibly. */
    private void joinThread(long timeoutNanos) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            for (;;) {
                try {
                    if (timeoutNanos < 0) {
                        thread.join();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left > 0) {
                            thread.join(Duration.ofNanos(left));
                        }
                    }
                    return;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@code kthread_should_stop}: whether {@link #stop()} was called on the calling kthread. Thread functions
     * poll it and include it in their wait conditions.
     *
     * @return true if the caller is a kthread that was asked to stop; false for non-kthread callers
     */
    public static boolean shouldStop() {
        Kthread k = current();
        return k != null && k.shouldStop;
    }

    /**
     * {@code do_exit}: ends the calling kthread's function now with {@code code}, by throwing an {@link Error}
     * that unwinds to the kthread's top frame ({@code finally} blocks run). Thread functions must not swallow it
     * (catch {@code Exception}, not {@code Throwable}).
     *
     * @param code the exit code {@link #stop()} will return
     * @throws IllegalStateException if the caller is not a kthread
     */
    public static void exit(int code) {
        if (current() == null) {
            throw new IllegalStateException("Kthread.exit() called on " + Thread.currentThread().getName() + ", not a kthread");
        }
        throw new KthreadExit(code);
    }

    // ------------------------------------------------------------------------------------------------ parking

    /**
     * {@code kthread_park}: asks the kthread to park and waits until it is parked in {@link #parkme()} or has
     * exited. The function must call {@code parkme()} when {@link #shouldPark()} is true (and include
     * {@code shouldPark()} in its wait conditions, as this call wakes it out of kdrv waits like
     * {@link #wakeUp()}). A kthread that was never woken is started and parks before its function runs; it stays
     * unbindable. Called by the kthread itself, it only sets the request. Returns at once for an exited kthread.
     * The wait is uninterruptible (interrupt re-asserted on return). Park and unpark of one kthread must not be
     * called concurrently with each other.
     */
    public void park() {
        if (phase == P_EXITED) {
            return;
        }
        synchronized (lock) {
            shouldPark = true;
        }
        if (Thread.currentThread() == thread) {
            return;
        }
        if (phase == P_CREATED) {
            wakeUp(); // the new thread calls parkme() before the function
        }
        task.wakeFrom(Task.SLEEPING); // so a function sleeping on shouldPark() || ... reaches parkme()
        events.awaitUninterruptibly(() -> parked || phase == P_EXITED, -1);
    }

    /**
     * {@code kthread_unpark}: clears the park request and wakes the kthread out of {@link #parkme()}. A no-op for a
     * kthread that is not parked.
     */
    public void unpark() {
        synchronized (lock) {
            shouldPark = false;
            parked = false; // a later park() must wait for a fresh parkme() hand-shake
        }
        task.wakeFrom(Task.PARKED);
    }

    /**
     * {@code kthread_should_park}: whether {@link #park()} was requested for the calling kthread.
     *
     * @return false for non-kthread callers
     */
    public static boolean shouldPark() {
        Kthread k = current();
        return k != null && k.shouldPark;
    }

    /**
     * {@code kthread_parkme}: called by a thread function; sleeps while a park is requested and no stop is, and
     * tells the {@link #park()} caller that it is parked. Returns at once when no park is requested.
     * Uninterruptible: an interrupt is re-asserted on return.
     *
     * @throws IllegalStateException if the caller is not a kthread
     */
    public static void parkme() {
        Kthread k = current();
        if (k == null) {
            throw new IllegalStateException("Kthread.parkme() called on " + Thread.currentThread().getName() + ", not a kthread");
        }
        k.parkSelf();
    }

    private void parkSelf() {
        boolean interrupted = false;
        try {
            for (;;) {
                task.prepare(Task.PARKED);
                boolean announce;
                synchronized (lock) { // atomic with unpark(): 'parked' is never left true after an unpark
                    if (!shouldPark || shouldStop) {
                        parked = false;
                        break;
                    }
                    announce = !parked;
                    parked = true;
                }
                if (announce) {
                    events.wakeAll();
                }
                if (Thread.interrupted()) {
                    interrupted = true; // TASK_PARKED ignores signals; keep park() from spinning
                }
                task.schedule(Task.PARKED, false, 0L);
            }
        } finally {
            task.running();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ sleeping

    /**
     * {@code schedule_timeout_interruptible}: sleeps for {@code timeout} in a kdrv sleep. Returns early when the
     * calling kthread is {@link #stop() stopped} (at once if it already is), {@link #wakeUp() woken}, or when the
     * thread is interrupted (at once if the interrupt status is set; the status stays set). Callable from any
     * thread; only kthreads can be stopped or woken out of it.
     *
     * @param timeout how long to sleep; zero or negative returns at once
     * @return the remaining nanoseconds (0 when the whole timeout elapsed)
     * @throws NullPointerException if {@code timeout} is null
     */
    public static long sleep(Duration timeout) {
        final long nanos = Durations.toNanos(timeout);
        final long deadline = System.nanoTime() + nanos;
        final Kthread k = current();
        final Task self = Task.current();
        self.prepare(Task.SLEEPING);
        try {
            if (nanos > 0 && (k == null || !k.shouldStop)) {
                self.schedule(Task.SLEEPING, true, deadline);
            }
        } finally {
            self.running();
        }
        return Math.max(0, deadline - System.nanoTime());
    }

    // ------------------------------------------------------------------------------------------------ the thread

    /** The body of the Java thread, Linux's kthread(): bind, park if asked, run fn unless stopped, exit. */
    private void main() {
        int code = -Errno.EIO;
        Throwable failed = null;
        try {
            tid = NativeOs.currentTid();
            applyAffinity();
            parkSelf(); // kthread_park() before the first wake parks here, before fn
            code = shouldStop ? -Errno.EINTR : body.run();
        } catch (KthreadExit e) {
            code = e.code();
        } catch (Throwable t) {
            failed = t;
            code = codeFor(t);
            LOG.error("kthread {} died: its function threw; exit code {} (-{})", name, code, Errno.name(code), t);
        } finally {
            exited(code, failed);
        }
    }

    private void applyAffinity() {
        BitSet mask;
        synchronized (lock) {
            mask = cpus;
        }
        if (!mask.isEmpty()) {
            affinityApplied = NativeOs.setCurrentThreadAffinity(mask, name);
        }
    }

    private static int codeFor(Throwable t) {
        if (t instanceof InterruptedException) {
            return -Errno.EINTR;
        }
        if (t instanceof OutOfMemoryError) {
            return -Errno.ENOMEM;
        }
        return -Errno.EIO;
    }

    /** Publish the end: code, EXITED, out of the registry, then wake stop()/park() waiters. */
    private void exited(int code, Throwable failed) {
        failure = failed;
        exitCode = code;
        phase = P_EXITED;
        Kthreads.unregister(this);
        events.wakeAll();
    }

    // ------------------------------------------------------------------------------------------------ queries

    /**
     * The calling kthread ({@code current} in the kernel).
     *
     * @return the kthread running the caller, or null when called from a non-kthread
     */
    public static Kthread current() {
        return Thread.currentThread() instanceof TaskThread t && t.owner() instanceof Kthread k ? k : null;
    }

    /**
     * The kthread behind a Java thread, for diagnostics that walk every thread of the JVM (e.g. to tell a
     * driver's leaked raw {@code java.lang.Thread} from its kthreads).
     *
     * @param thread any thread
     * @return the kthread running on {@code thread}, or null when it is not a kthread's thread (or is null)
     */
    public static Kthread of(Thread thread) {
        return thread instanceof TaskThread t && t.owner() instanceof Kthread k ? k : null;
    }

    /**
     * The data object given at creation.
     *
     * @return the data, possibly null
     */
    public Object data() {
        return data;
    }

    /**
     * The formatted name, full length (the native name is cut to 15 characters).
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * The current state, a snapshot. {@link State#SLEEPING} and {@link State#PARKED} are only reported for kdrv
     * waits; {@link State#STOPPING} takes precedence over them once {@link #stop()} was called, and
     * {@link State#STUCK} over that once a bounded {@link #stop(Duration)} timed out.
     *
     * @return the state
     */
    public State state() {
        int p = phase;
        if (p == P_EXITED) {
            return State.EXITED;
        }
        if (p == P_CREATED) {
            return State.CREATED;
        }
        if (stuck) {
            return State.STUCK;
        }
        if (shouldStop) {
            return State.STOPPING;
        }
        return switch (task.state()) {
            case Task.SLEEPING -> State.SLEEPING;
            case Task.PARKED -> State.PARKED;
            default -> State.RUNNING;
        };
    }

    /**
     * The requested CPU mask.
     *
     * @return a copy; empty when unbound
     */
    public BitSet cpuMask() {
        synchronized (lock) {
            return (BitSet) cpus.clone();
        }
    }

    /**
     * Whether the thread successfully bound itself to {@link #cpuMask()}. False while not yet running, when
     * unbound, and when the platform has no {@code sched_setaffinity} or the kernel refused the mask (logged);
     * the kthread then runs unbound.
     *
     * @return true once the binding is in force
     */
    public boolean affinityApplied() {
        return affinityApplied;
    }

    /**
     * The throwable that ended the function (see the class comment for the exit code).
     *
     * @return the throwable once the kthread has exited because its function threw, else empty
     */
    public Optional<Throwable> failure() {
        return phase == P_EXITED ? Optional.ofNullable(failure) : Optional.empty();
    }

    /**
     * The exit code.
     *
     * @return the code once the kthread has {@link State#EXITED}, else empty
     */
    public OptionalInt exitCode() {
        return phase == P_EXITED ? OptionalInt.of(exitCode) : OptionalInt.empty();
    }

    /**
     * Number of effective wake-ups: the start, plus every time the thread was woken out of a kdrv sleep (by
     * {@link #wakeUp()}, a {@link WaitQueue}/{@link Completion} wake-up, {@link #unpark()} or {@link #stop()}).
     * Timeouts are not counted.
     *
     * @return the wake-up count
     */
    public long wakeups() {
        return task.wakeups();
    }

    /**
     * CPU time consumed by the thread ({@link ThreadMXBean#getThreadCpuTime}).
     *
     * @return nanoseconds, or -1 when not running, exited or unsupported
     */
    public long cpuTimeNanos() {
        if (phase != P_STARTED) {
            return -1;
        }
        return CpuClock.of(thread);
    }

    /**
     * The native (Linux) thread id, as in {@code /proc/<pid>/task/<tid>}.
     *
     * @return the id while the thread runs; -1 before it started, after it exited, or if unknown
     */
    public long tid() {
        return phase == P_STARTED ? tid : -1;
    }

    /**
     * The free-form owner label ("device button0", "bundle x").
     *
     * @return the label, or null if none was set
     */
    public String owner() {
        return owner;
    }

    /**
     * Sets the owner label shown by {@link Kthreads#list()}; allowed at any time.
     *
     * @param owner the label, or null to clear it
     * @return this kthread
     */
    public Kthread owner(String owner) {
        this.owner = owner;
        return this;
    }

    /**
     * The underlying Java thread, for diagnostics only (do not start, interrupt or join it).
     *
     * @return the thread (not yet started while {@link State#CREATED})
     */
    public Thread javaThread() {
        return thread;
    }

    /** Creation order, for stable listing. */
    long sequence() {
        return seq;
    }

    @Override
    public String toString() {
        return "Kthread[" + name + ", " + state() + (owner != null ? ", owner " + owner : "") + "]";
    }

    /** ThreadMXBean access, initialized on first use so kthreads that never ask do not load JMX. */
    private static final class CpuClock {
        private static final ThreadMXBean MX = bean();

        private static ThreadMXBean bean() {
            try {
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                return mx.isThreadCpuTimeSupported() ? mx : null;
            } catch (Throwable t) { // no java.management
                return null;
            }
        }

        static long of(Thread t) {
            try {
                return MX == null ? -1 : MX.getThreadCpuTime(t.threadId());
            } catch (UnsupportedOperationException e) {
                return -1;
            }
        }
    }
}
