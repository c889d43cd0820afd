package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.kthread.Completion;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Driver calls run on the probe worker itself; a call that overruns its bound makes the watchdog give the worker up
 * and a fresh one take over (repair, then the stuck item again, then the queue), without losing or repeating work.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProbeTakeOverTest extends CoreTestBase {
    private static final Duration BOUND = Duration.ofMillis(500);

    private void shortBounds() {
        core.close();
        core = new DriverCore(config().withProbeTimeout(BOUND).withRemoveTimeout(BOUND));
        core.setListener(events::add);
    }

    @Test
    void aHungProbeInADriverAdditionIsCalledOnceAndTheOtherDevicesStillBindInOrder() {
        shortBounds();
        CountDownLatch hang = stuckLatch();
        core.nodeUpdated("p0", node("a0", "x"));
        core.nodeUpdated("p1", node("a1", "x"));
        core.nodeUpdated("p2", node("a2", "x"));
        idle();
        TestDriver d = newDriver("d/x");
        d.onProbe = dev -> {
            if (dev.name().equals("a1")) {
                hang.await(); // blocks outside any kdrv wait
            }
        };
        register(d, "x"); // one item probes all three devices; its re-run after the take-over skips a1
        idle();
        assertEquals(DeviceState.BOUND, info("a0").state());
        assertEquals(DeviceState.FAILED, info("a1").state());
        assertTrue(info("a1").reason().contains("did not return within 500 ms"), info("a1").reason());
        assertEquals(DeviceState.BOUND, info("a2").state());
        assertEquals(List.of("d/x probe a0 on kdrv-probe", "d/x probe a1 on kdrv-probe", "d/x probe a2 on kdrv-probe/2"),
                logMatching(" probe "), "the hung driver is not called again, and a0 is not probed twice");
        assertEquals("a1", core.stuckThreads().getFirst().device());
    }

    @Test
    void itemsQueuedBehindAHungProbeRunAfterItInTheirOrder() {
        shortBounds();
        CountDownLatch hang = stuckLatch();
        TestDriver stuck = newDriver("d/stuck");
        stuck.onProbe = dev -> hang.await();
        register(stuck, "stuck");
        driver("d/fine", "fine");
        idle();
        core.nodeUpdated("p0", node("s0", "stuck"));
        for (int i = 0; i < 5; i++) {
            core.nodeUpdated("f" + i, node("f" + i, "fine"));
        }
        idle();
        assertEquals(DeviceState.FAILED, info("s0").state());
        assertEquals(List.of("d/fine probe f0 on kdrv-probe/2", "d/fine probe f1 on kdrv-probe/2",
                "d/fine probe f2 on kdrv-probe/2", "d/fine probe f3 on kdrv-probe/2", "d/fine probe f4 on kdrv-probe/2"),
                logMatching("d/fine probe"));
        List<DeviceState> settled = events.stream().map(DriverCore.StateChange::state).toList();
        assertEquals(DeviceState.FAILED, settled.getFirst(), "s0 failed before any later device bound: " + events);
    }

    @Test
    void theAbandonedWorkerLeavesWithoutTouchingTheModelWhenTheDriverReturns() {
        shortBounds();
        CountDownLatch hang = stuckLatch();
        Completion returned = new Completion();
        TestDriver d = newDriver("d/late");
        d.onProbe = dev -> {
            if (dev.name().equals("late0")) {
                try {
                    hang.await();
                } finally {
                    returned.complete();
                }
            }
        };
        register(d, "late");
        core.nodeUpdated("p0", node("late0", "late"));
        idle();
        assertEquals(DeviceState.FAILED, info("late0").state());
        assertTrue(live("kdrv-probe"), "still stuck in the driver");
        int eventsBefore = events.size();

        hang.countDown();
        assertTrue(returned.waitForCompletionTimeout(Duration.ofSeconds(30)));
        Await.until("the abandoned worker ended", () -> !live("kdrv-probe"), Duration.ofSeconds(30));
        assertEquals(DeviceState.FAILED, info("late0").state(), "the late return changed nothing");
        assertEquals(eventsBefore, events.size());

        core.nodeUpdated("p1", node("late1", "late"));
        idle();
        assertEquals(DeviceState.BOUND, info("late1").state());
        assertEquals(List.of("d/late probe late1 on kdrv-probe/2"), logMatching("late1"));
    }

    @Test
    void aHungRemoveDuringDriverRemovalStillReleasesEveryDeviceAndRebindsThemElsewhere() {
        shortBounds();
        CountDownLatch hang = stuckLatch();
        TestDriver primary = newDriver("d/primary");
        primary.onProbe = dev -> dev.addAction(() -> log.add("released " + dev.name()));
        primary.onRemove = dev -> {
            if (dev.name().equals("b1")) {
                hang.await();
            }
        };
        register(primary, 10, "b");
        driver("d/fallback", 0, "b");
        for (int i = 0; i < 3; i++) {
            core.nodeUpdated("p" + i, node("b" + i, "b"));
        }
        idle();
        assertTrue(core.removeDriver("d/primary"));
        idle();
        assertEquals(List.of("released b2", "released b1", "released b0"), logMatching("released"),
                "reverse probe order; b1's resources released by the fresh worker");
        for (int i = 0; i < 3; i++) {
            assertEquals(DeviceState.BOUND, info("b" + i).state());
            assertEquals("d/fallback", info("b" + i).driver(), "every unbound device probed again: " + log);
        }
        assertEquals("remove by driver d/primary", core.stuckThreads().getFirst().what());
    }

    @Test
    void bindWhoseProbeHangsAnswersWithTheFailedDevice() {
        shortBounds();
        CountDownLatch hang = stuckLatch();
        TestDriver d = newDriver("d/x");
        d.onProbe = dev -> hang.await();
        register(d, "x");
        core.nodeUpdated("p0", node("x0", "x", "driver", "d/none")); // waits for a driver that never comes
        idle();
        DeviceInfo i = core.bind("x0", "d/x");
        assertEquals(DeviceState.FAILED, i.state());
        assertTrue(i.reason().contains("abandoned"), i.reason());
        assertEquals(1, logMatching("d/x probe x0").size());
    }

    @Test
    void aBurstOfDriverCallsWakesTheWatchdogOnlyWhenItHasNoDeadline() {
        driver("d/quick", "quick");
        for (int i = 0; i < 50; i++) {
            core.nodeUpdated("q" + i, node("q" + i, "quick"));
        }
        idle();
        for (int i = 0; i < 50; i++) {
            core.nodeDeleted("q" + i);
        }
        idle();
        assertEquals(50, logMatching("d/quick remove").size());
        long wakeups = Kthreads.list().stream().filter(k -> k.name().equals("kdrv-watchdog"))
                .mapToLong(KthreadInfo::wakeups).sum();
        // 150 calls (probe; remove + devres release) within one 20 s bound: the first wakes it, the later ones have
        // later deadlines than the one it sleeps until, so arming them is a volatile write and no wake-up
        assertTrue(wakeups <= 3, "watchdog woken " + wakeups + " times");
    }

    private static boolean live(String name) {
        return Kthreads.list().stream().map(KthreadInfo::name).anyMatch(name::equals);
    }
}
