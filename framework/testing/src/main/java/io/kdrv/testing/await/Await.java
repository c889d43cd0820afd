package io.kdrv.testing.await;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.opentest4j.AssertionFailedError;

/**
 * Bounded polling for test conditions that have no event to wait on (a device state in the manager, a kthread
 * list, a log line, a file picked up by FileInstall). Polls about every half millisecond until the condition holds
 * or the deadline passes, then fails naming what it waited for and the last state seen. Deadlines are generous
 * (a loaded 2-core CI machine) and never waited out on success. Prefer a real event (a Completion, a latch) when
 * there is one.
 *
 * <p>A test thread interrupted while waiting (JUnit's {@code @Timeout}) fails at once. Thread-safe (stateless).
 */
public final class Await {
    /** The default deadline. */
    public static final Duration DEFAULT = Duration.ofSeconds(15);

    private Await() {
    }

    /**
     * Waits until {@code cond} holds.
     *
     * @throws AssertionFailedError naming {@code what}, after {@link #DEFAULT}
     */
    public static void until(String what, BooleanSupplier cond) {
        until(what, cond, () -> "", DEFAULT);
    }

    /** As {@link #until(String, BooleanSupplier)}; {@code lastSeen} describes the state for the failure message. */
    public static void until(String what, BooleanSupplier cond, Supplier<String> lastSeen) {
        until(what, cond, lastSeen, DEFAULT);
    }

    /** As {@link #until(String, BooleanSupplier)} with a deadline of {@code timeout}. */
    public static void until(String what, BooleanSupplier cond, Duration timeout) {
        until(what, cond, () -> "", timeout);
    }

    /** As {@link #until(String, BooleanSupplier, Supplier)} with a deadline of {@code timeout}. */
    public static void until(String what, BooleanSupplier cond, Supplier<String> lastSeen, Duration timeout) {
        value(what, () -> cond.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), lastSeen, timeout);
    }

    /**
     * Waits until {@code probe} yields a value and returns it.
     *
     * @param lastSeen describes the current state for the failure message
     * @throws AssertionFailedError naming {@code what} and the last state, after {@link #DEFAULT}
     */
    public static <T> T value(String what, Supplier<Optional<T>> probe, Supplier<String> lastSeen) {
        return value(what, probe, lastSeen, DEFAULT);
    }

    /** As {@link #value(String, Supplier, Supplier)} with a deadline of {@code timeout}. */
    public static <T> T value(String what, Supplier<Optional<T>> probe, Supplier<String> lastSeen, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            String seen = "";
            if (System.nanoTime() - deadline > 0 || Thread.currentThread().isInterrupted()) {
                seen = lastSeen.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionFailedError("timed out after " + timeout.toMillis() + " ms waiting for " + what
                        + (seen.isEmpty() ? "" : ": " + seen));
            }
            if (Thread.currentThread().isInterrupted()) {
                // JUnit's timeout interrupts the test thread: give up at once instead of polling on
                throw new AssertionFailedError("interrupted while waiting for " + what
                        + (seen.isEmpty() ? "" : ": " + seen));
            }
            LockSupport.parkNanos(500_000); // polling interval, not a synchronisation delay
        }
    }
}
