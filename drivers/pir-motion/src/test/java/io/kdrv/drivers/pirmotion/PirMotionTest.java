package io.kdrv.drivers.pirmotion;
import io.kdrv.testing.RecordingEventAdmin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.deviceKthreads;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.pirmotion.internal.PirMotionDriver;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.MemoryGpioController;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.service.event.Event;

/** pir-motion on the mock board: the sensor output is driven by the simulation. */
class PirMotionTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final int LINE = 4;

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final PirMotionDriver driver = new PirMotionDriver(events);

    private static boolean motion(Event e) {
        return (Boolean) e.getProperty(MotionEvents.MOTION);
    }

    @Test
    void aSensorOnAControllerLineIsNamedAsTheBoardFileDoes() throws Exception {
        MemoryGpioController expander = new MemoryGpioController(8);
        bed.register(expander, "test,gpio");
        bed.register(driver, "pir-motion");
        bed.addDevice("expander0", "test,gpio");
        DeviceInfo d = bed.addDevice("hall", "pir-motion", "gpios", new String[] {"expander0:4"});
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        expander.setInput("expander0", 4, true);
        assertTrue(motion(events.await(1, WAIT).get(0)));
        String shown = driver.sensor("hall").orElseThrow().toString();
        assertTrue(shown.startsWith("pir hall (line expander0:4, motion"), shown);
    }

    @Test
    void motionStartAndEndWithoutHold() throws Exception {
        bed.register(driver, "pir-motion");
        DeviceInfo d = bed.addDevice("hall", "pir-motion", "gpios", LINE);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(List.of("irq/4-hall", "pir/hall"), deviceKthreads());

        bed.mock().setInput(LINE, true);
        List<Event> got = events.await(1, WAIT);
        assertTrue(motion(got.get(0)));
        assertEquals("hall", got.get(0).getProperty(MotionEvents.DEVICE));
        assertEquals(0L, got.get(0).getProperty(MotionEvents.DURATION), "no previous motion");
        assertEquals(1L, got.get(0).getProperty(MotionEvents.COUNT));
        assertTrue(driver.sensor("hall").orElseThrow().motion());
        // published to the sensor channels before the event was posted (same worker kthread)
        List<io.kdrv.driver.SensorReading> r = bed.manager().sensor("hall").orElseThrow().readings();
        assertEquals("motion", r.get(0).channel());
        assertEquals(1.0, r.get(0).value());
        assertEquals(1.0, r.get(1).value(), "motions");

        bed.mock().setInput(LINE, false);
        got = events.await(2, WAIT);
        Event end = got.get(1);
        assertEquals(MotionEvents.TOPIC, end.getTopic());
        assertFalse(motion(end));
        long duration = (Long) end.getProperty(MotionEvents.DURATION);
        assertTrue(duration >= 0 && duration < WAIT.toMillis(), "duration " + duration);
        assertTrue((Long) end.getProperty(MotionEvents.TIMESTAMP) >= (Long) got.get(0).getProperty(
                MotionEvents.TIMESTAMP));
        assertFalse(driver.sensor("hall").orElseThrow().motion());
        assertEquals(1, driver.sensor("hall").orElseThrow().motions());
    }

    @Test
    void retriggerWithinHoldIsOneMotion() throws Exception {
        bed.register(driver, "pir-motion");
        // Wide hold so a loaded machine cannot let it expire between the test's back-to-back edges.
        bed.addDevice("hall", "pir-motion", "gpios", LINE, "hold-ms", 500);

        bed.mock().pulse(LINE);            // motion, then low: the hold starts
        bed.mock().pulse(LINE);            // re-triggered within the hold: same motion
        bed.mock().pulse(LINE, Duration.ofMillis(30));
        List<Event> got = events.await(2, WAIT); // start, then end once the hold expired

        assertEquals(2, got.size(), RecordingEventAdmin.describe(got));
        assertTrue(motion(got.get(0)));
        assertFalse(motion(got.get(1)));
        long duration = (Long) got.get(1).getProperty(MotionEvents.DURATION);
        assertTrue(duration >= 30, "first rise to last fall spans the 30 ms pulse: " + duration);
        assertTrue(duration < 500, "the hold is not part of the duration: " + duration);
        assertEquals(1, driver.sensor("hall").orElseThrow().motions());
        assertEquals(duration, driver.sensor("hall").orElseThrow().lastDurationMillis());
    }

    @Test
    void aNewMotionAfterTheHoldReportsThePreviousDuration() throws Exception {
        bed.register(driver, "pir-motion");
        bed.addDevice("hall", "pir-motion", "gpios", LINE, "hold-ms", 20);
        bed.mock().pulse(LINE, Duration.ofMillis(25));
        List<Event> got = events.await(2, WAIT);
        long first = (Long) got.get(1).getProperty(MotionEvents.DURATION);

        bed.mock().setInput(LINE, true);
        got = events.await(3, WAIT);
        assertTrue(motion(got.get(2)));
        assertEquals(first, got.get(2).getProperty(MotionEvents.DURATION));
        assertEquals(2L, got.get(2).getProperty(MotionEvents.COUNT));
    }

    @Test
    void eventsStrictlyAlternateUnderAnEdgeFlood() throws Exception {
        bed.register(driver, "pir-motion");
        bed.addDevice("hall", "pir-motion", "gpios", LINE);
        bed.mock().burst(LINE, 101); // ends high: 51 starts, 50 ends
        List<Event> got = events.await(101, WAIT);
        assertEquals(101, got.size());
        for (int i = 0; i < got.size(); i++) {
            assertEquals(i % 2 == 0, motion(got.get(i)), "event " + i);
        }
        assertEquals(51L, got.getLast().getProperty(MotionEvents.COUNT));
        assertTrue(driver.sensor("hall").orElseThrow().motion());
    }

    @Test
    void aSensorAlreadyHighAtProbeIsAMotionInProgress() throws Exception {
        bed.mock().setInput(LINE, true);
        bed.register(driver, "pir-motion");
        bed.addDevice("hall", "pir-motion", "gpios", LINE);
        List<Event> got = events.await(1, WAIT);
        assertTrue(motion(got.get(0)));
        bed.mock().setInput(LINE, false);
        assertFalse(motion(events.await(2, WAIT).get(1)));
    }

    @Test
    void unbindLeavesNothingBehind() throws Exception {
        bed.register(driver, "pir-motion");
        bed.addDevice("hall", "pir-motion", "gpios", LINE, "hold-ms", 60_000);
        bed.mock().pulse(LINE); // the hold timer is now pending for a minute
        events.await(1, WAIT);

        assertEquals(DeviceState.UNBOUND, bed.unbind("hall").state());
        assertEquals(List.of(), deviceKthreads());
        assertFalse(bed.mock().isOpen(LINE));
        assertTrue(driver.sensor("hall").isEmpty());
    }

    @Test
    void worksWithoutEventAdmin() {
        PirMotionDriver plain = new PirMotionDriver();
        bed.register(plain, "pir-motion");
        bed.addDevice("hall", "pir-motion", "gpios", LINE);
        bed.mock().pulse(LINE);
        bed.mock().pulse(LINE);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (plain.sensor("hall").orElseThrow().motions() < 2 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000); // bounded polling of a condition
        }
        assertEquals(2, plain.sensor("hall").orElseThrow().motions());
    }

    @Test
    void badNodesFailNamingTheKey() {
        bed.register(driver, "pir-motion");
        assertFailed(bed.addDevice("a", "pir-motion", "hold-ms", 10), "a", "gpios");
        assertFailed(bed.addDevice("b", "pir-motion", "gpios", new int[] {4, 5}), "b", "gpios", "exactly one");
        assertFailed(bed.addDevice("c", "pir-motion", "gpios", LINE, "hold-ms", -1), "c", "hold-ms");
        assertFalse(bed.mock().isOpen(LINE));
    }
}
