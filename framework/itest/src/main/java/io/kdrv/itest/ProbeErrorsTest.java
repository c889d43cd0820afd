package io.kdrv.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.testing.await.Await;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deferred probe, failing probe and a kthread that ignores stop, in a real Felix. */
class ProbeErrorsTest extends KdrvTestBase {

    @Test
    void deferredProbeResolvesWhenTheDependencyIsBound() throws Exception {
        createNode("it-consumer", "defer-until", "it-supplier");
        DeviceInfo waiting = awaitState("it-consumer", DeviceState.DEFERRED);
        assertEquals("waiting for device it-supplier", waiting.reason());
        List<DeviceInfo> deferred = manager.deferred();
        assertTrue(deferred.stream().anyMatch(d -> d.name().equals("it-consumer")
                && "waiting for device it-supplier".equals(d.reason())), deferred::toString);
        assertTrue(kthread("testdrv/it-consumer").isEmpty(), "a deferred probe keeps no thread");

        createNode("it-supplier");

        awaitState("it-supplier", DeviceState.BOUND);
        awaitState("it-consumer", DeviceState.BOUND);
        assertTrue(manager.deferred().stream().noneMatch(d -> d.name().equals("it-consumer")));
        Await.until("both kthreads", () -> kthread("testdrv/it-consumer").isPresent()
                && kthread("testdrv/it-supplier").isPresent());
    }

    @Test
    void failingProbeUnwindsDevres() throws Exception {
        createNode("it-fail", "fail-probe", "sensor did not answer");

        DeviceInfo d = awaitState("it-fail", DeviceState.FAILED);

        assertTrue(d.reason() != null && d.reason().contains("sensor did not answer"), d::toString);
        assertEquals(0, d.probes(), "a failed probe is not counted as a probe");
        // the core publishes FAILED and then releases devres in the same probe-worker step: once the manager is
        // idle, the kthread probe had started must be gone
        assertTrue(manager.awaitIdle(Await.DEFAULT), "manager idle");
        assertTrue(kthread("testdrv/it-fail").isEmpty(), () -> "devres left " + testKthreads());
        assertEquals(DeviceState.FAILED, device("it-fail").state(), "a failed device stays failed");
    }

    @Test
    void aKthreadThatIgnoresStopIsReportedAndTheRestStillUnbinds() throws Exception {
        // itest.bndrun sets kdrv.stop.timeout.ms=500: the thread lingers 3 s after stop, longer than that bound.
        // forget-stop: the driver's remove leaves the thread to devres, whose stop is bounded (a driver's own
        // unbounded stop() in remove would block remove, which has its own, longer bound).
        createNode("it-stuck", "ignore-stop-ms", 3000L, "forget-stop", true);
        awaitState("it-stuck", DeviceState.BOUND);

        long start = System.nanoTime();
        DeviceInfo d = manager.unbind("it-stuck");
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertEquals(DeviceState.UNBOUND, d.state(), d::toString);
        assertTrue(tookMs < 2500, "unbind waited for the stuck thread: " + tookMs + " ms");
        // it exits on its own once its 3 s are up; the fixture's leak check waits for that
        Await.until("stuck kthread exits by itself", () -> kthread("testdrv/it-stuck").isEmpty());
    }
}
