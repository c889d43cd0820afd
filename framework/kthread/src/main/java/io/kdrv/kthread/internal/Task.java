package io.kdrv.kthread.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The scheduling state of one Java thread, the kdrv analogue of the {@code __state} field of Linux's
 * {@code task_struct}. Every kdrv sleep follows the kernel protocol:
 *
 * <pre>{@code
 * task.prepare(Task.SLEEPING);     // set_current_state(TASK_INTERRUPTIBLE)
 * if (!condition) task.schedule(Task.SLEEPING, false, 0); // parks until a waker moves us to RUNNING
 * task.running();                  // __set_current_state(TASK_RUNNING)
 * }</pre>
 *
 * and every waker calls {@link #wakeFrom(int)} ({@code try_to_wake_up}): a CAS from the sleeping state to
 * {@link #RUNNING} followed by {@link LockSupport#unpark}. Because the sleeper publishes its state
 * <em>before</em> it looks at its condition, and the waker publishes the condition before it looks at the
 * state (both volatile), at least one of them sees the other: a wake-up can never fall between the check
 * and the park. The CAS also makes the wake path allocation-free and lock-free, and lets a sleeper tell a
 * real wake-up from a stale {@code unpark} permit or a spurious return of {@code park}.
 *
 * <p>A task has exactly one owner thread; only the owner calls {@link #prepare}, {@link #schedule} and
 * {@link #running}. Any thread may call {@link #wakeFrom}. Kthreads carry their task in their
 * {@link TaskThread}; other threads get one lazily from a thread-local.
 *
 * <p>Internal: not part of the exported API.
 */
public final class Task {
    /** Runnable (or running): not sleeping in any kdrv wait. */
    public static final int RUNNING = 0;
    /** In an interruptible kdrv sleep (wait queue, completion, timer, worker idle, {@code Kthread.sleep}). */
    public static final int SLEEPING = 1;
    /** In {@code Kthread.parkme()}: only {@code unpark()} or {@code stop()} wake it ({@code TASK_PARKED}). */
    public static final int PARKED = 2;

    private static final VarHandle STATE;
    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Task.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final ThreadLocal<Task> OTHER_THREADS = ThreadLocal.withInitial(() -> new Task(Thread.currentThread()));

    private final Thread thread;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;
    /** Written only by the owner thread (and once by the starter, before Thread.start()); read by anyone. */
    private volatile long wakeups;

    // Wait-list links. Guarded by the lock of the WaitList in 'list'; 'list' is set non-null only by the
    // owner (prepare) and set null by whoever unlinks the task, always under that lock.
    Task prev, next;
    WaitList list;

    Task(Thread thread) {
        this.thread = thread;
    }

    /** The task of the calling thread (a kthread's own task, or a thread-local one for other threads). */
    public static Task current() {
        return Thread.currentThread() instanceof TaskThread t ? t.task() : OTHER_THREADS.get();
    }

    /** The thread this task schedules. */
    public Thread thread() {
        return thread;
    }

    /** The current state: {@link #RUNNING}, {@link #SLEEPING} or {@link #PARKED}. */
    public int state() {
        return state;
    }

    /** Number of times this task was woken out of a kdrv sleep (plus the start of a kthread). */
    public long wakeups() {
        return wakeups;
    }

    /** Counts the start of a kthread as its first wake-up. Called by the starter before {@code Thread.start()}. */
    public void countStart() {
        wakeups++;
    }

    /** Owner only: announce that we are about to sleep in {@code sleepState}. Must be followed by a condition check. */
    public void prepare(int sleepState) {
        state = sleepState;
    }

    /** Owner only: back to {@link #RUNNING} (idempotent; a waker may have done it already). */
    public void running() {
        state = RUNNING;
    }

    /**
     * Owner only: back to {@link #RUNNING} at the end of a wait, atomically: either a waker's
     * {@link #wakeFrom} CAS came first (and this returns true, ordered after the waker's writes), or it comes
     * later and fails.
     *
     * @return true if a waker had already moved the task to RUNNING
     */
    public boolean finishWait() {
        return (int) STATE.getAndSet(this, RUNNING) == RUNNING;
    }

    /**
     * Owner only: parks while the task is still in {@code sleepState} (set by {@link #prepare}), until a waker
     * moves it out, the deadline passes, or the thread is interrupted. Spurious returns of {@code park} and
     * stale permits are absorbed here: only a state change by a waker counts as a wake-up.
     *
     * @param sleepState the state passed to {@link #prepare}
     * @param timed      whether {@code deadline} applies
     * @param deadline   {@link System#nanoTime()} deadline when {@code timed}
     * @return true if a waker woke us (counted in {@link #wakeups()}), false on timeout or interrupt
     */
    public boolean schedule(int sleepState, boolean timed, long deadline) {
        while (state == sleepState) {
            if (thread.isInterrupted()) {
                return false; // park() would return at once forever: let the caller decide
            }
            if (timed) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, remaining);
            } else {
                LockSupport.park(this);
            }
        }
        wakeups++; // single writer: only the owner thread increments after the start
        return true;
    }

    /**
     * Any thread: {@code try_to_wake_up}. Moves the task from {@code sleepState} to {@link #RUNNING} and
     * unparks it. Lock-free and allocation-free.
     *
     * @return true if the task was in {@code sleepState} and is now runnable (this call changed its state)
     */
    public boolean wakeFrom(int sleepState) {
        if (state != sleepState || !STATE.compareAndSet(this, sleepState, RUNNING)) {
            return false;
        }
        LockSupport.unpark(thread);
        return true;
    }

    /** Any thread: wakes the task from any kdrv sleep, parked or not (used by {@code kthread_stop}). */
    public boolean wakeAny() {
        return wakeFrom(SLEEPING) || wakeFrom(PARKED);
    }
}
