package io.kdrv.web.itest;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded polling for conditions that have no event to wait on (device state in the manager, kthread lists).
 * Polls every millisecond or so until the condition holds or the deadline passes, then fails naming what it
 * waited for and the last value seen. Deadlines are generous (a loaded 2-core CI machine) and never waited out
 * on success.
 */
final class Await {
    static final Duration DEFAULT = Duration.ofSeconds(10);

    private Await() {
    }

    /** Waits until {@code cond} holds; {@link AssertionError} naming {@code what} after {@link #DEFAULT}. */
    static void until(String what, BooleanSupplier cond) {
        value(what, () -> cond.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), () -> "");
    }

    /**
     * Waits until {@code probe} yields a value and returns it.
     *
     * @param lastSeen describes the current state for the failure message
     */
    static <T> T value(String what, Supplier<Optional<T>> probe, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + DEFAULT.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + DEFAULT.toSeconds() + " s waiting for " + what
                        + lastSeen.get());
            }
            LockSupport.parkNanos(1_000_000); // polling interval, not a synchronisation delay
        }
    }
}
