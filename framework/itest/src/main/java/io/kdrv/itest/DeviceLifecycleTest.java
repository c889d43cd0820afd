package io.kdrv.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.testing.await.Await;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.wiring.BundleRevision;

/** Binding and hot-unplug of a device in a real Felix: node created, driver bundle stopped/updated/uninstalled. */
class DeviceLifecycleTest extends KdrvTestBase {

    @Test
    void nodeBindsToTheTestDriverWhoseKthreadIsOwnedByTheDevice() throws Exception {
        createNode("it-bind");
        DeviceInfo d = awaitState("it-bind", DeviceState.BOUND);
        assertTrue(d.driver().startsWith(DRIVER_BSN + "/"), d.driver());
        assertEquals(List.of(COMPATIBLE), d.compatible());
        assertEquals(1, d.probes());

        KthreadInfo k = kthread("testdrv/it-bind").orElseThrow(() -> new AssertionError("no kthread testdrv/it-bind"));
        assertEquals("device it-bind", k.owner());
        Await.until("testdrv/it-bind sleeping on its wait queue",
                () -> kthread("testdrv/it-bind").map(i -> i.state() == Kthread.State.SLEEPING).orElse(false));
    }

    @Test
    void stoppingTheDriverBundleRemovesTheDeviceBeforeStopReturns() throws Exception {
        createNode("it-stop");
        awaitState("it-stop", DeviceState.BOUND);
        Bundle driver = driverBundle();

        driver.stop();

        // no waiting here: remove and devres release must have finished inside stop()
        DeviceInfo d = device("it-stop");
        assertEquals(DeviceState.UNBOUND, d.state(), d::toString);
        assertEquals(1, d.removes(), d::toString);
        assertTrue(kthread("testdrv/it-stop").isEmpty(), () -> "kthread survived bundle stop: " + testKthreads());

        driver.start();
        DeviceInfo again = awaitState("it-stop", DeviceState.BOUND);
        assertEquals(2, again.probes());
    }

    @Test
    void deletingTheNodeRemovesTheDevice() throws Exception {
        createNode("it-delete");
        awaitState("it-delete", DeviceState.BOUND);

        deleteNode("it-delete");

        Await.until("device it-delete gone", () -> manager.device("it-delete").isEmpty());
        Await.until("kthread testdrv/it-delete gone", () -> kthread("testdrv/it-delete").isEmpty());
    }

    @Test
    void devresStopsTheThreadADriverForgets() throws Exception {
        createNode("it-forget", "forget-stop", true);
        awaitState("it-forget", DeviceState.BOUND);

        manager.unbind("it-forget");

        assertEquals(DeviceState.UNBOUND, device("it-forget").state());
        assertTrue(kthread("testdrv/it-forget").isEmpty(), () -> "devres left " + testKthreads());
    }

    @Test
    void updatingTheDriverBundleReprobesWithTheNewCode() throws Exception {
        createNode("it-update");
        awaitState("it-update", DeviceState.BOUND);
        Bundle driver = driverBundle();
        BundleRevision before = driver.adapt(BundleRevision.class);

        driver.update();

        DeviceInfo d = Await.value("it-update probed again", () -> manager.device("it-update")
                .filter(i -> i.state() == DeviceState.BOUND && i.probes() == 2), () -> ": " + manager.devices());
        assertEquals(1, d.removes());
        assertNotSame(before, driver.adapt(BundleRevision.class), "the bundle has a new revision");
        Await.until("kthread testdrv/it-update running again", () -> kthread("testdrv/it-update").isPresent());
    }

    @Test
    void uninstallingTheDriverBundleRemovesTheDevice() throws Exception {
        createNode("it-uninstall");
        awaitState("it-uninstall", DeviceState.BOUND);
        Bundle driver = driverBundle();

        driver.uninstall();

        DeviceInfo d = device("it-uninstall");
        assertEquals(DeviceState.UNBOUND, d.state(), d::toString);
        assertEquals(1, d.removes());
        assertTrue(kthread("testdrv/it-uninstall").isEmpty(), () -> "kthread survived uninstall: " + testKthreads());
        assertTrue(manager.drivers().stream().noneMatch(i -> i.id().startsWith(DRIVER_BSN + "/")), "driver gone");

        // the reinstalled driver binds the waiting node again
        driverBundle();
        awaitState("it-uninstall", DeviceState.BOUND);
    }
}
