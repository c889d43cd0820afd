package io.kdrv.itest.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.await.Await;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import java.util.Optional;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.test.common.annotation.InjectService;

/**
 * Fault injection through the test driver's node keys: a probe that throws, a kthread function that throws, a
 * remove that throws, a kthread that ignores stop, a raw thread left running by an uninstalled driver, and a probe
 * that blocks past {@code probe.timeout.ms}. Each time
 * the failure is reported (state, reason or log line naming the device and thread) and nothing is left behind.
 */
class FaultInjectionTest extends HotplugTestBase {
    @InjectService(timeout = 10_000)
    CommandProcessor gogo;

    @Test
    void probeThrows_deviceFailedAndDevresReleasedThreadAndPin() throws Exception {
        installDriver(driverJar());
        long mark = LogCapture.mark();

        createNode("hp-fault-probe", "gpios", new int[] {7}, "fail-probe", "sensor did not answer");

        DeviceInfo d = awaitState("hp-fault-probe", DeviceState.FAILED);
        assertTrue(d.reason().contains("sensor did not answer"), d::toString);
        awaitIdle();
        LogCapture.await(mark, "device hp-fault-probe: probe by driver " + DRIVER_BSN, "sensor did not answer");
        assertTrue(kthread("testdrv/hp-fault-probe").isEmpty(), () -> "devres left " + testKthreads());
        assertTrue(line(7).isEmpty(), () -> "GPIO 7 still claimed after a failed probe: " + board.lines());
    }

    @Test
    void threadFunctionThrows_deviceStaysBoundAndTheDeathIsLogged() throws Exception {
        installDriver(driverJar());
        long mark = LogCapture.mark();

        createNode("hp-fault-thread", "throw-in-thread", "register read failed");

        awaitState("hp-fault-thread", DeviceState.BOUND);
        String logged = LogCapture.await(mark, "kthread testdrv/hp-fault-thread died: its function threw");
        assertTrue(logged.contains("exit code"), logged);
        LogCapture.await(mark, "register read failed"); // the exception (its stack trace) follows the line
        Await.until("the dead kthread is no longer live", () -> kthread("testdrv/hp-fault-thread").isEmpty());
        awaitIdle();
        assertEquals(DeviceState.BOUND, device("hp-fault-thread").state(), "a dying thread does not unbind");

        DeviceInfo u = manager.unbind("hp-fault-thread"); // remove stops the dead thread: no error, nothing left
        assertEquals(DeviceState.UNBOUND, u.state(), u::toString);
        assertEquals(1, u.removes());
    }

    @Test
    void removeThrows_devresStillStopsTheThreadAndFreesThePin() throws Exception {
        installDriver(driverJar());
        createNode("hp-fault-remove", "gpios", new int[] {8}, "throw-in-remove", "remove went wrong");
        awaitState("hp-fault-remove", DeviceState.BOUND);
        Await.until("testdrv/hp-fault-remove running", () -> kthread("testdrv/hp-fault-remove").isPresent());
        long mark = LogCapture.mark();

        DeviceInfo d = manager.unbind("hp-fault-remove");

        assertEquals(DeviceState.UNBOUND, d.state(), d::toString);
        assertEquals(1, d.removes(), d::toString);
        assertTrue(kthread("testdrv/hp-fault-remove").isEmpty(), () -> "devres left " + testKthreads());
        assertTrue(line(8).isEmpty(), () -> "GPIO 8 still claimed: " + board.lines());
        LogCapture.await(mark, "device hp-fault-remove: remove by driver", "threw; its resources were released anyway");
        LogCapture.await(mark, "remove went wrong");
    }

    @Test
    void threadIgnoringStop_isReportedWithNameAndStackAndTheRestShutsDown() throws Exception {
        // kdrv.stop.timeout.ms=500 (itest.bndrun); the thread lingers 3 s after stop. forget-stop: remove leaves it
        // to devres, whose stop is the bounded one.
        Bundle driver = installDriver(driverJar());
        createNode("hp-stuck", "ignore-stop-ms", 3000L, "forget-stop", true, "gpios", new int[] {9});
        createNode("hp-healthy", "gpios", new int[] {10});
        awaitState("hp-stuck", DeviceState.BOUND);
        awaitState("hp-healthy", DeviceState.BOUND);
        long mark = LogCapture.mark();

        long start = System.nanoTime();
        driver.stop();
        long tookMs = (System.nanoTime() - start) / 1_000_000;

        assertTrue(tookMs < 2500, "bundle stop waited for the stuck thread: " + tookMs + " ms");
        assertEquals(DeviceState.UNBOUND, device("hp-stuck").state());
        assertEquals(DeviceState.UNBOUND, device("hp-healthy").state());
        assertTrue(kthread("testdrv/hp-healthy").isEmpty(), "the healthy device's thread stopped");
        assertTrue(line(9).isEmpty() && line(10).isEmpty(), () -> "lines still claimed: " + board.lines());
        LogCapture.await(mark, "device hp-stuck: kthread testdrv/hp-stuck did not stop within 500 ms");
        LogCapture.await(mark, "lingerIgnoringStop"); // the stack trace of the stuck thread
        // while it lingers it is listed as stuck (kthread:ps STAT D), not as an ordinary stopping thread
        kthread("testdrv/hp-stuck").ifPresent(k -> assertEquals(Kthread.State.STUCK, k.state(), k::toString));
        // it ends by itself once its 3 s are up; the fixture's leak check waits for that
        Await.until("stuck kthread exits by itself", () -> kthread("testdrv/hp-stuck").isEmpty());
    }

    @Test
    void rawThreadLeftByAnUninstalledDriver_isReportedWithBundleAndStackAndListedForeignUntilItEnds() throws Exception {
        Bundle driver = installDriver(driverJar());
        String release = "kdrv.itest.release.hp-leaky";
        try {
            createNode("hp-leaky", "leak-raw-thread", true);
            awaitState("hp-leaky", DeviceState.BOUND);
            Await.until("raw thread leaky/hp-leaky running", () -> liveThread("leaky/hp-leaky").isPresent());
            long mark = LogCapture.mark();

            driver.uninstall(); // stop (devices removed) then uninstall

            LogCapture.await(mark, "WARN", "bundle " + DRIVER_BSN + " ", "left 1 thread running",
                    "not a kthread: \"leaky/hp-leaky\"");
            LogCapture.await(mark, "thread \"leaky/hp-leaky\" (java id "); // then its stack, down to the driver's frame
            LogCapture.await(mark, "at io.kdrv.itest.driver.TestDriver.lambda$leakRawThread");
            String ps = Await.value("kthread:ps to list leaky/hp-leaky",
                    () -> psLine("leaky/hp-leaky"), () -> ps());
            assertTrue(ps.matches("\\s*- F .*foreign bundle " + DRIVER_BSN + " +leaky/hp-leaky"), ps);
            assertTrue(kthread("leaky/hp-leaky").isEmpty(), "not a kthread: Kthreads.list() does not know it");

            System.setProperty(release, "true");
            Await.until("leaky/hp-leaky to end", () -> liveThread("leaky/hp-leaky").isEmpty());
            Await.until("kthread:ps to drop the ended thread", () -> psLine("leaky/hp-leaky").isEmpty(), this::ps);
        } finally {
            System.setProperty(release, "true"); // never leave it running for the following tests
        }
        Await.until("leaky/hp-leaky to end", () -> liveThread("leaky/hp-leaky").isEmpty());
        System.clearProperty(release);
    }

    @Test
    void aDriverWithoutRawThreads_stopsWithoutAForeignThreadWarning() throws Exception {
        Bundle driver = installDriver(driverJar());
        createNode("hp-clean");
        awaitState("hp-clean", DeviceState.BOUND);
        long mark = LogCapture.mark();
        driver.uninstall();
        awaitState("hp-clean", DeviceState.UNBOUND);
        // the scan runs synchronously inside the stop: anything it reports is logged before uninstall() returns
        assertTrue(LogCapture.since(mark).stream().noneMatch(l -> l.contains("not a kthread")),
                () -> String.join("\n", LogCapture.since(mark)));
        assertTrue(ps().lines().noneMatch(l -> l.contains("foreign bundle")), this::ps);
    }

    private static Optional<Thread> liveThread(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive())
                .findFirst();
    }

    private Optional<String> psLine(String name) {
        return ps().lines().filter(l -> l.endsWith(" " + name)).findFirst();
    }

    /** {@code kthread:ps} through Gogo, as a user types it. */
    private String ps() {
        Await.until("Gogo command kthread:ps", () -> {
            try {
                return ownContext().getServiceReferences((String) null, "(osgi.command.scope=kthread)") != null;
            } catch (InvalidSyntaxException e) {
                throw new AssertionError(e);
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        CommandSession session = gogo.createSession(new ByteArrayInputStream(new byte[0]), print, print);
        try {
            Object result = session.execute("kthread:ps");
            return String.valueOf(result);
        } catch (Exception e) {
            throw new AssertionError("kthread:ps failed", e);
        } finally {
            session.close();
        }
    }

    @Test
    void probeBlockingPastTheTimeout_failsThatDeviceWhileOthersKeepProbing() throws Exception {
        Configuration core = cm.getConfiguration(CORE_PID, "?");
        Hashtable<String, Object> timeouts = new Hashtable<>();
        timeouts.put("probe.timeout.ms", 300);
        long mark = LogCapture.mark();
        core.update(timeouts);
        try {
            // Configuration Admin delivers asynchronously; the core logs when the new bound is in force
            LogCapture.await(mark, "kdrv core reconfigured");
            installDriver(driverJar());
            createNode("hp-blocked", "block-probe-ms", 2000L);
            createNode("hp-after-blocked");

            DeviceInfo failed = awaitState("hp-blocked", DeviceState.FAILED);
            assertTrue(failed.reason().contains("did not return within 300 ms"), failed::toString);
            assertTrue(failed.reason().contains("hp-blocked"), failed::toString);
            awaitState("hp-after-blocked", DeviceState.BOUND);
            LogCapture.await(mark, "device hp-blocked:", "probe by driver", "did not return within 300 ms", "abandoned");
            // the abandoned probe worker finishes its 2 s block and ends (a fresh kdrv-probe/<n> took over
            // meanwhile); the fixture's leak check waits for that
            Await.until("abandoned probe worker of hp-blocked exits", () -> Kthreads.list().stream()
                    .noneMatch(k -> k.name().startsWith("kdrv-probe") && "device hp-blocked".equals(k.owner())));

            // fixing the bound retries the device that failed because of it (it used to stay FAILED)
            long fixed = LogCapture.mark();
            timeouts.put("probe.timeout.ms", 20_000);
            core.update(timeouts);
            LogCapture.await(fixed, "device hp-blocked: core configuration changed; retrying its failed probe");
            // the test driver fails by itself after its 2 s block: now that the probe may run that long, that
            // is the reason recorded, not the timeout
            Await.until("hp-blocked probed again under the new bound", () -> {
                DeviceInfo d = device("hp-blocked");
                return d.state() == DeviceState.FAILED && d.reason().contains("probe blocked for 2000 ms");
            }, () -> device("hp-blocked").toString());
        } finally {
            long restored = LogCapture.mark();
            core.delete();
            LogCapture.await(restored, "kdrv core reconfigured"); // back to the defaults before the next test
        }
    }
}
