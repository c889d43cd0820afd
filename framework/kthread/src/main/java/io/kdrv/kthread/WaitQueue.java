package io.kdrv.kthread;

import io.kdrv.kthread.internal.Durations;
import io.kdrv.kthread.internal.WaitList;
import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A wait queue ({@code wait_queue_head_t}): threads sleep until a condition becomes true, and whoever makes it true
 * calls {@link #wakeUp()} or {@link #wakeUpAll()}.
 *
 * <pre>{@code
 * // kthread                                          // event source (e.g. an IRQ top half)
 * while (!Kthread.shouldStop()) {                     dev.pending = true;
 *     wq.waitEventInterruptible(() -> dev.pending     wq.wakeUp();
 *             || Kthread.shouldStop());
 *     ...
 * }
 * }</pre>
 *
 * <p>Contract:
 * <ul>
 *   <li>The condition is evaluated by the waiting thread, before sleeping and after every wake-up, so it must be
 *       cheap, side-effect free and must not sleep. Make the state it reads safely published (a volatile or atomic
 *       field, or a lock) and change it <em>before</em> calling {@code wakeUp}: then no wake-up is lost.</li>
 *   <li>{@link #wakeUp()} wakes every waiter, in FIFO order, as Linux's {@code wake_up} does for the
 *       (non-exclusive) waiters of {@code wait_event*}: each re-evaluates its own condition. So a wake-up can
 *       never be spent on one waiter while another, whose condition is just as true, sleeps on (waking only one
 *       lost wake-ups whenever that one was leaving on its timeout, or several waiters shared a condition). With
 *       a single waiter, the usual case, this costs nothing extra. kdrv has no exclusive waiters, so
 *       {@link #wakeUpAll()} does the same.</li>
 *   <li>{@link Kthread#stop()} and {@link Kthread#wakeUp()} also wake a kthread waiting here; the wait then
 *       re-evaluates its condition and sleeps again if it is still false. That is why a kthread's condition should
 *       include {@link Kthread#shouldStop()}.</li>
 *   <li>Names say whether a wait is interruptible, as in Linux: {@link #waitEvent} and
 *       {@link #waitEventTimeout} ignore Java interrupts (the interrupt status is set again on return);
 *       in {@link #waitEventInterruptible} and {@link #waitEventInterruptibleTimeout} an interrupt while the
 *       condition is false ends the wait with {@link InterruptedException} (and clears the interrupt status). A
 *       condition that is already true wins over a pending interrupt.</li>
 *   <li>Waking is lock-free and allocation-free when nobody waits; waiting allocates nothing.</li>
 * </ul>
 */
public final class WaitQueue {
    private final WaitList waiters = new WaitList();

    /** Creates an empty wait queue. */
    public WaitQueue() {
    }

    /**
     * {@code wait_event}: returns once {@code cond} is true, at once if it already is. Uninterruptible: a Java
     * interrupt does not end the wait; the interrupt status is kept and set again on return. A
     * {@link Kthread#stop()} wakes the waiter so that it re-evaluates {@code cond}, which should therefore include
     * {@link Kthread#shouldStop()} for a kthread.
     *
     * @param cond the condition, evaluated by the waiting thread
     * @throws NullPointerException if {@code cond} is null
     */
    public void waitEvent(BooleanSupplier cond) {
        waiters.awaitUninterruptibly(Objects.requireNonNull(cond, "cond"), -1);
    }

    /**
     * {@code wait_event_timeout}: returns once {@code cond} is true or the timeout elapsed. Uninterruptible like
     * {@link #waitEvent}.
     *
     * @param cond    the condition, evaluated by the waiting thread
     * @param timeout the longest wait; zero or negative only evaluates {@code cond}
     * @return the remaining nanoseconds, at least 1, if {@code cond} became true (even exactly at the deadline);
     *         0 if the timeout elapsed with {@code cond} still false
     * @throws NullPointerException if an argument is null
     */
    public long waitEventTimeout(BooleanSupplier cond, Duration timeout) {
        return waiters.awaitUninterruptibly(Objects.requireNonNull(cond, "cond"), Durations.toNanos(timeout));
    }

    /**
     * {@code wait_event_interruptible}: returns once {@code cond} is true, at once if it already is.
     *
     * @param cond the condition, evaluated by the waiting thread
     * @throws InterruptedException if the thread is interrupted while {@code cond} is false
     * @throws NullPointerException if {@code cond} is null
     */
    public void waitEventInterruptible(BooleanSupplier cond) throws InterruptedException {
        waiters.awaitInterruptibly(Objects.requireNonNull(cond, "cond"), -1);
    }

    /**
     * {@code wait_event_interruptible_timeout}: returns once {@code cond} is true or the timeout elapsed.
     *
     * @param cond    the condition, evaluated by the waiting thread
     * @param timeout the longest wait; zero or negative only evaluates {@code cond}
     * @return the remaining nanoseconds, at least 1, if {@code cond} became true (even exactly at the deadline);
     *         0 if the timeout elapsed with {@code cond} still false
     * @throws InterruptedException if the thread is interrupted while {@code cond} is false
     * @throws NullPointerException if an argument is null
     */
    public long waitEventInterruptibleTimeout(BooleanSupplier cond, Duration timeout) throws InterruptedException {
        return waiters.awaitInterruptibly(Objects.requireNonNull(cond, "cond"), Durations.toNanos(timeout));
    }

    /**
     * {@code wake_up}: wakes every waiting thread; each re-evaluates its condition. Does nothing (lock-free, no
     * allocation) when nobody waits. Make the condition true before calling.
     */
    public void wakeUp() {
        waiters.wakeAll();
    }

    /** {@code wake_up_all}: the same as {@link #wakeUp()} (there are no exclusive waiters in kdrv). */
    public void wakeUpAll() {
        waiters.wakeAll();
    }

    /**
     * {@code waitqueue_active}: the number of threads waiting right now.
     *
     * @return a snapshot of the count, for diagnostics and tests
     */
    public int waiterCount() {
        return waiters.sleepers();
    }
}
