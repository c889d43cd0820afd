package io.kdrv.kthread;

import io.kdrv.kthread.internal.Durations;
import io.kdrv.kthread.internal.Task;
import java.time.Duration;

/**
 * A drift-free periodic wake-up for a polling kthread: deadlines are absolute ({@code start + n * period}), so the
 * time spent between two waits does not accumulate as drift.
 *
 * <pre>{@code
 * PeriodicTimer timer = new PeriodicTimer(Duration.ofMillis(100));
 * while (timer.waitNextPeriod()) {   // false once the kthread is stopped
 *     poll();
 * }
 * }</pre>
 *
 * <p>Expirations are counted like a Linux {@code timerfd}: {@link #waitNextPeriod()} consumes every deadline that
 * has passed. If one or more deadlines passed while the caller was busy, it returns at once, counts all of them in
 * {@link #periods()} and all but one in {@link #overruns()}, and the next deadline is the first one in the future.
 * Hence {@code periods() == calls that returned true + overruns()} and, after a call returns,
 * {@code periods() * period <= time since construction}.
 *
 * <p>One timer belongs to one thread: {@code waitNextPeriod} must not be called concurrently. The counters may be
 * read from any thread.
 */
public final class PeriodicTimer {
    private final long period;
    private long next;                 // absolute System.nanoTime() deadline; owner thread only
    private volatile long periods;
    private volatile long overruns;

    /**
     * Creates a timer whose first deadline is now + {@code period}.
     *
     * @param period the period, positive
     * @throws IllegalArgumentException if {@code period} is not positive
     * @throws NullPointerException     if {@code period} is null
     */
    public PeriodicTimer(Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("period must be positive: " + period);
        }
        this.period = Durations.toNanos(period);
        this.next = System.nanoTime() + this.period;
    }

    /**
     * Sleeps until the next deadline (returns at once if it has passed, see the class comment), in a kdrv sleep
     * that {@link Kthread#stop()} interrupts. {@link Kthread#wakeUp()} does not end it early.
     *
     * @return true when a period elapsed; false when the calling kthread should stop (checked before sleeping and
     *         on every wake-up; no deadline is consumed then)
     * @throws InterruptedException if the thread is interrupted while sleeping (or on entry)
     */
    public boolean waitNextPeriod() throws InterruptedException {
        final Kthread k = Kthread.current();
        if (stopping(k)) {
            return false;
        }
        if (System.nanoTime() - next < 0 && !sleepUntil(k, next)) {
            return false;
        }
        long late = System.nanoTime() - next; // >= 0: the deadline has passed
        long expirations = 1 + late / period;
        next += expirations * period;
        overruns += expirations - 1;
        periods += expirations;
        return true;
    }

    /** Sleeps until {@code deadline}; false if the kthread should stop first. */
    private static boolean sleepUntil(Kthread k, long deadline) throws InterruptedException {
        final Task self = Task.current();
        for (;;) {
            self.prepare(Task.SLEEPING); // before the stop check: a stop() after it finds us SLEEPING and wakes us
            try {
                if (stopping(k)) {
                    return false;
                }
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                if (deadline - System.nanoTime() <= 0) {
                    return true;
                }
                self.schedule(Task.SLEEPING, true, deadline);
            } finally {
                self.running();
            }
        }
    }

    private static boolean stopping(Kthread k) {
        return k != null && Kthread.shouldStop();
    }

    /**
     * The number of deadlines consumed so far.
     *
     * @return the count, including overruns
     */
    public long periods() {
        return periods;
    }

    /**
     * The number of deadlines that passed while the caller was still busy with an earlier period.
     *
     * @return the total overrun count
     */
    public long overruns() {
        return overruns;
    }

    /**
     * The period.
     *
     * @return the period in nanoseconds
     */
    public long periodNanos() {
        return period;
    }
}
