package io.kdrv.board.internal;

import static io.kdrv.board.internal.TestSupport.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.Boards;
import io.kdrv.board.KdrvBoard;
import io.kdrv.board.LineInfo;
import io.kdrv.driver.Device;
import io.kdrv.driver.Edge;
import io.kdrv.driver.GpioController;
import io.kdrv.driver.Irq;
import io.kdrv.driver.IrqEvent;
import io.kdrv.driver.LineConfig;
import io.kdrv.driver.spi.Board.Handle;
import io.kdrv.driver.spi.ControllerLine;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** PinBoard on lines of a driver's GPIO controller: claims, Pi4J I/O, edges into threaded IRQs, gpio:list. */
@ExtendWith(TestSupport.NoKthreadLeaks.class)
@Timeout(60)
class ControllerLineTest {
    private final Device keys = device("keys");
    private final Device lamp = device("lamp");
    private final KdrvBoard board = Boards.open(TestSupport.pi4jMock(28));
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final boolean[] levels = new boolean[4];

    private final GpioController ops = new GpioController() {
        @Override
        public int lineCount() {
            return 4;
        }

        @Override
        public String lineName(int line) {
            return "P" + line;
        }

        @Override
        public void requestInput(int line, LineConfig config) {
            if (config.bias() == LineConfig.Bias.PULL_DOWN) {
                throw new IllegalArgumentException("line " + line + ": no pull-down");
            }
            calls.add("in " + line + " " + config.toFlags());
        }

        @Override
        public void requestOutput(int line, LineConfig config, boolean high) {
            calls.add("out " + line + " " + high);
            levels[line] = high;
        }

        @Override
        public boolean read(int line) {
            return levels[line];
        }

        @Override
        public void write(int line, boolean high) {
            calls.add("write " + line + " " + high);
            levels[line] = high;
        }

        @Override
        public void release(int line) {
            calls.add("release " + line);
        }
    };

    /** A minimal ControllerLine as the core hands it out (expander0, base 512). */
    private final class Line implements ControllerLine {
        final int offset;
        volatile EdgeSink sink;

        Line(int offset) {
            this.offset = offset;
        }

        @Override
        public String controller() {
            return "expander0";
        }

        @Override
        public int offset() {
            return offset;
        }

        @Override
        public int number() {
            return 512 + offset;
        }

        @Override
        public GpioController ops() {
            return ops;
        }

        @Override
        public void connectEdges(EdgeSink s) {
            sink = s;
        }
    }

    @AfterEach
    void closeBoard() {
        board.close();
    }

    @Test
    void edgesOfAControllerLineRunTheThreadedIrqWithItsCounters() {
        Line l3 = new Line(3);
        Handle<DigitalInput> in = board.openInput(keys, l3, LineConfig.parse("pull-up|active-low"));
        assertEquals(List.of("in 3 pull-up|active-low"), calls);
        assertEquals(DigitalState.HIGH, in.get().state(), "physical low, active-low: logically high");
        List<IrqEvent> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        Handle<Irq> irq = board.requestThreadedIrq(keys, in.get(), Edge.BOTH, java.time.Duration.ZERO, e -> {
            seen.add(e);
            threads.add(Thread.currentThread().getName());
        });
        assertEquals("irq/expander0:3-keys", irq.get().threadName());
        l3.sink.edge(true, 1000);  // physical high = logical low
        l3.sink.edge(true, 2000);  // repeated level: no edge
        l3.sink.edge(false, 3000);
        TestSupport.await("2 edges handled", () -> irq.get().handled() == 2, seen::toString);
        assertEquals(List.of(DigitalState.LOW, DigitalState.HIGH), seen.stream().map(IrqEvent::state).toList());
        assertEquals(List.of(1000L, 3000L), seen.stream().map(IrqEvent::timestampNanos).toList(),
                "the controller's timestamps");
        assertEquals(515, seen.get(0).line());
        assertEquals("irq/expander0:3-keys", threads.get(0));
        assertEquals(2, irq.get().edges());

        LineInfo info = board.lines().get(0);
        assertEquals("expander0:3", info.label());
        assertEquals(515, info.line());
        assertEquals("keys", info.owner());
        String list = new GpioCommands(board, null).list();
        assertTrue(list.contains("expander0:3 in   keys"), list);
        assertTrue(list.contains("irq/expander0:3-keys"), list);

        in.close();
        assertEquals("release 3", calls.getLast());
        assertEquals(null, l3.sink, "edges disconnected");
        assertTrue(board.lines().isEmpty());
    }

    @Test
    void controllerLinesAreOwnedLikeSocLinesAndOutputsGoBackToTheirOffLevel() {
        Handle<DigitalOutput> out = board.openOutput(lamp, new Line(1), LineConfig.parse("active-low"), DigitalState.LOW);
        assertEquals("out 1 true", calls.getFirst(), "off (logical low) with active-low is physically high");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> board.openInput(keys, new Line(1), LineConfig.DEFAULT));
        assertEquals("GPIO expander0:1 is already claimed by device lamp", e.getMessage());
        board.openInput(keys, 1, LineConfig.DEFAULT); // SoC line 1 is another line
        out.get().high();
        assertEquals("write 1 false", calls.getLast());
        assertEquals(DigitalState.HIGH, out.get().state());
        out.close();
        assertEquals(List.of("write 1 true", "release 1"), calls.subList(calls.size() - 2, calls.size()),
                "driven to its off level, then given back");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () ->
                board.openInput(keys, new Line(2), LineConfig.DEFAULT.withBias(LineConfig.Bias.PULL_DOWN)));
        assertEquals("line 2: no pull-down", refused.getMessage(), "the controller's refusal, as it is");
        board.openInput(lamp, new Line(2), LineConfig.DEFAULT).close(); // and no claim was left behind
    }
}
