package io.kdrv.drivers.gpiokeys;
import io.kdrv.testing.RecordingEventAdmin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.assertNoKthread;

import io.kdrv.board.LineInfo;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.gpiokeys.internal.GpioKeysDriver;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.MemoryGpioController;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.service.event.Event;

/** gpio-keys on the mock board: buttons driven by the simulation, events checked in order. */
class GpioKeysTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final GpioKeysDriver driver = new GpioKeysDriver(events);

    private static boolean pressed(Event e) {
        return (Boolean) e.getProperty(KeyEvents.PRESSED);
    }

    @Test
    void pressAndReleasePublishKeyEventsWithAllProperties() throws Exception {
        bed.register(driver, "gpio-keys");
        DeviceInfo d = bed.addDevice("button0", "gpio-keys", "gpios", new int[] {17}, "linux,code", new int[] {28},
                "debounce-ms", 0);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertTrue(bed.mock().isOpen(17));

        bed.mock().setInput(17, true);
        bed.mock().setInput(17, false);
        List<Event> got = events.await(2, WAIT);

        assertEquals(2, got.size(), RecordingEventAdmin.describe(got));
        Event press = got.get(0);
        assertEquals(KeyEvents.TOPIC, press.getTopic());
        assertEquals("button0", press.getProperty(KeyEvents.DEVICE));
        assertEquals(17, press.getProperty(KeyEvents.LINE));
        assertEquals("17", press.getProperty(KeyEvents.LINE_NAME), "a SoC line is named by its number");
        assertEquals(28, press.getProperty(KeyEvents.CODE));
        assertEquals("KEY_28", press.getProperty(KeyEvents.LABEL));
        assertTrue(pressed(press));
        assertEquals(1L, press.getProperty(KeyEvents.PRESSES));
        assertFalse(pressed(got.get(1)));
        long t0 = (Long) press.getProperty(KeyEvents.TIMESTAMP);
        assertTrue(Math.abs(System.currentTimeMillis() - t0) < 60_000, "epoch milliseconds: " + t0);
        assertTrue((Long) got.get(1).getProperty(KeyEvents.TIMESTAMP_NANOS)
                >= (Long) press.getProperty(KeyEvents.TIMESTAMP_NANOS), "edge order");

        GpioKeys keys = driver.keys("button0").orElseThrow();
        assertEquals(1, keys.totalPresses());
        assertEquals(List.of(new GpioKeys.Key(17, 28, "KEY_28", false, 1)), keys.keys());
    }

    @Test
    void repeatedPressesArriveInOrderAndAreCounted() throws Exception {
        bed.register(driver, "gpio-keys");
        bed.addDevice("button0", "gpio-keys", "gpios", 17, "codes", 30, "labels", "A", "debounce-ms", 0);

        for (int i = 0; i < 5; i++) {
            bed.mock().pulse(17); // press + release, back to back
        }
        List<Event> got = events.await(10, WAIT);

        assertEquals(10, got.size());
        for (int i = 0; i < 10; i++) {
            assertEquals(i % 2 == 0, pressed(got.get(i)), "event " + i + RecordingEventAdmin.describe(got));
            assertEquals((long) (i / 2 + 1), got.get(i).getProperty(KeyEvents.PRESSES));
            assertEquals("A", got.get(i).getProperty(KeyEvents.LABEL));
        }
        assertEquals(5, driver.keys("button0").orElseThrow().totalPresses());
    }

    @Test
    void bouncingContactGivesOnePressPerDebounceWindow() throws Exception {
        bed.register(driver, "gpio-keys");
        // A wide window so that a loaded machine cannot stretch the burst beyond it.
        bed.addDevice("button0", "gpio-keys", "gpios", 17, "codes", 28, "debounce-ms", 300);

        long start = System.nanoTime();
        bed.mock().burst(17, 7); // press with bounces: 7 edges, ends high (pressed)
        events.await(1, WAIT);
        elapseSince(start, Duration.ofMillis(400)); // let the debounce window close
        bed.mock().setInput(17, false); // clean release after the window
        List<Event> got = events.await(2, WAIT);

        assertEquals(2, got.size(), RecordingEventAdmin.describe(got));
        assertTrue(pressed(got.get(0)));
        assertFalse(pressed(got.get(1)));
        assertEquals(1, driver.keys("button0").orElseThrow().totalPresses());
    }

    @Test
    void aBouncingPressAndABouncingReleaseEndInARelease() throws Exception {
        bed.register(driver, "gpio-keys");
        bed.addDevice("button0", "gpio-keys", "gpios", 17, "codes", 28, "debounce-ms", 100);

        bed.mock().burst(17, 7); // press with bounces: ends high
        events.await(1, WAIT);
        bed.mock().burst(17, 7); // release with bounces: ends low; the last edges must not be lost
        List<Event> got = events.await(2, WAIT);

        assertEquals(2, got.size(), RecordingEventAdmin.describe(got));
        assertTrue(pressed(got.get(0)));
        assertFalse(pressed(got.get(1)), "ends in a release event");
        assertEquals(List.of(new GpioKeys.Key(17, 28, "KEY_28", false, 1)),
                driver.keys("button0").orElseThrow().keys());
    }

    @Test
    void aBurstOfEightEdgesNeverLeavesTheKeyPressed() throws Exception {
        bed.register(driver, "gpio-keys");
        bed.addDevice("button0", "gpio-keys", "gpios", 17, "codes", 28, "debounce-ms", 100);

        bed.mock().burst(17, 8); // a tap with bounces, back to released
        awaitSettled(17, 8);
        List<Boolean> got = events.events().stream().map(GpioKeysTest::pressed).toList();
        assertTrue(got.isEmpty() || got.getLast() == Boolean.FALSE, "ends released: " + got);
        assertFalse(driver.keys("button0").orElseThrow().keys().getFirst().pressed(), "not stuck pressed");
    }

    @Test
    void aTapShorterThanTheWindowIsPressAndReleaseOrNothing() throws Exception {
        bed.register(driver, "gpio-keys");
        bed.addDevice("button0", "gpio-keys", "gpios", 17, "codes", 28, "debounce-ms", 200);

        for (int tap = 1; tap <= 3; tap++) {
            bed.mock().pulse(17); // 0 ms wide: far shorter than the window
            awaitSettled(17, 2L * tap);
            List<Boolean> got = events.events().stream().map(GpioKeysTest::pressed).toList();
            assertEquals(0, got.size() % 2, "press and release come in pairs: " + got);
            for (int i = 0; i < got.size(); i++) {
                assertEquals(i % 2 == 0, got.get(i), "event " + i + " of " + got);
            }
            assertFalse(driver.keys("button0").orElseThrow().keys().getFirst().pressed(), "not stuck pressed");
        }
    }

    /** Bounded wait until the line's IRQ has seen {@code edges} edges and none is pending any more. */
    private void awaitSettled(int line, long edges) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            LineInfo l = bed.board().lines().stream().filter(i -> i.line() == line).findFirst().orElseThrow();
            if (l.edges() == edges && l.handled() + l.debounced() + l.overflows() == edges) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("GPIO " + line + " did not settle: " + l);
            }
            LockSupport.parkNanos(1_000_000); // bounded polling of a condition
        }
    }

    @Test
    void activeLowKeysWithLabelsReportTheirOwnLines() throws Exception {
        bed.mock().setInput(5, true);   // pulled up: released
        bed.mock().setInput(6, true);
        bed.register(driver, "gpio-keys");
        bed.addDevice("pad", "gpio-keys", "gpios", new int[] {5, 6}, "labels", new String[] {"up", "down"},
                "active-low", true, "debounce-ms", 0);

        bed.mock().setInput(6, false);  // press "down"
        List<Event> got = events.await(1, WAIT);
        assertEquals("down", got.get(0).getProperty(KeyEvents.LABEL));
        assertEquals(6, got.get(0).getProperty(KeyEvents.LINE));
        assertEquals(0, got.get(0).getProperty(KeyEvents.CODE));
        assertTrue(pressed(got.get(0)));

        bed.mock().setInput(5, false);  // press "up"
        got = events.await(2, WAIT);
        assertEquals("up", got.get(1).getProperty(KeyEvents.LABEL));
        assertTrue(pressed(got.get(1)));

        List<GpioKeys.Key> keys = driver.keys("pad").orElseThrow().keys();
        assertEquals(List.of(new GpioKeys.Key(5, 0, "up", true, 1), new GpioKeys.Key(6, 0, "down", true, 1)), keys);
    }

    @Test
    void pullUpActiveLowFlagsMakeAnUnconnectedButtonReleased() throws Exception {
        bed.register(driver, "gpio-keys");
        // Nothing drives the lines: the pull-ups hold them high, which active-low reads as released.
        DeviceInfo d = bed.addDevice("pad", "gpio-keys", "gpios", new int[] {5, 6}, "labels",
                new String[] {"up", "down"}, "gpio-flags", "pull-up|active-low", "debounce-ms", 0);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(List.of(new GpioKeys.Key(5, 0, "up", false, 0), new GpioKeys.Key(6, 0, "down", false, 0)),
                driver.keys("pad").orElseThrow().keys());

        bed.mock().setInput(6, false);  // the button shorts the line to ground
        List<Event> got = events.await(1, WAIT);
        assertEquals("down", got.get(0).getProperty(KeyEvents.LABEL));
        assertTrue(pressed(got.get(0)));
        bed.mock().disconnect(6);       // let go: the pull-up wins again
        got = events.await(2, WAIT);
        assertFalse(pressed(got.get(1)));
    }

    @Test
    void badLineFlagsFailTheDeviceNamingTheKeyAndOthersKeepWorking() throws Exception {
        bed.register(driver, "gpio-keys");
        assertFailed(bed.addDevice("k1", "gpio-keys", "gpios", 17, "codes", 1, "gpio-flags", "pull-up|pull-down"),
                "device k1", "key 'gpio-flags'", "pull-up conflicts with pull-down");
        assertFailed(bed.addDevice("k2", "gpio-keys", "gpios", 18, "codes", 1, "gpio-flags", "pullup"),
                "device k2", "key 'gpio-flags'", "unknown flag 'pullup'");
        assertFalse(bed.mock().isOpen(17), "nothing claimed for a bad node");
        DeviceInfo ok = bed.addDevice("k3", "gpio-keys", "gpios", 19, "codes", 2, "gpio-flags", "pull-down",
                "debounce-ms", 0);
        assertEquals(DeviceState.BOUND, ok.state(), ok.reason());
        bed.mock().pulse(19);
        assertEquals(2, events.await(2, WAIT).size());
    }

    @Test
    void oneIrqKthreadPerKeyWhileBoundAndNoneAfterUnbind() throws Exception {
        bed.register(driver, "gpio-keys");
        bed.addDevice("pad", "gpio-keys", "gpios", new int[] {5, 6}, "codes", new int[] {103, 108});
        List<String> names = Kthreads.list().stream().map(KthreadInfo::name).filter(n -> n.startsWith("irq/"))
                .sorted().toList();
        assertEquals(List.of("irq/5-pad", "irq/6-pad"), names);

        DeviceInfo d = bed.unbind("pad");
        assertEquals(DeviceState.UNBOUND, d.state());
        assertFalse(bed.mock().isOpen(5), "line released");
        assertFalse(bed.mock().isOpen(6), "line released");
        assertNoKthread("irq/");
        assertTrue(driver.keys("pad").isEmpty());

        bed.mock().pulse(5); // nobody listens any more
        assertEquals(List.of(), events.events());
    }

    @Test
    void worksWithoutEventAdmin() throws Exception {
        GpioKeysDriver plain = new GpioKeysDriver();
        bed.register(plain, "gpio-keys");
        bed.addDevice("button0", "gpio-keys", "gpios", 17, "codes", 28, "debounce-ms", 0);
        bed.mock().pulse(17);
        bed.mock().pulse(17);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (plain.keys("button0").orElseThrow().totalPresses() < 2 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000); // bounded polling of a condition
        }
        assertEquals(2, plain.keys("button0").orElseThrow().totalPresses());
    }

    @Test
    void badNodesFailNamingDeviceAndKey() {
        bed.register(driver, "gpio-keys");
        assertFailed(bed.addDevice("k1", "gpio-keys", "codes", 28), "k1", "gpios");
        assertFailed(bed.addDevice("k2", "gpio-keys", "gpios", 17), "k2", "linux,code");
        assertFailed(bed.addDevice("k3", "gpio-keys", "gpios", new int[] {17, 18}, "linux,code", 28), "k3",
                "linux,code");
        assertFailed(bed.addDevice("k4", "gpio-keys", "gpios", 17, "labels", new String[] {"a", "b"}), "k4",
                "labels");
        assertFailed(bed.addDevice("k5", "gpio-keys", "gpios", 17, "codes", 1, "debounce-ms", -5), "k5",
                "debounce-ms");
        assertFailed(bed.addDevice("k6", "gpio-keys", "gpios", new int[] {17, 17}, "codes", new int[] {1, 2}),
                "k6", "listed twice");
        assertFalse(bed.mock().isOpen(17), "failed probes release what they claimed");
    }

    @Test
    void keysOnControllerLinesAreNamedAsTheBoardFileNamesThem() throws Exception {
        MemoryGpioController expander = new MemoryGpioController(8);
        bed.register(expander, "test,gpio");
        bed.register(driver, "gpio-keys");
        bed.addDevice("expander0", "test,gpio");
        DeviceInfo d = bed.addDevice("keys", "gpio-keys", "gpios", new String[] {"17", "expander0:3"},
                "codes", new int[] {1, 2}, "debounce-ms", 0);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        expander.setInput("expander0", 3, true);
        Event press = events.await(1, WAIT).get(0);
        assertEquals("expander0:3", press.getProperty(KeyEvents.LINE_NAME));
        assertEquals(512 + 3, press.getProperty(KeyEvents.LINE), "the numeric property stays for tools");

        DeviceInfo twice = bed.addDevice("k2", "gpio-keys", "gpios", new String[] {"expander0:5", "expander0:5"},
                "codes", new int[] {1, 2});
        assertEquals(DeviceState.FAILED, twice.state());
        assertEquals("device k2: key 'gpios': line expander0:5 is listed twice", twice.reason());
    }

    @Test
    void aLineOwnedByAnotherDeviceFailsTheSecondProbe() {
        bed.register(driver, "gpio-keys");
        assertEquals(DeviceState.BOUND, bed.addDevice("k1", "gpio-keys", "gpios", 17, "codes", 1).state());
        DeviceInfo second = bed.addDevice("k2", "gpio-keys", "gpios", new int[] {18, 17}, "codes", new int[] {2, 3});
        assertEquals(DeviceState.FAILED, second.state());
        assertTrue(second.reason().contains("k1"), "names the owner: " + second.reason());
        assertFalse(bed.mock().isOpen(18), "the line claimed before the failure was released");
        assertEquals(DeviceState.BOUND, bed.device("k1").state());
    }

    /** Lets real time pass until {@code since + d} (a debounce window must close); not a synchronisation device. */
    private static void elapseSince(long since, Duration d) {
        for (long left = since + d.toNanos() - System.nanoTime(); left > 0; left = since + d.toNanos()
                - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }
}
