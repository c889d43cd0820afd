package io.kdrv.board.internal;

import static io.kdrv.board.internal.TestSupport.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import io.kdrv.board.Boards;
import io.kdrv.board.I2cInfo;
import io.kdrv.board.KdrvBoard;
import io.kdrv.board.LineInfo;
import io.kdrv.driver.Device;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.spi.Board.Handle;
import io.kdrv.kthread.Kthreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestSupport.NoKthreadLeaks.class)
class PinBoardTest {
    private final Device button = device("button0");
    private final Device led = device("led0");
    private final KdrvBoard board = Boards.open(TestSupport.pi4jMock(28));

    @AfterEach
    void closeBoard() {
        board.close();
    }

    @Test
    void aClaimedLineCannotBeClaimedAgainAndTheErrorNamesLineAndOwner() {
        board.openInput(button, 17);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> board.openOutput(led, 17));
        assertEquals("GPIO 17 is already claimed by device button0", e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> board.openInput(button, 17));
        assertEquals("GPIO 17 is already claimed by device button0", e.getMessage());
    }

    @Test
    void closingTheHandleReleasesTheLineForAnotherDevice() {
        Handle<DigitalInput> in = board.openInput(button, 17);
        in.close();
        in.close(); // idempotent
        Handle<DigitalOutput> out = board.openOutput(led, 17);
        out.get().high();
        assertEquals(List.of(new LineInfo(17, "out", "led0", 1, null, 0, 0, 0, 0, 0, 0)), board.lines());
        out.close();
        assertTrue(board.lines().isEmpty());
        assertEquals(DigitalState.LOW, out.get().state(), "a released output is driven LOW");
    }

    @Test
    void unknownLineIsRejectedWithLineAndPlatform() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> board.openInput(button, 40));
        assertEquals("device button0: GPIO 40 does not exist on platform mock (lines 0..27)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> board.openOutput(button, -1));
    }

    @Test
    void irqRequiresAnInputOpenedByTheSameDeviceAndOnlyOnePerLine() {
        DigitalInput in = board.openInput(button, 17).get();
        IllegalStateException foreign = assertThrows(IllegalStateException.class,
                () -> board.requestThreadedIrq(led, in, Edge.BOTH, Duration.ZERO, e -> { }));
        assertEquals("GPIO 17 is claimed by device button0, not by device led0", foreign.getMessage());

        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> { }).get();
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> board.requestThreadedIrq(button, in, Edge.RISING, Duration.ZERO, e -> { }));
        assertEquals("GPIO 17 already has a threaded IRQ (irq/17-button0) of device button0", twice.getMessage());
        irq.free();

        KdrvBoard other = Boards.open(TestSupport.pi4jMock(28));
        try {
            DigitalInput elsewhere = other.openInput(button, 17).get();
            assertThrows(IllegalArgumentException.class,
                    () -> board.requestThreadedIrq(button, elsewhere, Edge.BOTH, Duration.ZERO, e -> { }));
        } finally {
            other.close();
        }
    }

    @Test
    void unplugFreesPinsAndListenersAndTheLineCanBeReclaimed() {
        Handle<DigitalInput> in = board.openInput(button, 17);
        AtomicInteger oldCalls = new AtomicInteger();
        Handle<Irq> irq = board.requestThreadedIrq(button, in.get(), Edge.BOTH, Duration.ZERO,
                e -> oldCalls.incrementAndGet());
        MockDigitalInput oldPin = (MockDigitalInput) in.get();
        oldPin.mockState(DigitalState.HIGH);
        TestSupport.await("edge handled", () -> irq.get().handled() == 1, irq::get);

        // devres order on remove: IRQ first, then the line; closing only the line must free the IRQ as well
        in.close();
        assertFalse(oldPin.hasListenersOrBindings(), "no listener survives the unplug");
        assertTrue(Kthreads.list().stream().noneMatch(k -> k.name().startsWith("irq/17-")), "irq kthread stopped");
        assertTrue(board.lines().isEmpty());
        irq.close(); // no-op

        oldPin.mockState(DigitalState.LOW);
        assertEquals(1, oldCalls.get(), "edges on the old pin no longer reach the old handler");

        Device button1 = device("button1");
        DigitalInput fresh = board.openInput(button1, 17).get();
        AtomicInteger newCalls = new AtomicInteger();
        Irq irq2 = board.requestThreadedIrq(button1, fresh, Edge.BOTH, Duration.ZERO,
                e -> newCalls.incrementAndGet()).get();
        assertEquals("irq/17-button1", irq2.threadName());
        ((MockDigitalInput) fresh).mockState(DigitalState.HIGH);
        TestSupport.await("new handler runs", () -> newCalls.get() == 1, irq2::toString);
        assertEquals(1, oldCalls.get());
    }

    @Test
    void closingTheBoardReleasesEverythingAndLaterHandleClosesAreNoOps() {
        Handle<DigitalInput> in = board.openInput(button, 17);
        Handle<Irq> irq = board.requestThreadedIrq(button, in.get(), Edge.BOTH, Duration.ZERO, e -> { });
        Handle<DigitalOutput> out = board.openOutput(led, 18);
        Handle<I2C> i2c = board.openI2c(device("bme0"), 1, 0x76);
        assertEquals(2, board.lines().size());

        board.close();
        assertTrue(board.isClosed());
        assertTrue(board.lines().isEmpty());
        assertTrue(board.i2cDevices().isEmpty());
        assertTrue(irq.get().handled() >= 0);
        assertTrue(Kthreads.list().isEmpty(), "IRQ kthreads stopped by close");
        irq.close();
        in.close();
        out.close();
        i2c.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> board.openInput(button, 17));
        assertEquals("kdrv board (platform mock) is closed", e.getMessage());
    }

    @Test
    void i2cAddressesAreOwnedToo() {
        Handle<I2C> a = board.openI2c(device("bme0"), 1, 0x76);
        assertEquals(1, a.get().bus());
        assertEquals(0x76, a.get().device());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> board.openI2c(device("bme1"), 1, 0x76));
        assertEquals("I2C bus 1 address 0x76 is already claimed by device bme0", e.getMessage());
        board.openI2c(device("bme1"), 1, 0x77);
        board.openI2c(device("bme2"), 3, 0x76); // same address, other bus
        assertEquals(List.of(new I2cInfo(1, 0x76, "bme0"), new I2cInfo(1, 0x77, "bme1"), new I2cInfo(3, 0x76, "bme2")),
                board.i2cDevices());
        a.close();
        board.openI2c(device("bme1b"), 1, 0x76);

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> board.openI2c(device("x"), 1, 0x80));
        assertEquals("device x: invalid 7-bit I2C address 0x80 on bus 1 (valid: 0x03..0x77)", bad.getMessage());
    }

    @Test
    void linesShowOwnerLevelAndIrqStatistics() {
        DigitalInput in = board.openInput(button, 4).get();
        Irq irq = board.requestThreadedIrq(button, in, Edge.RISING, Duration.ZERO, e -> { }).get();
        ((MockDigitalInput) in).mockState(DigitalState.HIGH);
        TestSupport.await("edge handled", () -> irq.handled() == 1, irq::toString);
        LineInfo info = board.lines().getFirst();
        assertEquals(new LineInfo(4, "in", "button0", 1, "irq/4-button0", 1, 1, 0, 0, 0, 0), info);
        irq.free();
        assertNull(board.lines().getFirst().irqThread());
    }

    @Test
    void gpioCommandsListAndRejectBadArguments() {
        DigitalInput in = board.openInput(button, 17).get();
        board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> { });
        board.openOutput(led, 18);
        GpioCommands cmds = new GpioCommands(board, null);
        String list = cmds.list();
        assertTrue(list.contains("platform mock"), list);
        assertTrue(list.matches("(?s).*EDGES\\s+HANDLED\\s+OVERFLOWS\\s+DEBOUNCED\\s+LOST\\s+FAILED\n.*"), list);
        assertTrue(list.matches("(?s).*17\\s+in\\s+button0\\s+0\\s+irq/17-button0(\\s+0){6}\n.*"), list);
        assertTrue(list.matches("(?s).*18\\s+out\\s+led0\\s+0\\s+-.*"), list);
        assertTrue(cmds.set("17", "1").startsWith("gpio:set needs the mock board"), cmds.set("17", "1"));
        assertTrue(new GpioCommands(null, null).list().startsWith("no board is running"));

        StringBuilder driven = new StringBuilder();
        GpioCommands sim = new GpioCommands(board, new io.kdrv.board.LineSimulator() {
            @Override
            public void setInput(int line, boolean high) {
                driven.append(line).append('=').append(high ? 1 : 0).append(' ');
            }

            @Override
            public void pulse(int line, Duration width) {
                driven.append(line).append("^").append(width.toMillis()).append(' ');
            }
        });
        assertEquals("GPIO 17 = 1\n", sim.set("17", "1"));
        assertEquals("gpio:set: level '2' must be 0 or 1\n", sim.set("17", "2"));
        assertEquals("gpio:set: line 'x' is not a GPIO number\n", sim.set("x", "1"));
        assertEquals("gpio:pulse: line 'expander0:3' belongs to a driver's GPIO controller; the simulator drives SoC "
                + "lines only (drive the chip's model, or the SoC line it is wired to)\n", sim.pulse("expander0:3"));
        assertEquals("GPIO 17 pulsed (5 ms)\n", sim.pulse("17", "5"));
        assertEquals("gpio:pulse: width '-1' must be 0..60000 ms\n", sim.pulse("17", "-1"));
        assertEquals("GPIO 5 pulsed (0 ms)\nnote: no device has claimed GPIO 5, so no driver saw it (gpio:list shows "
                + "the claimed lines)\n", sim.pulse("5"));
        assertTrue(sim.set("5", "0").contains("no device has claimed GPIO 5"));
        assertEquals("17=1 17^5 5^0 5=0 ", driven.toString());
    }
}
