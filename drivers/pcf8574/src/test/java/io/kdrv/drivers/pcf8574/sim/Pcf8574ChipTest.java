package io.kdrv.drivers.pcf8574.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.mock.MockBoard;
import org.junit.jupiter.api.Test;

/** The model against the datasheet: quasi-bidirectional port, INT set on input change, cleared by read or write. */
class Pcf8574ChipTest {
    private final MockBoard board = new MockBoard();
    private final Pcf8574Chip chip = new Pcf8574Chip().wireInt(board, 6);

    private void write(int value) {
        chip.write(new byte[] {(byte) value}, 0, 1);
    }

    private int read() {
        byte[] b = new byte[1];
        chip.readFromPointer(b, 0, 1);
        return b[0] & 0xFF;
    }

    @Test
    void quasiBidirectionalPort() {
        assertEquals(0xFF, read(), "power-on: latch 0xFF, every pin pulled up weakly");
        chip.setInput(3, false);
        assertEquals(0xF7, read(), "an attached low wins over the weak pull-up");
        write(0xFE);
        assertEquals(0xFE & 0xF7, read(), "a latch 0 drives low");
        chip.setInput(0, true);
        assertFalse(chip.pin(0), "a strong low is not overridden");
        chip.write(new byte[] {0x00, 0x0F, (byte) 0xF0}, 0, 3);
        assertEquals(0xF0, chip.latch(), "each byte of a write becomes the latch");
        assertEquals(4, chip.writes());
    }

    @Test
    void intIsSetOnAnInputChangeAndClearedByReadWriteOrGoingBack() {
        assertEquals(DigitalState.HIGH, board.input(6), "INT released (open drain, pull-up)");
        chip.setInput(1, false);
        assertTrue(chip.intAsserted());
        assertEquals(DigitalState.LOW, board.input(6));
        read();
        assertEquals(DigitalState.HIGH, board.input(6), "cleared by a read");
        chip.setInput(1, true);
        assertEquals(DigitalState.LOW, board.input(6));
        chip.setInput(1, false);
        assertEquals(DigitalState.HIGH, board.input(6), "back to the state of the last read: cleared");
        chip.setInput(2, false);
        write(0xFF);
        assertEquals(DigitalState.HIGH, board.input(6), "cleared by a write");
        assertEquals(3, chip.interrupts());
    }
}
