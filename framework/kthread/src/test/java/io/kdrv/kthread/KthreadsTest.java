package io.kdrv.kthread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoKthreadLeaks.class)
class KthreadsTest {

    private static KthreadInfo find(List<KthreadInfo> list, String name) {
        return list.stream().filter(i -> i.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + list));
    }

    @Test
    void listShowsNameStateMaskOwnerAndCounters() {
        Kthread created = Kthread.create(d -> 0, null, "ps-created");
        created.bind(0);
        created.owner("device button0");
        WaitQueue wq = new WaitQueue();
        Kthread sleeper = Kthread.run(d -> {
            wq.waitEventInterruptible(Kthread::shouldStop);
            return 0;
        }, null, "ps-sleeper").owner("bundle demo");
        Await.state(sleeper, Kthread.State.SLEEPING);

        List<KthreadInfo> list = Kthreads.list();
        assertEquals(2, list.size(), list.toString());
        assertEquals(2, Kthreads.liveCount());
        assertEquals(List.of("ps-created", "ps-sleeper"), list.stream().map(KthreadInfo::name).toList(), "creation order");

        KthreadInfo c = find(list, "ps-created");
        BitSet zero = new BitSet();
        zero.set(0);
        assertEquals(Kthread.State.CREATED, c.state());
        assertEquals(zero, c.cpuMask());
        assertEquals("device button0", c.owner());
        assertEquals(0, c.wakeups());
        assertEquals(-1, c.tid());
        assertEquals(-1, c.cpuTimeNanos());

        KthreadInfo s = find(list, "ps-sleeper");
        assertEquals(Kthread.State.SLEEPING, s.state());
        assertTrue(s.cpuMask().isEmpty());
        assertEquals("bundle demo", s.owner());
        assertTrue(s.wakeups() >= 1);
        if (Procfs.available()) {
            assertTrue(s.tid() > 0);
        }
        assertTrue(s.cpuTimeNanos() >= 0);

        c.cpuMask().set(5); // a copy: the snapshot cannot be changed
        assertEquals(zero, c.cpuMask());

        assertEquals(-Errno.EINTR, created.stop());
        assertEquals(List.of("ps-sleeper"), Kthreads.list().stream().map(KthreadInfo::name).toList());
        assertEquals(0, sleeper.stop());
        assertTrue(Kthreads.list().isEmpty());
        assertEquals(0, Kthreads.liveCount());
    }

    @Test
    @Timeout(60)
    void aKthreadSpinningPastAStopTimeoutIsListedStuckWithClimbingCpuTimeUntilItEnds() throws Exception {
        AtomicBoolean release = new AtomicBoolean();
        Completion spinning = new Completion();
        Kthread k = Kthread.run(d -> {
            spinning.complete();
            long spins = 0;
            while (!release.get()) { // 100 % CPU, never looks at shouldStop()
                spins++;
            }
            return spins > 0 ? 7 : 8;
        }, null, "ps-spinner");
        try {
            assertTrue(spinning.waitForCompletionTimeout(Await.TIMEOUT));
            assertSame(k, Kthread.of(k.javaThread()));
            assertNull(Kthread.of(Thread.currentThread()), "the test thread is not a kthread");

            assertThrows(KthreadStopTimeoutException.class, () -> k.stop(Duration.ofMillis(50)));

            KthreadInfo first = find(Kthreads.list(), "ps-spinner");
            assertEquals(Kthread.State.STUCK, first.state());
            assertTrue(first.cpuTimeNanos() >= 0, first::toString);
            // CPU time keeps climbing while it is listed stuck: it really is still burning a core
            Await.until(() -> "cpu time of ps-spinner to climb past " + first.cpuTimeNanos(), () -> {
                KthreadInfo now = find(Kthreads.list(), "ps-spinner");
                return now.state() == Kthread.State.STUCK && now.cpuTimeNanos() > first.cpuTimeNanos();
            });
            assertEquals(Kthread.State.STUCK, k.state(), "a later look still says stuck");
        } finally {
            release.set(true); // also when an assertion failed: never leave a core spinning
        }
        Await.until("ps-spinner to leave the list", () -> Kthreads.list().stream().noneMatch(i -> i.name().equals("ps-spinner")));
        assertEquals(Kthread.State.EXITED, k.state());
        assertEquals(7, k.stop(Await.TIMEOUT), "a stop after the end returns the function's result");
    }

    @Test
    void exitedKthreadsDoNotAccumulate() {
        for (int i = 0; i < 200; i++) {
            Kthread k = Kthread.run(d -> 0, null, "ps-short/%d", i);
            int code = k.stop(); // races with the start: either the function ran (0) or it was stopped first (-EINTR)
            assertTrue(code == 0 || code == -Errno.EINTR, Integer.toString(code));
        }
        for (int i = 0; i < 50; i++) {
            Kthread.create(d -> 0, null, "ps-never/%d", i).stop();
        }
        assertEquals(0, Kthreads.liveCount());
        assertTrue(Kthreads.list().isEmpty());
    }

    @Test
    void aKthreadThatEndsOnItsOwnLeavesTheList() {
        Kthread k = Kthread.run(d -> 0, null, "ps-self-exit");
        Await.until("it to leave the list", () -> Kthreads.liveCount() == 0);
        assertEquals(Kthread.State.EXITED, k.state());
        assertNull(k.owner());
        assertEquals(0, k.stop());
    }
}
