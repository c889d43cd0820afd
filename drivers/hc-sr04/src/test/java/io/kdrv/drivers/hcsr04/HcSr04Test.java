package io.kdrv.drivers.hcsr04;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.deviceKthreads;

import io.kdrv.board.mock.LevelChange;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.hcsr04.internal.HcSr04Driver;
import io.kdrv.drivers.hcsr04.sim.HcSr04Sim;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.MemoryGpioController;
import io.kdrv.testing.NodeTemplate;
import io.kdrv.testing.RecordingEventAdmin;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;
import org.osgi.service.event.Event;

/**
 * hc-sr04 on the mock board against {@link HcSr04Sim}: the echo edges carry the model's timestamps, so widths and
 * distances are exact whatever the machine's load; only the timeout path depends on the clock (a lower bound).
 */
@Timeout(120)
class HcSr04Test {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int TRIG = 23;
    private static final int ECHO = 24;
    /** Generous: the echo is already queued when the trigger falls; this only covers a slow irq kthread. */
    private static final int SLOW_OK_MS = 5_000;

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final HcSr04Driver driver = new HcSr04Driver(events);

    private final NodeTemplate node = new NodeTemplate(bed, "hc-sr04", "gpios", new int[] {TRIG, ECHO}, "timeout-ms", SLOW_OK_MS);

    private DeviceInfo sonar(Object... more) {
        bed.register(driver, "hc-sr04");
        return node.add("sonar", more);
    }

    @Test
    void probeMeasuresTheDistanceFromTheEchoWidth() throws Exception {
        HcSr04Sim sim = HcSr04Sim.attach(bed.mock(), TRIG, ECHO).distance(1.25);
        DeviceInfo d = sonar("poll-ms", 60);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(List.of("hcsr04/sonar", "irq/24-sonar"), deviceKthreads());

        Event e = awaitEvent(ok());
        assertEquals(HcSr04Events.TOPIC, e.getTopic());
        assertEquals("sonar", e.getProperty(HcSr04Events.DEVICE));
        assertEquals(sim.echoWidthNanos(1.25), e.getProperty(HcSr04Events.ECHO_NANOS));
        assertEquals(1.25, (Double) e.getProperty(HcSr04Events.DISTANCE), 1e-6);
        assertEquals(343.2, (Double) e.getProperty(HcSr04Events.SPEED_OF_SOUND), 1e-9);
        DistanceReading r = driver.sensor("sonar").orElseThrow().latest().orElseThrow();
        assertEquals(1.25, r.distanceMeters(), 1e-6);
        assertFalse(driver.sensor("sonar").orElseThrow().failed());

        // The trigger really was a pulse of at least 10 µs, ending low.
        List<LevelChange> h = bed.mock().outputHistory(TRIG);
        int rise = h.indexOf(h.stream().filter(LevelChange::high).findFirst().orElseThrow());
        assertTrue(h.get(rise + 1).timestampNanos() - h.get(rise).timestampNanos() >= 10_000, h.toString());
        assertTrue(sim.triggers() >= 1 && sim.shortTriggers() == 0);
    }

    @Test
    void readingsFollowTheTargetAndEveryMeasurementIsNumbered() throws Exception {
        HcSr04Sim sim = HcSr04Sim.attach(bed.mock(), TRIG, ECHO).distance(0.5);
        sonar("poll-ms", 60);
        awaitEvent(ok().and(distance(0.5)));
        sim.distance(3.0);
        Event far = awaitEvent(ok().and(distance(3.0)));
        assertEquals(sim.echoWidthNanos(3.0), far.getProperty(HcSr04Events.ECHO_NANOS));
        List<Event> all = events.events();
        for (int i = 0; i < all.size(); i++) {
            assertEquals((long) i + 1, all.get(i).getProperty(HcSr04Events.SEQUENCE));
        }
    }

    @Test
    void speedOfSoundFromTemperature() throws Exception {
        double c0 = 331.3; // 0 °C
        HcSr04Sim sim = HcSr04Sim.attach(bed.mock(), TRIG, ECHO).speedOfSound(c0).distance(2.0);
        sonar("temperature", 0.0);
        Event e = awaitEvent(ok());
        assertEquals(c0, (Double) e.getProperty(HcSr04Events.SPEED_OF_SOUND), 1e-9);
        assertEquals(2.0, (Double) e.getProperty(HcSr04Events.DISTANCE), 1e-6);

        // At 30 °C sound is faster: the same echo width now means a longer distance (the model keeps 331.3 m/s).
        DistanceSensor s = driver.sensor("sonar").orElseThrow();
        s.setTemperature(30);
        double c30 = 331.3 * Math.sqrt(1 + 30 / 273.15);
        assertEquals(c30, s.speedOfSound(), 1e-9);
        Event warm = awaitEvent(ok().and(ev -> (Double) ev.getProperty(HcSr04Events.SPEED_OF_SOUND) == c30));
        assertEquals(2.0 * c30 / c0, (Double) warm.getProperty(HcSr04Events.DISTANCE), 1e-6);
        assertTrue(sim.echoes() >= 2);
    }

    @Test
    void noEchoTimesOutNamingTheDeviceAndRecovers() throws Exception {
        HcSr04Sim sim = HcSr04Sim.attach(bed.mock(), TRIG, ECHO).outOfRange();
        bed.register(driver, "hc-sr04");
        bed.addDevice("sonar", "hc-sr04", "gpios", new int[] {TRIG, ECHO}, "timeout-ms", 20, "poll-ms", 60);
        Event e = awaitEvent(ev -> ev.getProperty(HcSr04Events.ERROR) != null);
        String why = (String) e.getProperty(HcSr04Events.ERROR);
        assertTrue(why.contains("sonar") && why.contains("GPIO 24") && why.contains("no echo"), why);
        assertTrue(Double.isNaN((Double) e.getProperty(HcSr04Events.DISTANCE)));
        DistanceSensor s = driver.sensor("sonar").orElseThrow();
        assertTrue(s.failed());
        assertTrue(s.timeouts() >= 1);
        assertEquals(why, s.lastError().orElseThrow());
        assertTrue(s.latest().isEmpty());
        assertEquals(0, sim.echoes());

        // The target comes into range: the next complete echo is a reading again. The 20 ms timeout is a wall-clock
        // bound, so on a loaded machine a few more may time out first; wait for a good one.
        sim.distance(1.0);
        awaitEvent(ok().and(distance(1.0)));
        assertEquals(1.0, s.latest().orElseThrow().distanceMeters(), 1e-6);
    }

    @Test
    void errorsNameControllerLinesAsTheBoardFileDoes() throws Exception {
        bed.register(new MemoryGpioController(8), "test,gpio");
        bed.register(driver, "hc-sr04");
        bed.addDevice("expander0", "test,gpio");
        DeviceInfo d = bed.addDevice("sonar", "hc-sr04", "gpios", new String[] {"expander0:0", "expander0:1"},
                "timeout-ms", 10);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        String why = (String) awaitEvent(ev -> ev.getProperty(HcSr04Events.ERROR) != null)
                .getProperty(HcSr04Events.ERROR);
        assertTrue(why.startsWith("hc-sr04 sonar: no echo on GPIO expander0:1 within 10 ms of the trigger on GPIO "
                + "expander0:0"), why);
        DeviceInfo same = bed.addDevice("sonar2", "hc-sr04", "gpios", new String[] {"expander0:2", "expander0:2"});
        assertEquals(DeviceState.FAILED, same.state());
        assertTrue(same.reason().endsWith("got [expander0:2, expander0:2]"), same.reason());
    }

    @Test
    void anAbsentSensorIsAClearError() throws Exception {
        bed.register(driver, "hc-sr04");
        bed.addDevice("sonar", "hc-sr04", "gpios", new int[] {TRIG, ECHO}, "timeout-ms", 10);
        Event e = awaitEvent(ev -> ev.getProperty(HcSr04Events.ERROR) != null);
        assertTrue(((String) e.getProperty(HcSr04Events.ERROR)).startsWith("hc-sr04 sonar: no echo on GPIO 24"));
        assertEquals(DeviceState.BOUND, bed.device("sonar").state(), "a missing echo is a reading error, not a probe failure");
    }

    @Test
    void badNodesFailNamingDeviceAndKey() {
        bed.register(driver, "hc-sr04");
        assertFailed(bed.addDevice("a", "hc-sr04", "poll-ms", 100), "a", "gpios");
        assertFailed(bed.addDevice("b", "hc-sr04", "gpios", TRIG), "b", "gpios", "two different");
        assertFailed(bed.addDevice("c", "hc-sr04", "gpios", new int[] {TRIG, TRIG}), "c", "gpios");
        assertFailed(bed.addDevice("d", "hc-sr04", "gpios", new int[] {TRIG, ECHO}, "poll-ms", 10), "d", "poll-ms");
        assertFailed(bed.addDevice("e", "hc-sr04", "gpios", new int[] {TRIG, ECHO}, "temperature", 20.0,
                "speed-of-sound", 340.0), "e", "temperature", "not both");
        assertFailed(bed.addDevice("f", "hc-sr04", "gpios", new int[] {TRIG, ECHO}, "temperature", 500.0), "f",
                "temperature");
        assertFalse(bed.mock().isOpen(TRIG));
        assertFalse(bed.mock().isOpen(ECHO));
        assertEquals(List.of(), deviceKthreads());
    }

    @Test
    void unbindReleasesEverything() throws Exception {
        HcSr04Sim.attach(bed.mock(), TRIG, ECHO).distance(1.0);
        sonar();
        awaitEvent(ok());
        assertEquals(DeviceState.UNBOUND, bed.unbind("sonar").state());
        assertEquals(List.of(), deviceKthreads());
        assertFalse(bed.mock().isOpen(TRIG));
        assertFalse(bed.mock().isOpen(ECHO));
        assertEquals(com.pi4j.io.gpio.digital.DigitalState.LOW, bed.mock().output(TRIG), "trigger left low");
        assertTrue(driver.sensor("sonar").isEmpty());
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static Predicate<Event> ok() {
        return e -> e.getProperty(HcSr04Events.ERROR) == null;
    }

    private static Predicate<Event> distance(double m) {
        return e -> Math.abs((Double) e.getProperty(HcSr04Events.DISTANCE) - m) < 1e-6;
    }

    /** The first event (in order) matching {@code p}, waiting for more as needed. */
    private Event awaitEvent(Predicate<Event> p) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int n = 1; System.nanoTime() < deadline; n++) {
            Event e = events.await(n, WAIT).get(n - 1);
            if (p.test(e)) {
                return e;
            }
        }
        throw new AssertionFailedError("no matching event within " + WAIT + ": "
                + RecordingEventAdmin.describe(events.events()));
    }
}
