package io.kdrv.drivers.dht22;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.deviceKthreads;

import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.dht22.internal.Dht22Driver;
import io.kdrv.drivers.dht22.sim.Dht22Sim;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.MemoryGpioController;
import io.kdrv.testing.NodeTemplate;
import io.kdrv.testing.RecordingEventAdmin;
import io.kdrv.testing.await.Await;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.service.event.Event;

/**
 * dht22 on the mock board against {@link Dht22Sim}: the response's edges carry the model's timestamps, so the
 * decoded bits are exact under any load. The datasheet's 2 s between reads makes retry tests take seconds.
 */
@Timeout(120)
class Dht22Test {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int DATA = 4;
    private static final int START = 17;
    /** Generous: the answer is queued when the start line is released; this only covers a slow irq kthread. */
    private static final int SLOW_OK_MS = 5_000;

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final Dht22Driver driver = new Dht22Driver(events);

    private final NodeTemplate node = new NodeTemplate(bed, "dht22", "gpios", new int[] {DATA, START}, "timeout-ms", SLOW_OK_MS);

    private DeviceInfo env(Object... more) {
        bed.register(driver, "dht22");
        DeviceInfo d = node.add("env", more);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        return d;
    }

    private Dht22Sensor sensor() {
        return driver.sensor("env").orElseThrow();
    }

    @Test
    void probeReadsTemperatureAndHumidity() throws Exception {
        Dht22Sim sim = Dht22Sim.attach(bed.mock(), DATA, START).set(21.5, 45.2);
        env();
        assertEquals(List.of("dht22/env", "irq/4-env"), deviceKthreads());
        Event e = events.await(1, WAIT).get(0);
        assertEquals(Dht22Events.TOPIC, e.getTopic());
        assertEquals("env", e.getProperty(Dht22Events.DEVICE));
        assertEquals(21.5, (Double) e.getProperty(Dht22Events.TEMPERATURE), 1e-9);
        assertEquals(45.2, (Double) e.getProperty(Dht22Events.HUMIDITY), 1e-9);
        assertEquals(1, e.getProperty(Dht22Events.ATTEMPTS));
        assertEquals(1L, e.getProperty(Dht22Events.SEQUENCE));
        assertEquals(null, e.getProperty(Dht22Events.ERROR));
        Dht22Reading r = sensor().latest().orElseThrow();
        assertEquals(21.5, r.temperature(), 1e-9);
        assertFalse(sensor().failed());
        assertEquals(1, sim.answers());
        assertEquals(DigitalState.HIGH, bed.mock().output(START), "start line released (diode wiring)");
    }

    @Test
    void negativeTemperaturesAndTheNextPeriodNoSoonerThanTwoSeconds() throws Exception {
        Dht22Sim sim = Dht22Sim.attach(bed.mock(), DATA, START).set(-10.1, 99.9);
        env("poll-ms", 2000);
        Event e = events.await(1, WAIT).get(0);
        assertEquals(-10.1, (Double) e.getProperty(Dht22Events.TEMPERATURE), 1e-9);
        assertEquals(99.9, (Double) e.getProperty(Dht22Events.HUMIDITY), 1e-9);
        sim.set(0.0, 0.0);
        Event next = events.await(2, WAIT).get(1);
        assertEquals(0.0, (Double) next.getProperty(Dht22Events.TEMPERATURE), 1e-9);
        List<Long> starts = sim.starts();
        assertTrue(starts.get(1) - starts.get(0) >= Duration.ofSeconds(2).toNanos(), starts.toString());
    }

    @Test
    void aChecksumErrorIsCountedAndRetriedAfterTheBackoff() throws Exception {
        Dht22Sim sim = Dht22Sim.attach(bed.mock(), DATA, START).set(23.4, 56.7).corruptChecksums(1);
        env();
        Event e = events.await(1, WAIT).get(0);
        assertEquals(2, e.getProperty(Dht22Events.ATTEMPTS), RecordingEventAdmin.describe(List.of(e)));
        assertEquals(23.4, (Double) e.getProperty(Dht22Events.TEMPERATURE), 1e-9);
        assertEquals(1, sensor().checksumErrors());
        assertEquals(0, sensor().timeouts());
        assertEquals(2, sensor().attempts());
        String why = sensor().lastError().orElseThrow();
        assertTrue(why.contains("env") && why.contains("checksum"), why);
        List<Long> starts = sim.starts();
        assertTrue(starts.get(1) - starts.get(0) >= Duration.ofSeconds(2).toNanos(), "retry waited the 2 s minimum "
                + starts);
    }

    @Test
    void aTruncatedFrameIsATimeoutAndIsRetried() throws Exception {
        Dht22Sim.attach(bed.mock(), DATA, START).set(20.0, 40.0).truncate(1);
        env("timeout-ms", 1000); // the cut frame waits this long; the full one completes at once
        Event e = events.await(1, WAIT).get(0);
        assertEquals(2, e.getProperty(Dht22Events.ATTEMPTS));
        assertEquals(40.0, (Double) e.getProperty(Dht22Events.HUMIDITY), 1e-9);
        assertEquals(1, sensor().timeouts());
        String why = sensor().lastError().orElseThrow();
        assertTrue(why.contains("only 20 of 40 bits"), why);
    }

    @Test
    void errorsNameControllerLinesAsTheBoardFileDoes() throws Exception {
        bed.register(new MemoryGpioController(8), "test,gpio");
        bed.addDevice("expander0", "test,gpio");
        env("gpios", new String[] {"expander0:0", "expander0:1"}, "timeout-ms", 20, "retries", 0);
        String why = (String) events.await(1, WAIT).get(0).getProperty(Dht22Events.ERROR);
        assertTrue(why.startsWith("dht22 env: no response on data GPIO expander0:0 to the start signal on GPIO "
                + "expander0:1"), why);
        DeviceInfo same = node.add("env2", "gpios", new String[] {"expander0:2", "expander0:2"});
        assertEquals(DeviceState.FAILED, same.state());
        assertTrue(same.reason().endsWith("got [expander0:2, expander0:2]"), same.reason());
    }

    @Test
    void noResponseFailsTheReadingAfterItsRetriesNamingDeviceAndLines() throws Exception {
        Dht22Sim sim = Dht22Sim.attach(bed.mock(), DATA, START).respond(false);
        env("timeout-ms", 20, "retries", 1);
        Event e = events.await(1, WAIT).get(0);
        String why = (String) e.getProperty(Dht22Events.ERROR);
        assertTrue(why.startsWith("dht22 env: no response on data GPIO 4 to the start signal on GPIO 17"), why);
        assertTrue(why.contains("attempt 2 of 2"), why);
        assertTrue(Double.isNaN((Double) e.getProperty(Dht22Events.TEMPERATURE)));
        assertTrue(sensor().failed());
        assertEquals(2, sensor().timeouts());
        assertEquals(1, sensor().failures());
        assertTrue(sensor().latest().isEmpty());
        assertEquals(2, sim.starts().size());
        assertEquals(0, sim.answers());
        assertEquals(DeviceState.BOUND, bed.device("env").state(), "a silent sensor is a reading error, not a probe failure");
    }

    @Test
    void anAbsentSensorLeavesTheDataLineSilent() throws Exception {
        bed.register(driver, "dht22");
        bed.addDevice("env", "dht22", "gpios", new int[] {DATA, START}, "timeout-ms", 10, "retries", 0);
        String why = (String) events.await(1, WAIT).get(0).getProperty(Dht22Events.ERROR);
        assertTrue(why.contains("env") && why.contains("no start pulse seen on the data line"), why);
    }

    @Test
    void badNodesFailNamingDeviceAndKey() {
        bed.register(driver, "dht22");
        assertFailed(bed.addDevice("a", "dht22", "poll-ms", 5000), "a", "gpios");
        assertFailed(bed.addDevice("b", "dht22", "gpios", DATA), "b", "gpios", "two different");
        assertFailed(bed.addDevice("c", "dht22", "gpios", new int[] {DATA, DATA}), "c", "gpios");
        assertFailed(bed.addDevice("d", "dht22", "gpios", new int[] {DATA, START}, "poll-ms", 1000), "d", "poll-ms");
        assertFailed(bed.addDevice("e", "dht22", "gpios", new int[] {DATA, START}, "retry-ms", 100), "e", "retry-ms");
        assertFailed(bed.addDevice("f", "dht22", "gpios", new int[] {DATA, START}, "retries", -1), "f", "retries");
        assertFalse(bed.mock().isOpen(DATA));
        assertFalse(bed.mock().isOpen(START));
        assertEquals(List.of(), deviceKthreads());
    }

    @Test
    void unbindReleasesEverythingEvenDuringABackoff() throws Exception {
        Dht22Sim.attach(bed.mock(), DATA, START).respond(false);
        env("timeout-ms", 10, "retries", 5, "retry-ms", 60_000);
        Await.until("a first timeout", () -> sensor().timeouts() >= 1, () -> sensor().toString(), WAIT); // now sleeping in a one-minute backoff
        assertEquals(DeviceState.UNBOUND, bed.unbind("env").state());
        assertEquals(List.of(), deviceKthreads());
        assertFalse(bed.mock().isOpen(DATA));
        assertFalse(bed.mock().isOpen(START));
        assertEquals(DigitalState.HIGH, bed.mock().output(START), "start line left released");
        assertTrue(driver.sensor("env").isEmpty());
    }

}
