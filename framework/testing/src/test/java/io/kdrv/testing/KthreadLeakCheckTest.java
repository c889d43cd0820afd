package io.kdrv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.kthread.Kthread;
import io.kdrv.testing.await.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;

@ExtendWith(KthreadLeakCheck.class)
class KthreadLeakCheckTest {
    @Test
    void namesALeakedKthreadAndPassesOnceItIsGone() {
        // kthreads of earlier test classes in this JVM may still be on their way out: start from none
        new KthreadLeakCheck(Duration.ofSeconds(20)).check("before");
        Kthread leak = Kthread.run(x -> {
            while (!Kthread.shouldStop()) {
                Kthread.sleep(Duration.ofSeconds(10));
            }
            return 0;
        }, null, "leaky/%d", 1).owner("device demo0");
        try {
            Await.until("leaky/1 asleep", () -> leak.state() == Kthread.State.SLEEPING, () -> "" + leak.state());
            AssertionFailedError e = assertThrows(AssertionFailedError.class,
                    () -> new KthreadLeakCheck(Duration.ofMillis(20)).check("someTest"));
            assertTrue(e.getMessage().startsWith("someTest leaked 1 kthread(s)"), e.getMessage());
            assertTrue(e.getMessage().contains("leaky/1 [SLEEPING, owner device demo0"), e.getMessage());
        } finally {
            assertEquals(0, leak.stop());
        }
        new KthreadLeakCheck(Duration.ofSeconds(20)).check("someTest"); // grace: at most, not a sleep
    }
}
