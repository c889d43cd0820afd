package io.kdrv.board.mock;

import static io.kdrv.board.mock.Support.await;
import static io.kdrv.board.mock.Support.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.BoardException;
import io.kdrv.board.KdrvBoard;
import io.kdrv.board.LineInfo;
import io.kdrv.driver.Device;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.IrqEvent;
import io.kdrv.driver.spi.Board.Handle;
import io.kdrv.kthread.Kthread;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Support.NoKthreadLeaks.class)
class MockBoardTest {
    private final MockBoard mock = new MockBoard();
    private final KdrvBoard board = mock.open();
    private final Device button = device("button0");
    private final Device led = device("led0");

    @AfterEach
    void close() {
        board.close();
    }

    @Test
    void isTheMockPlatform() {
        assertEquals("mock", board.platform());
        assertEquals(28, mock.lineCount());
        assertEquals("mock", board.boardPlatform().name());
    }

    @Test
    void inputLevelsReachTheIrqThroughThePi4jListenerPath() {
        DigitalInput in = board.openInput(button, 17).get();
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
            threads.add(Kthread.current().name());
            events.add(e);
        }).get();

        mock.setInput(17, true);
        mock.setInput(17, true);  // no change: no edge
        mock.setInput(17, DigitalState.LOW);
        mock.pulse(17);           // two edges
        await("4 edges", () -> irq.handled() == 4, irq::toString);

        assertEquals(List.of(true, false, true, false), events.stream().map(IrqEvent::rising).toList());
        assertEquals(List.of("irq/17-button0"), threads.stream().distinct().toList());
        assertEquals(DigitalState.LOW, in.state());
        assertEquals(DigitalState.LOW, mock.input(17));
    }

    @Test
    void aPulseWithWidthLeavesTheLineHighForThatLong() {
        DigitalInput in = board.openInput(button, 17).get();
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, events::add).get();
        mock.pulse(17, Duration.ofMillis(5));
        await("2 edges", () -> irq.handled() == 2, irq::toString);
        assertTrue(events.get(1).timestampNanos() - events.get(0).timestampNanos() >= Duration.ofMillis(5).toNanos());
    }

    @Test
    void anEdgeInjectedWithItsTimestampReachesTheIrqWithThatTimestamp() {
        DigitalInput in = board.openInput(button, 17).get();
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, events::add).get();
        long t0 = System.nanoTime();
        mock.setInputAt(17, true, t0 + 1_000);
        mock.setInputAt(17, true, t0 + 2_000); // no change: no edge
        mock.setInputAt(17, false, t0 + 59_000);
        await("2 edges", () -> irq.handled() == 2, irq::toString);
        assertEquals(List.of(t0 + 1_000, t0 + 59_000), events.stream().map(IrqEvent::timestampNanos).toList());
        assertEquals(DigitalState.LOW, in.state());
    }

    @Test
    void anOutputWatcherSeesLaterChangesAndMayDriveAnInput() {
        DigitalOutput out = board.openOutput(led, 5, DigitalState.LOW).get();
        DigitalInput in = board.openInput(button, 6).get();
        List<LevelChange> seen = new CopyOnWriteArrayList<>();
        java.util.function.Consumer<LevelChange> echo = c -> {
            seen.add(c);
            mock.setInputAt(6, c.high(), c.timestampNanos() + 100);
        };
        mock.addOutputWatcher(5, echo);
        out.high();
        assertEquals(DigitalState.HIGH, in.state(), "driven by the watcher on the writing thread");
        out.low();
        mock.removeOutputWatcher(5, echo);
        out.high();
        assertEquals(List.of(true, false), seen.stream().map(LevelChange::high).toList());
        assertEquals(DigitalState.LOW, in.state());
    }

    @Test
    void aBurstOf10000EdgesIsHandledOrCountedAsOverflow() {
        DigitalInput in = board.openInput(button, 17).get();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> { }).get();
        mock.burst(17, 10_000);
        assertEquals(10_000, irq.edges());
        await("all edges accounted for", () -> irq.handled() + irq.overflows() == 10_000, irq::toString);
        assertEquals(irq.edges(), irq.handled() + irq.overflows() + irq.debounced());
        assertEquals(0, irq.lost(), "the mock board has no kernel FIFO to lose edges in");
        LineInfo info = board.lines().getFirst();
        assertEquals(List.of(10_000L, irq.handled(), irq.overflows(), 0L, 0L),
                List.of(info.edges(), info.handled(), info.overflows(), info.debounced(), info.lost()),
                "the same counters as any board");
    }

    @Test
    void aLevelSetBeforeOpeningIsTheLevelTheInputStartsAt() {
        mock.setInput(5, true);
        DigitalInput in = board.openInput(button, 5).get();
        assertEquals(DigitalState.HIGH, in.state());
        assertTrue(mock.isOpen(5));
    }

    @Test
    void wrongUseNamesTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mock.setInput(28, true));
        assertEquals("mock board: no GPIO line 28 (lines 0..27)", e.getMessage());
        board.openOutput(led, 18);
        e = assertThrows(IllegalArgumentException.class, () -> mock.pulse(18));
        assertEquals("mock board: GPIO 18 is open as an output (led0 GPIO 18); only inputs can be driven",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> mock.output(19));
        assertEquals("mock board: GPIO 19 has never been opened as an output", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> mock.burst(3, -1));
    }

    @Test
    void anOutputClaimedWithOffStateHighStartsAndIsLeftHigh() {
        Handle<DigitalOutput> h = board.openOutput(led, 18, DigitalState.HIGH); // active-low wiring
        assertEquals(DigitalState.HIGH, mock.output(18), "claimed at the off level");
        h.get().low(); // on
        assertEquals(DigitalState.LOW, mock.output(18));
        h.close();
        assertFalse(mock.isOpen(18));
        assertEquals(DigitalState.HIGH, mock.output(18), "released to the off level, not LOW");
    }

    @Test
    void outputHistoryRecordsEveryLevelWithTimestampsIncludingRelease() throws Exception {
        Handle<DigitalOutput> h = board.openOutput(led, 18);
        DigitalOutput out = h.get();
        assertEquals(DigitalState.LOW, mock.output(18));
        out.high();
        out.high(); // not a change
        out.low();
        out.toggle();
        assertEquals(DigitalState.HIGH, mock.output(18));
        h.close(); // released outputs are driven LOW
        assertFalse(mock.isOpen(18));
        assertEquals(DigitalState.LOW, mock.output(18));

        List<LevelChange> history = mock.outputHistory(18);
        assertEquals(List.of(false, true, false, true, false), history.stream().map(LevelChange::high).toList());
        for (int i = 1; i < history.size(); i++) {
            assertTrue(history.get(i).timestampNanos() >= history.get(i - 1).timestampNanos());
        }
        mock.clearOutputHistory(18);
        assertTrue(mock.outputHistory(18).isEmpty());
    }

    @Test
    void outputHistoryKeepsOnlyTheLastChangesSoALongRunningBlinkerCannotFillTheHeap() {
        DigitalOutput out = board.openOutput(led, 18).get(); // opened LOW: the first record
        int toggles = SimLog.DEFAULT_CAPACITY + 100;
        for (int i = 0; i < toggles; i++) {
            out.toggle();
        }
        List<LevelChange> history = mock.outputHistory(18);
        assertEquals(SimLog.DEFAULT_CAPACITY, history.size(), "bounded");
        // records: the opening LOW, then toggles changes (an even number, so the newest is LOW again); the 101
        // oldest are gone, so the oldest kept is record 101 (0-based), a HIGH
        assertFalse(history.getLast().high(), "the newest change is kept");
        assertTrue(history.getFirst().high(), "the oldest records were dropped, not the newest");
    }

    @Test
    void awaitOutputWaitsForADriverThread() throws Exception {
        DigitalOutput out = board.openOutput(led, 18).get();
        Kthread blinker = Kthread.run(o -> {
            o.high();
            return 0;
        }, out, "test-blink");
        try {
            assertTrue(mock.awaitOutput(18, DigitalState.HIGH, Duration.ofSeconds(30)));
        } finally {
            blinker.stop();
        }
        assertFalse(mock.awaitOutput(18, DigitalState.LOW, Duration.ofMillis(1)));
    }

    @Test
    void oneRunningBoardAtATime() {
        BoardException e = assertThrows(BoardException.class, mock::open);
        assertEquals("platform mock: this MockBoard already backs a running board; close that board first",
                e.getMessage());
        board.close();
        KdrvBoard again = mock.open();
        again.close();
    }

    @Test
    void unplugReleasesTheSimulatedLinesAndStopsDelivery() {
        Handle<DigitalInput> in = board.openInput(button, 17);
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Handle<Irq> irq = board.requestThreadedIrq(button, in.get(), Edge.BOTH, Duration.ZERO, events::add);
        mock.setInput(17, true);
        await("edge", () -> irq.get().handled() == 1, irq::get);

        irq.close();
        in.close();
        assertFalse(mock.isOpen(17));
        mock.setInput(17, false); // nobody listens: only the simulated level changes
        mock.setInput(17, true);
        assertEquals(1, events.size());

        DigitalInput again = board.openInput(device("button1"), 17).get();
        assertEquals(DigitalState.HIGH, again.state(), "the new claimant sees the line's current level");
    }
}
