package io.kdrv.board.mock;

import static io.kdrv.board.mock.Support.await;
import static io.kdrv.board.mock.Support.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.KdrvBoard;
import io.kdrv.driver.Device;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.IrqEvent;
import io.kdrv.driver.LineConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Line configuration on the mock board: pull resistors, active-low both ways, open drain and open source. */
@ExtendWith(Support.NoKthreadLeaks.class)
@Timeout(60)
class LineConfigMockTest {
    private final MockBoard mock = new MockBoard();
    private final KdrvBoard board = mock.open();
    private final Device dev = device("dev0");

    @AfterEach
    void close() {
        board.close();
    }

    @Test
    void anUnconnectedInputReadsItsPullResistor() {
        DigitalInput up = board.openInput(dev, 5, LineConfig.parse("pull-up")).get();
        DigitalInput down = board.openInput(dev, 6, LineConfig.parse("pull-down")).get();
        DigitalInput none = board.openInput(dev, 7).get();
        assertEquals(DigitalState.HIGH, up.state());
        assertEquals(DigitalState.LOW, down.state());
        assertEquals(DigitalState.LOW, none.state());
        assertEquals(DigitalState.HIGH, mock.input(5));

        mock.setInput(5, false);   // a pressed button pulls the line to ground
        assertEquals(DigitalState.LOW, up.state());
        mock.disconnect(5);        // released: the pull-up wins again
        assertEquals(DigitalState.HIGH, up.state());
        mock.setInput(6, true);
        assertEquals(DigitalState.HIGH, down.state());
    }

    @Test
    void activeLowInvertsWhatTheDriverSeesOnAnInputAndItsIrq() {
        DigitalInput in = board.openInput(dev, 17, LineConfig.parse("pull-up|active-low")).get();
        assertEquals(DigitalState.LOW, in.state(), "released button: line HIGH, logical LOW (inactive)");
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(dev, in, Edge.BOTH, Duration.ZERO, events::add).get();

        mock.setInput(17, false);  // press: the line falls, the driver sees a rising (active) edge
        await("press", () -> irq.handled() == 1, irq::toString);
        assertTrue(events.get(0).rising());
        assertEquals(DigitalState.HIGH, in.state());
        assertEquals(DigitalState.LOW, mock.input(17), "the wire level is not inverted");
        mock.disconnect(17);
        await("release", () -> irq.handled() == 2, irq::toString);
        assertFalse(events.get(1).rising());
    }

    @Test
    void activeLowInvertsAnOutputOnTheWire() {
        DigitalOutput out = board.openOutput(dev, 18, LineConfig.parse("active-low"), DigitalState.LOW).get();
        assertEquals(DigitalState.HIGH, mock.output(18), "off (logical LOW) is HIGH on an active-low line");
        out.high();
        assertEquals(DigitalState.LOW, mock.output(18));
        assertEquals(DigitalState.HIGH, out.state(), "the driver sees its logical value");
        out.low();
        assertEquals(DigitalState.HIGH, mock.output(18));
    }

    @Test
    void openDrainReleasesTheLineForHighAndOpenSourceForLow() {
        DigitalOutput drain = board.openOutput(dev, 20, LineConfig.parse("open-drain"), DigitalState.LOW).get();
        assertTrue(mock.outputDriven(20));
        assertEquals(DigitalState.LOW, mock.output(20));
        drain.high();
        assertFalse(mock.outputDriven(20), "open drain does not drive high");
        assertEquals(DigitalState.HIGH, mock.output(20), "the external pull-up holds the line high");

        DigitalOutput pulled = board.openOutput(dev, 21, LineConfig.parse("open-drain|pull-down"), DigitalState.HIGH)
                .get();
        assertFalse(mock.outputDriven(21));
        assertEquals(DigitalState.LOW, mock.output(21), "released against a pull-down the line reads LOW");
        pulled.low();
        assertTrue(mock.outputDriven(21));

        DigitalOutput source = board.openOutput(dev, 22, LineConfig.parse("open-source"), DigitalState.LOW).get();
        assertFalse(mock.outputDriven(22));
        source.high();
        assertTrue(mock.outputDriven(22));
        assertEquals(DigitalState.HIGH, mock.output(22));
    }
}
