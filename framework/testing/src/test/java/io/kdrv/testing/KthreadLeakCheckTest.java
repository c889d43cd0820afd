package io.kdrv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.kthread.Kthread;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;

@ExtendWith(KthreadLeakCheck.class)
class KthreadLeakCheckTest {
    @Test
    void namesALeakedKthreadAndPassesOnceItIsGone() {
        Kthread leak = Kthread.run(x -> {
            while (!Kthread.shouldStop()) {
                Kthread.sleep(Duration.ofSeconds(10));
            }
            return 0;
        }, null, "leaky/%d", 1).owner("device demo0");
        try {
            AssertionFailedError e = assertThrows(AssertionFailedError.class,
                    () -> new KthreadLeakCheck(Duration.ofMillis(20)).check("someTest"));
            assertTrue(e.getMessage().startsWith("someTest leaked 1 kthread(s)"), e.getMessage());
            assertTrue(e.getMessage().contains("leaky/1 [SLEEPING, owner device demo0"), e.getMessage());
        } finally {
            assertEquals(0, leak.stop());
        }
        new KthreadLeakCheck(Duration.ofMillis(20)).check("someTest");
    }
}
