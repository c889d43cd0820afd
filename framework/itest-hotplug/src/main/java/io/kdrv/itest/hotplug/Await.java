package io.kdrv.itest.hotplug;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Bounded polling for conditions that have no event to wait on (device state, kthread lists, log lines, files
 * picked up by FileInstall). Polls about every millisecond until the condition holds or the deadline passes, then
 * fails naming what it waited for and the last state. Deadlines are generous (a loaded 2-core CI machine) and are
 * never waited out on success.
 */
final class Await {
    static final Duration DEFAULT = Duration.ofSeconds(15);

    private Await() {
    }

    static void until(String what, BooleanSupplier cond) {
        until(what, cond, () -> "");
    }

    static void until(String what, BooleanSupplier cond, Supplier<String> lastSeen) {
        value(what, () -> cond.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(), lastSeen);
    }

    /** Waits until {@code probe} yields a value and returns it; {@code lastSeen} describes the state on failure. */
    static <T> T value(String what, Supplier<Optional<T>> probe, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + DEFAULT.toNanos();
        while (true) {
            Optional<T> v = probe.get();
            if (v.isPresent()) {
                return v.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + DEFAULT.toSeconds() + " s waiting for " + what + ": "
                        + lastSeen.get());
            }
            if (Thread.currentThread().isInterrupted()) {
                // JUnit's timeout interrupts the test thread: give up at once instead of polling on
                throw new AssertionError("interrupted while waiting for " + what + ": " + lastSeen.get());
            }
            LockSupport.parkNanos(500_000); // polling interval, not a synchronisation delay
        }
    }
}
