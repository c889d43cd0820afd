package io.kdrv.testing;

import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * JUnit 5 extension: after each test no kthread may be alive ({@link Kthreads#liveCount()} == 0). Threads that
 * are exiting get a bounded grace period ({@value #DEFAULT_GRACE_MILLIS} ms by default, polled); what is still
 * alive then fails the test, naming each leaked kthread with its state and owner.
 *
 * <pre>{@code @ExtendWith(KthreadLeakCheck.class) class MyTest { ... }}</pre>
 *
 * {@link KdrvTestBed} runs the same check after tearing its fixture down, so tests using it need not add this.
 */
public final class KthreadLeakCheck implements AfterEachCallback {
    /** Default grace period for kthreads that are still exiting. */
    public static final long DEFAULT_GRACE_MILLIS = 10_000;

    private final Duration grace;

    /** With the default grace period. */
    public KthreadLeakCheck() {
        this(Duration.ofMillis(DEFAULT_GRACE_MILLIS));
    }

    /** @param grace how long to wait for stragglers */
    public KthreadLeakCheck(Duration grace) {
        this.grace = grace;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        check(context.getDisplayName());
    }

    /**
     * Waits up to the grace period for every kthread to exit.
     *
     * @param testName used in the failure message
     * @throws AssertionFailedError naming the leaked kthreads
     */
    public void check(String testName) {
        long deadline = System.nanoTime() + grace.toNanos();
        while (Kthreads.liveCount() != 0 && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(1_000_000); // polling a condition with a deadline, not a fixed sleep
        }
        List<KthreadInfo> leaked = Kthreads.list();
        if (!leaked.isEmpty()) {
            StringBuilder msg = new StringBuilder(testName).append(" leaked ").append(leaked.size())
                    .append(" kthread(s) (still alive ").append(grace.toMillis()).append(" ms after the test):");
            for (KthreadInfo k : leaked) {
                msg.append("\n  ").append(k.name()).append(" [").append(k.state()).append(", owner ")
                        .append(k.owner() == null ? "-" : k.owner()).append(", tid ").append(k.tid()).append(']');
            }
            msg.append("\nStop every kthread you start (or create it through Device so remove stops it).");
            throw new AssertionFailedError(msg.toString());
        }
    }
}
