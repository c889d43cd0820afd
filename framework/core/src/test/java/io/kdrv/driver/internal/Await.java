package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.fail;

import io.kdrv.kthread.Kthreads;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling for conditions that have no completion to wait on (never a fixed sleep). */
final class Await {
    private Await() {
    }

    static void until(String what, BooleanSupplier cond, Duration timeout) {
        until(() -> what, cond, timeout);
    }

    static void until(Supplier<String> what, BooleanSupplier cond, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + timeout.toMillis() + " ms waiting for " + what.get());
            }
            LockSupport.parkNanos(1_000_000); // poll interval only: the condition decides
        }
    }

    /** The leak check every test ends with: no kthread may be left alive. */
    static void noKthreads() {
        until(() -> "no live kthreads, but still alive: " + Kthreads.list(), () -> Kthreads.liveCount() == 0,
                Duration.ofSeconds(20));
    }
}
