package io.kdrv.drivers.rotary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.deviceKthreads;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.rotary.internal.RotaryEncoderDriver;
import io.kdrv.drivers.rotary.sim.RotaryEncoderSim;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.MemoryGpioController;
import io.kdrv.testing.NodeTemplate;
import io.kdrv.testing.RecordingEventAdmin;
import io.kdrv.testing.await.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.osgi.service.event.Event;

/** rotary-encoder on the mock board, turned by {@link RotaryEncoderSim} with model-timestamped edges. */
@Timeout(120)
class RotaryEncoderTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int A = 5;
    private static final int B = 6;
    private static final int BUTTON = 13;

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final RotaryEncoderDriver driver = new RotaryEncoderDriver(events);

    private final NodeTemplate node = new NodeTemplate(bed, "rotary-encoder", "gpios", new int[] {A, B});

    private DeviceInfo knob(Object... more) {
        bed.register(driver, "rotary-encoder");
        DeviceInfo d = node.add("knob", more);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        return d;
    }

    private RotaryEncoder encoder() {
        return driver.encoder("knob").orElseThrow();
    }

    @Test
    void fullStepDetentsMoveTheAbsolutePosition() throws Exception {
        RotaryEncoderSim sim = RotaryEncoderSim.attach(bed.mock(), A, B);
        knob();
        assertEquals(List.of("irq/5-knob", "irq/6-knob", "rotary/knob"), deviceKthreads());
        sim.turn(3);
        sim.turn(-1);
        List<Event> got = events.await(4, WAIT);
        assertEquals(List.of(1, 2, 3, 2), values(got));
        Event e = got.get(0);
        assertEquals(RotaryEvents.TOPIC, e.getTopic());
        assertEquals("knob", e.getProperty(RotaryEvents.DEVICE));
        assertEquals(RotaryEvents.EV_ABS, e.getProperty(RotaryEvents.TYPE));
        assertEquals(0, e.getProperty(RotaryEvents.CODE));
        assertEquals(2L, got.get(3).getProperty(RotaryEvents.COUNT));
        assertEquals(2, encoder().position());
        assertEquals(0, encoder().lostEdges());
        assertEquals(0, encoder().impossibleTransitions());
    }

    /** The node's mode against a full-step part: one detent is 4 transitions = 1, 2 or 4 steps. */
    @ParameterizedTest
    @CsvSource({"1, 1", "2, 2", "4, 4"})
    void stepsPerPeriodSetsStepsPerDetentOfAFullStepPart(int stepsPerPeriod, int stepsPerDetent) throws Exception {
        RotaryEncoderSim sim = RotaryEncoderSim.attach(bed.mock(), A, B);
        knob("steps-per-period", stepsPerPeriod, "relative-axis", true);
        sim.turn(2);
        sim.turn(-1);
        int n = 3 * stepsPerDetent;
        List<Event> got = events.await(n, WAIT);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add(i < 2 * stepsPerDetent ? 1 : -1);
        }
        assertEquals(expected, values(got));
        assertEquals(RotaryEvents.EV_REL, got.get(0).getProperty(RotaryEvents.TYPE));
        assertEquals((long) stepsPerDetent, encoder().count());
    }

    @Test
    void halfAndQuarterStepPartsDecodeOneStepPerDetent() throws Exception {
        RotaryEncoderSim sim = RotaryEncoderSim.attach(bed.mock(), A, B).stepsPerPeriod(2);
        knob("steps-per-period", 2, "relative-axis", true);
        sim.turn(5); // 10 transitions
        sim.turn(-5);
        assertEquals(10, events.await(10, WAIT).size());
        Await.until("back at 0 after 10 events", () -> encoder().count() == 0 && events.events().size() == 10,
                () -> encoder().toString(), WAIT);
        assertEquals(List.of(1, 1, 1, 1, 1, -1, -1, -1, -1, -1), values(events.events()));
    }

    @Test
    void absoluteAxisRollsOver() throws Exception {
        RotaryEncoderSim sim = RotaryEncoderSim.attach(bed.mock(), A, B);
        knob("steps", 4, "rollover", true);
        sim.turn(-1); // 0 -> 3
        sim.turn(2);  // 3 -> 0 -> 1
        assertEquals(List.of(3, 0, 1), values(events.await(3, WAIT)));
        assertEquals(1, encoder().position());
        assertEquals(1, encoder().count());
    }

    @Test
    void absoluteAxisWithoutRolloverClampsAtZeroAndSteps() throws Exception {
        RotaryEncoderSim sim = RotaryEncoderSim.attach(bed.mock(), A, B);
        knob("steps", 2);
        sim.turn(3);
        sim.turn(-4);
        assertEquals(List.of(1, 2, 2, 1, 0, 0, 0), values(events.await(7, WAIT)));
        assertEquals(0, encoder().position());
        assertEquals(-1, encoder().count(), "the count is not clamped");
    }

    @Test
    void aBurstAcrossTwoIrqThreadsIsDecodedInEdgeOrder() throws Exception {
        RotaryEncoderSim sim = RotaryEncoderSim.attach(bed.mock(), A, B);
        knob("relative-axis", true);
        // 400 edges back to back: the two lines' bottom halves run whenever they get the CPU, in any order
        // relative to each other; the decoder orders them by edge timestamp.
        sim.turn(70);
        sim.turn(-30);
        List<Event> got = events.await(100, WAIT);
        for (int i = 0; i < 100; i++) {
            assertEquals(i < 70 ? 1 : -1, got.get(i).getProperty(RotaryEvents.VALUE), "event " + i);
        }
        Await.until("count 40", () -> encoder().count() == 40, () -> encoder().toString(), WAIT);
        assertEquals(0, encoder().impossibleTransitions());
        assertEquals(0, encoder().lostEdges());
        assertEquals(0, encoder().irqOverflows());
    }

    @Test
    void impossibleTransitionsAreCountedNotStepped() throws Exception {
        RotaryEncoderSim sim = RotaryEncoderSim.attach(bed.mock(), A, B);
        knob("relative-axis", true);
        RotaryEncoder enc = encoder();
        // Both lines change at one instant, twice. Holding the encoder's lock keeps the bottom halves from
        // decoding the first edge of a pair before its partner is queued (the decoder then sees one transition
        // with both lines changed; an edge decoded alone would be a plain quarter step).
        synchronized (enc) {
            sim.glitch();
        }
        Await.until("1 impossible transition", () -> enc.impossibleTransitions() == 1, enc::toString, WAIT);
        synchronized (enc) {
            sim.glitch(); // and back
        }
        sim.turn(1);
        List<Event> got = events.await(1, WAIT);
        Await.until("2 impossible transitions", () -> encoder().impossibleTransitions() == 2,
                () -> encoder().toString(), WAIT);
        assertEquals(List.of(1), values(got));
        assertEquals(1, encoder().count());
        assertEquals(4 + 4, sim.edges());
    }

    @Test
    void fifoOverflowIsCountedAsLostEdges() throws Exception {
        RotaryEncoderSim sim = RotaryEncoderSim.attach(bed.mock(), A, B);
        knob("relative-axis", true);
        RotaryEncoder enc = encoder();
        // Holding the encoder's lock stalls both bottom halves at their first edge, so the FIFOs (1024 edges
        // each) fill up and the rest of the 2800-edge burst (1400 per line) overflows: deterministic, whatever
        // the scheduling.
        synchronized (enc) {
            sim.turn(700);
        }
        Await.until("IRQ overflows", () -> enc.irqOverflows() > 0, enc::toString, WAIT);
        // The gaps in the sequence numbers show once a later edge gets through (the FIFOs are still draining).
        int[] more = {0};
        Await.until("sequence gaps", () -> {
            sim.turn(1);
            more[0]++;
            return enc.lostEdges() > 0;
        }, enc::toString, WAIT);
        assertTrue(enc.lostEdges() <= enc.irqOverflows(), enc.toString());
        assertEquals(0, enc.irqLost(), "the mock kernel drops nothing");
        assertTrue(Math.abs(enc.count()) <= 700 + more[0], enc.toString());
    }

    @Test
    void theButtonReportsKeyEvents() throws Exception {
        RotaryEncoderSim sim = RotaryEncoderSim.attach(bed.mock(), A, B, BUTTON, true);
        knob("button-gpio", BUTTON, "active-low", true, "linux,code", 28, "debounce-ms", 0);
        assertEquals(List.of("irq/13-knob", "irq/5-knob", "irq/6-knob", "rotary/knob"), deviceKthreads());
        sim.press();
        sim.release();
        sim.turn(1); // active-low lines: a resting knob reads high/high, still one step
        List<Event> got = events.await(3, WAIT);
        List<Event> keys = got.stream().filter(e -> RotaryEvents.EV_KEY.equals(e.getProperty(RotaryEvents.TYPE)))
                .toList();
        assertEquals(List.of(1, 0), values(keys));
        assertEquals(28, keys.get(0).getProperty(RotaryEvents.CODE));
        assertEquals(1, encoder().presses());
        assertFalse(encoder().pressed());
        assertEquals(1, encoder().position());
    }

    @Test
    void badNodesFailNamingDeviceAndKey() {
        bed.register(driver, "rotary-encoder");
        assertFailed(bed.addDevice("a", "rotary-encoder", "steps", 24), "a", "gpios");
        assertFailed(bed.addDevice("b", "rotary-encoder", "gpios", A), "b", "gpios", "two different");
        assertFailed(bed.addDevice("c", "rotary-encoder", "gpios", new int[] {A, B}, "steps-per-period", 3), "c",
                "steps-per-period", "1 (full step)");
        assertFailed(bed.addDevice("d", "rotary-encoder", "gpios", new int[] {A, B}, "button-gpio", B), "d",
                "button-gpio");
        assertFailed(bed.addDevice("e", "rotary-encoder", "gpios", new int[] {A, B}, "relative-axis", true,
                "rollover", true), "e", "rollover");
        assertFailed(bed.addDevice("f", "rotary-encoder", "gpios", new int[] {A, B}, "steps", 0), "f", "steps");
        assertFalse(bed.mock().isOpen(A));
        assertFalse(bed.mock().isOpen(B));
        assertEquals(List.of(), deviceKthreads());
    }

    @Test
    void errorsNameControllerLinesAsTheBoardFileDoes() {
        bed.register(new MemoryGpioController(8), "test,gpio");
        bed.register(driver, "rotary-encoder");
        bed.addDevice("expander0", "test,gpio");
        DeviceInfo same = bed.addDevice("knob", "rotary-encoder", "gpios", new String[] {"expander0:1", "expander0:1"});
        assertEquals(DeviceState.FAILED, same.state());
        assertEquals("device knob: key 'gpios': needs two different GPIO lines [A, B], got [expander0:1, expander0:1]",
                same.reason());
        DeviceInfo ok = bed.addDevice("knob2", "rotary-encoder", "gpios", new String[] {"expander0:1", "expander0:2"});
        assertEquals(DeviceState.BOUND, ok.state(), ok.reason());
    }

    @Test
    void unbindReleasesEverything() throws Exception {
        RotaryEncoderSim sim = RotaryEncoderSim.attach(bed.mock(), A, B, BUTTON, false);
        knob("button-gpio", BUTTON);
        sim.turn(1);
        events.await(1, WAIT);
        assertEquals(DeviceState.UNBOUND, bed.unbind("knob").state());
        assertEquals(List.of(), deviceKthreads());
        assertFalse(bed.mock().isOpen(A));
        assertFalse(bed.mock().isOpen(B));
        assertFalse(bed.mock().isOpen(BUTTON));
        assertTrue(driver.encoder("knob").isEmpty());
        sim.turn(1); // nobody listens any more
        assertEquals(1, events.events().size());
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static List<Integer> values(List<Event> got) {
        return got.stream().map(e -> (Integer) e.getProperty(RotaryEvents.VALUE)).toList();
    }
}
