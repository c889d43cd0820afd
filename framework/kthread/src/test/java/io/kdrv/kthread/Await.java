package io.kdrv.kthread;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling on conditions: tests never sleep for a fixed time to synchronize. */
final class Await {
    /** Generous bound for a loaded 2-core machine; passing tests never get near it. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Await() {
    }

    static void until(String what, BooleanSupplier cond) {
        until(() -> what, cond);
    }

    static void until(Supplier<String> what, BooleanSupplier cond) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what.get());
            }
            LockSupport.parkNanos(200_000); // poll interval, not a synchronization sleep
        }
    }

    static void state(Kthread k, Kthread.State state) {
        until(() -> k.name() + " to be " + state + " (is " + k.state() + ")", () -> k.state() == state);
    }

    static void exited(Kthread k) {
        state(k, Kthread.State.EXITED);
    }
}
