package io.kdrv.drivers.ledsgpio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.assertNoKthread;

import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.mock.LevelChange;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.ledsgpio.internal.Led;
import io.kdrv.drivers.ledsgpio.internal.LedsGpioDriver;
import io.kdrv.drivers.ledsgpio.internal.Trigger;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.MemoryGpioController;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

/**
 * gpio-leds on the mock board: trigger patterns observed in the output history. Assertions are on order and
 * counts, and on periods averaged over many cycles (medians, so single edges made late by a loaded machine do not
 * decide the result), never on single-edge timing.
 */
class LedsGpioTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final LedsGpioDriver driver = new LedsGpioDriver();

    /** The output history with repeated levels collapsed: only real transitions. */
    private List<LevelChange> transitions(int line) {
        List<LevelChange> out = new ArrayList<>();
        for (LevelChange c : bed.mock().outputHistory(line)) {
            if (out.isEmpty() || out.getLast().level() != c.level()) {
                out.add(c);
            }
        }
        return out;
    }

    /** Rising edges of {@code line} once at least {@code count} of them happened (bounded polling). */
    private List<Long> awaitRises(int line, int count) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (;;) {
            List<Long> rises = transitions(line).stream().filter(LevelChange::high).map(LevelChange::timestampNanos)
                    .toList();
            if (rises.size() >= count) {
                return rises;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionFailedError("line " + line + ": " + rises.size() + " of " + count
                        + " rising edges within " + WAIT.toSeconds() + " s; history " + transitions(line));
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    private static void assertAlternates(List<LevelChange> transitions) {
        for (int i = 1; i < transitions.size(); i++) {
            assertTrue(transitions.get(i).level() != transitions.get(i - 1).level(), transitions.toString());
            assertTrue(transitions.get(i).timestampNanos() >= transitions.get(i - 1).timestampNanos());
        }
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    @Test
    void steadyTriggersSetTheLevelWithoutAThread() {
        bed.register(driver, "gpio-leds");
        DeviceInfo d = bed.addDevice("leds", "gpio-leds", "gpios", new int[] {20, 21}, "labels",
                new String[] {"power", "fault"}, "trigger", new String[] {"default-on", "none"});
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(DigitalState.HIGH, bed.mock().output(20));
        assertEquals(DigitalState.LOW, bed.mock().output(21));
        assertNoKthread("led/");
        List<Led> leds = driver.leds("leds").orElseThrow();
        assertEquals(List.of("power", "fault"), leds.stream().map(Led::label).toList());
        assertEquals(List.of(Trigger.DEFAULT_ON, Trigger.NONE), leds.stream().map(Led::trigger).toList());
        assertTrue(leds.get(0).on());
    }

    @Test
    void timerTriggerBlinksOnThenOffAtTheConfiguredPeriod() {
        bed.register(driver, "gpio-leds");
        bed.addDevice("status", "gpio-leds", "gpios", 27, "trigger", "timer", "delay-on-ms", 20,
                "delay-off-ms", 40);
        assertEquals(List.of("led/status"), Kthreads.list().stream().map(KthreadInfo::name)
                .filter(n -> n.startsWith("led/")).toList());

        List<Long> rises = awaitRises(27, 12);
        List<LevelChange> t = transitions(27);
        assertAlternates(t);
        // on-times are shorter than off-times (20 vs 40 ms); medians, so one edge made late by a loaded machine
        // cannot turn the result
        List<Long> on = new ArrayList<>();
        List<Long> off = new ArrayList<>();
        for (int i = 1; i < t.size(); i++) {
            long dt = t.get(i).timestampNanos() - t.get(i - 1).timestampNanos();
            if (t.get(i - 1).high()) {
                on.add(dt);
            } else if (i > 1) { // the first LOW is the open/probe level, not a pattern phase
                off.add(dt);
            }
        }
        assertTrue(median(on) < median(off), "median on " + millis(median(on)) + " ms vs off "
                + millis(median(off)) + " ms");
        List<Long> periods = new ArrayList<>();
        for (int i = 1; i < rises.size(); i++) {
            periods.add(rises.get(i) - rises.get(i - 1));
        }
        assertEquals(60.0, millis(median(periods)), 15.0, "median period over " + periods.size() + " cycles");
    }

    private static long median(List<Long> xs) {
        List<Long> sorted = xs.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    @Test
    void heartbeatIsADoubleBlinkPerPeriod() {
        bed.register(driver, "gpio-leds");
        bed.addDevice("heart", "gpio-leds", "gpios", 22, "trigger", "heartbeat", "period-ms", 400);
        // Beats at 0 and 100 ms of every 400 ms cycle (70 ms flashes): rise intervals alternate 100 / 300 ms.
        List<Long> rises = awaitRises(22, 9);
        assertAlternates(transitions(22));
        List<Long> shorts = new ArrayList<>();
        List<Long> longs = new ArrayList<>();
        List<Long> cycles = new ArrayList<>();
        for (int i = 0; i + 2 < rises.size(); i += 2) {
            shorts.add(rises.get(i + 1) - rises.get(i));
            longs.add(rises.get(i + 2) - rises.get(i + 1));
            cycles.add(rises.get(i + 2) - rises.get(i));
        }
        assertTrue(median(shorts) * 2 < median(longs), "first beat to second (" + millis(median(shorts))
                + " ms median) is much shorter than second to next first (" + millis(median(longs)) + " ms median)");
        assertEquals(400.0, millis(median(cycles)), 80.0, "median heartbeat period");
        assertEquals(2, driver.leds("heart").orElseThrow().getFirst().pattern().flashesPerCycle());
    }

    @Test
    void removeStopsThePatternAndLeavesTheLedOff() {
        bed.register(driver, "gpio-leds");
        bed.addDevice("status", "gpio-leds", "gpios", 27, "trigger", "timer", "delay-on-ms", 5,
                "delay-off-ms", 5);
        awaitRises(27, 3);

        assertEquals(DeviceState.UNBOUND, bed.unbind("status").state());
        assertNoKthread("led/");
        assertEquals(DigitalState.LOW, bed.mock().output(27), "off after remove");
        assertFalse(bed.mock().isOpen(27), "pin released");
        List<LevelChange> h = bed.mock().outputHistory(27);
        assertEquals(DigitalState.LOW, h.getLast().level(), "last recorded level is off: " + h);
    }

    @Test
    void activeLowLedIsOffAtHighLevel() {
        bed.register(driver, "gpio-leds");
        bed.addDevice("act", "gpio-leds", "gpios", 23, "trigger", "default-on", "active-low", true);
        assertEquals(DigitalState.LOW, bed.mock().output(23), "on = low");
        bed.unbind("act");
        // The driver turns the LED off (HIGH) before devres releases the pin, and the pin was claimed with HIGH as its
        // off state, so the board leaves it HIGH after unplug: an unplugged active-low LED stays dark.
        assertEquals(DigitalState.HIGH, bed.mock().output(23), "released line stays at the off level");
        List<LevelChange> h = transitions(23);
        assertEquals(DigitalState.HIGH, h.get(0).level(), "claimed dark before the trigger lit it: " + h);
        assertEquals(List.of(DigitalState.HIGH, DigitalState.LOW, DigitalState.HIGH),
                h.stream().map(LevelChange::level).toList(), h.toString());
        assertFalse(bed.mock().isOpen(23));
    }

    @Test
    void activeLowFlagDrivesTheLineLowWhenLitAndOpenDrainReleasesIt() {
        bed.register(driver, "gpio-leds");
        DeviceInfo d = bed.addDevice("sink", "gpio-leds", "gpios", new int[] {23, 24}, "trigger", "default-on",
                "gpio-flags", new String[] {"active-low", "active-low|open-drain"});
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(DigitalState.LOW, bed.mock().output(23), "on = low");
        assertEquals(DigitalState.LOW, bed.mock().output(24));
        assertTrue(bed.mock().outputDriven(24), "open drain sinks the LED current");
        bed.unbind("sink");
        assertEquals(DigitalState.HIGH, bed.mock().output(23), "released line stays at the off level");
        assertEquals(DigitalState.HIGH, bed.mock().output(24), "open drain released: the pull-up keeps it dark");
        assertEquals(List.of(DigitalState.HIGH, DigitalState.LOW, DigitalState.HIGH),
                transitions(23).stream().map(LevelChange::level).toList());
    }

    @Test
    void badLineFlagsFailNamingDeviceAndKey() {
        bed.register(driver, "gpio-leds");
        DeviceInfo d = bed.addDevice("bad", "gpio-leds", "gpios", 25, "gpio-flags", "open-drain|open-source");
        assertEquals(DeviceState.FAILED, d.state());
        assertTrue(d.reason().contains("device bad: key 'gpio-flags'"), d.reason());
        assertFalse(bed.mock().isOpen(25));
    }

    @Test
    void timerWithOneZeroDelayIsSteadyAndNoDelaysBlinksAtLinuxDefault() {
        bed.register(driver, "gpio-leds");
        bed.addDevice("on", "gpio-leds", "gpios", 24, "trigger", "timer", "delay-on-ms", 100, "delay-off-ms", 0);
        assertEquals(DigitalState.HIGH, bed.mock().output(24));
        assertTrue(Kthreads.list().stream().noneMatch(k -> k.name().equals("led/on")));

        bed.addDevice("blink", "gpio-leds", "gpios", 25, "trigger", "timer");
        Led led = driver.leds("blink").orElseThrow().getFirst();
        assertEquals(Duration.ofMillis(1000), led.pattern().period(), "500 ms on + 500 ms off");
        assertTrue(Kthreads.list().stream().anyMatch(k -> k.name().equals("led/blink")));
    }

    @Test
    void unknownTriggerFailsNamingDeviceKeyAndAllowedValues() {
        bed.register(driver, "gpio-leds");
        DeviceInfo d = bed.addDevice("disco", "gpio-leds", "gpios", 27, "trigger", "strobe");
        assertEquals(DeviceState.FAILED, d.state());
        for (String f : List.of("disco", "trigger", "strobe", "none, default-on, timer, heartbeat")) {
            assertTrue(d.reason().contains(f), "'" + f + "' in: " + d.reason());
        }
        assertFalse(bed.mock().isOpen(27));
    }

    @Test
    void ledsOnControllerLinesAreNamedAsTheBoardFileNamesThem() {
        MemoryGpioController expander = new MemoryGpioController(8);
        bed.register(expander, "test,gpio");
        bed.register(driver, "gpio-leds");
        bed.addDevice("expander0", "test,gpio");
        DeviceInfo twice = bed.addDevice("leds", "gpio-leds", "gpios", new String[] {"expander0:2", "expander0:2"});
        assertEquals(DeviceState.FAILED, twice.state());
        assertEquals("device leds: key 'gpios': line expander0:2 is listed twice", twice.reason());
        DeviceInfo ok = bed.addDevice("led1", "gpio-leds", "gpios", new String[] {"expander0:2"},
                "trigger", new String[] {"default-on"});
        assertEquals(DeviceState.BOUND, ok.state(), ok.reason());
        assertTrue(expander.output("expander0", 2), "default-on drives the controller line");
    }

    @Test
    void otherBadNodesFailNamingTheKey() {
        bed.register(driver, "gpio-leds");
        assertFailed(bed.addDevice("a", "gpio-leds", "trigger", "none"), "a", "gpios");
        assertFailed(bed.addDevice("b", "gpio-leds", "gpios", 27, "trigger", "heartbeat", "period-ms", 100),
                "b", "period-ms");
        assertFailed(bed.addDevice("c", "gpio-leds", "gpios", 27, "trigger", "timer", "delay-on-ms", -1), "c",
                "delay-on-ms");
        assertFailed(bed.addDevice("d", "gpio-leds", "gpios", new int[] {26, 27}, "trigger",
                new String[] {"none", "none", "none"}), "d", "trigger");
        assertFailed(bed.addDevice("e", "gpio-leds", "gpios", new int[] {26, 27}, "labels", "x"), "e", "labels");
        assertFalse(bed.mock().isOpen(26));
        assertFalse(bed.mock().isOpen(27));
    }

    @Test
    void aFailedProbeLeavesNoPatternThreadAndNoLitLed() {
        bed.register(driver, "gpio-leds");
        bed.addDevice("owner", "gpio-leds", "gpios", 21, "trigger", "none");
        // LED 0 (line 20) starts its pattern, then LED 1 fails on line 21 (owned): devres must undo LED 0.
        DeviceInfo d = bed.addDevice("late", "gpio-leds", "gpios", new int[] {20, 21}, "trigger", "timer",
                "delay-on-ms", 5, "delay-off-ms", 5);
        assertEquals(DeviceState.FAILED, d.state());
        assertTrue(d.reason().contains("owner"), d.reason());
        assertNoKthread("led/late");
        assertEquals(DigitalState.LOW, bed.mock().output(20));
        assertFalse(bed.mock().isOpen(20));
    }
}
