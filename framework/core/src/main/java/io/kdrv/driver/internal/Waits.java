package io.kdrv.driver.internal;

import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import java.time.Duration;

/** The core's one bounded wait on a {@link Completion}. */
final class Waits {
    private Waits() {
    }

    /**
     * Waits until {@code done} is completed, at most {@code timeout}, deferring interrupts (the bound itself is the
     * contract; the interrupt status is restored on return). Gives up early when the calling kthread is stopped.
     * Does not consume the completion: callers complete with {@code completeAll}.
     *
     * @return true if {@code done} was completed in time
     */
    static boolean awaitUninterruptibly(Completion done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            for (;;) {
                if (done.completionDone()) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || Kthread.shouldStop()) {
                    return false;
                }
                done.waitForCompletionTimeout(Duration.ofNanos(left)); // uninterruptible since kthread 0.2.0
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
