package io.kdrv.kthread;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test: every kthread the test created must be gone ({@link Kthreads#liveCount()} == 0), allowing a
 * bounded time for threads that are exiting. Leftovers fail the test and are stopped so they do not leak into the
 * next test.
 */
final class NoKthreadLeaks implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext context) {
        long deadline = System.nanoTime() + Await.TIMEOUT.toNanos();
        while (Kthreads.liveCount() != 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(1_000_000);
        }
        if (Kthreads.liveCount() == 0) {
            return;
        }
        List<KthreadInfo> leaked = Kthreads.list();
        for (Kthread k : Kthreads.liveThreads()) {
            try {
                k.stop(Duration.ofSeconds(1));
            } catch (KthreadStopTimeoutException | RuntimeException ignored) {
                // reported below
            }
        }
        fail(context.getDisplayName() + " leaked kthreads: " + leaked);
    }
}
