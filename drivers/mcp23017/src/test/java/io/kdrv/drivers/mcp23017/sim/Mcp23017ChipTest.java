package io.kdrv.drivers.mcp23017.sim;

import static io.kdrv.drivers.mcp23017.Mcp23017Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.mock.MockBoard;
import com.pi4j.io.gpio.digital.DigitalState;
import org.junit.jupiter.api.Test;

/** The register model against the datasheet: power-on values, interrupt-on-change, INTCAP latching, INT pins. */
class Mcp23017ChipTest {
    private final MockBoard board = new MockBoard();
    private final Mcp23017Chip chip = new Mcp23017Chip().wireIntA(board, 4).wireIntB(board, 5);

    private void write(int reg, int value) {
        chip.writeRegisters(reg, new byte[] {(byte) value}, 0, 1);
    }

    private int read(int reg) {
        byte[] b = new byte[1];
        chip.readRegisters(reg, b, 0, 1);
        return b[0] & 0xFF;
    }

    @Test
    void powerOnStateAndPins() {
        assertEquals(0xFF, chip.peek(IODIRA));
        assertEquals(0xFF, chip.peek(IODIRB));
        assertEquals(0x00, read(GPIOA), "floating inputs read low");
        write(GPPUA, 0x81);
        assertEquals(0x81, read(GPIOA), "pull-ups read high");
        chip.setInput(0, false);
        assertEquals(0x80, read(GPIOA));
        write(IPOLA, 0x01);
        assertEquals(0x81, read(GPIOA), "IPOL inverts the input");
        write(IODIRB, 0xFE);
        write(GPIOB, 0x01); // a GPIO write goes to OLAT
        assertEquals(0x01, chip.peek(OLATB));
        assertTrue(chip.pin(8));
        write(INTFA, 0xFF);
        assertEquals(0, chip.peek(INTFA), "INTF is read-only");
    }

    @Test
    void interruptOnChangeLatchesIntcapUntilGpioOrIntcapIsRead() {
        write(IOCON, IOCON_ODR); // open-drain, active-low: INT idles high
        assertEquals(DigitalState.HIGH, board.input(4));
        write(GPPUA, 0x03);
        write(GPINTENA, 0x03);
        chip.setInput(0, false);
        assertEquals(0x01, chip.peek(INTFA));
        assertEquals(0x02, chip.peek(INTCAPA), "port captured at the interrupt: pin 0 low, pin 1 high");
        assertEquals(DigitalState.LOW, board.input(4), "INTA asserted (open drain pulls low)");
        assertEquals(DigitalState.HIGH, board.input(5), "INTB not mirrored");
        chip.setInput(1, false);
        assertEquals(0x03, chip.peek(INTFA), "the second pin is flagged too");
        assertEquals(0x02, chip.peek(INTCAPA), "but INTCAP keeps the first capture");
        assertEquals(0x02, read(INTCAPA));
        assertEquals(0, chip.peek(INTFA), "reading INTCAP cleared the interrupt");
        assertEquals(DigitalState.HIGH, board.input(4));
        chip.setInput(1, true);
        assertEquals(DigitalState.LOW, board.input(4));
        assertEquals(0x02, read(GPIOA), "reading GPIO clears it as well");
        assertEquals(DigitalState.HIGH, board.input(4));
        assertEquals(2, chip.interrupts(), "a change while the interrupt was pending raised no new one");
    }

    @Test
    void defvalCompareRaisesAgainWhileThePinDiffers() {
        write(IOCON, IOCON_MIRROR | IOCON_ODR);
        write(GPPUB, 0x01);
        write(DEFVALB, 0x01);
        write(INTCONB, 0x01);
        write(GPINTENB, 0x01);
        chip.setInput(8, false);
        assertEquals(DigitalState.LOW, board.input(4), "MIRROR: port B asserts INTA");
        read(GPIOB);
        assertEquals(0x01, chip.peek(INTFB), "still different from DEFVAL: raised again at once");
        chip.setInput(8, true);
        read(INTCAPB);
        assertEquals(0, chip.peek(INTFB));
        assertEquals(DigitalState.HIGH, board.input(5));
    }

    @Test
    void pushPullIntPolarityAndSequentialAddressing() {
        write(IOCON, IOCON_INTPOL); // push-pull, active-high
        assertEquals(DigitalState.LOW, board.input(4));
        write(GPINTENA, 0x01);
        chip.setInput(0, true);
        assertEquals(DigitalState.HIGH, board.input(4));
        assertEquals(IOCON_INTPOL, read(IOCON_ALT), "IOCON is one register at two addresses");

        byte[] all = new byte[REGISTER_COUNT + 1];
        chip.readRegisters(IODIRA, all, 0, all.length);
        assertEquals(0xFF, all[REGISTER_COUNT] & 0xFF, "SEQOP 0: the pointer wraps from 0x15 to IODIRA");
        write(IOCON, IOCON_SEQOP);
        byte[] two = new byte[2];
        chip.readRegisters(GPINTENA, two, 0, 2);
        chip.readRegisters(IODIRA, two, 0, 2);
        assertEquals(0xFF, two[0] & 0xFF);
        assertEquals(0xFF, two[1] & 0xFF, "SEQOP 1 (byte mode): toggles within the A/B pair");
        assertThrows(IllegalStateException.class, () -> write(IOCON, IOCON_BANK));
        assertFalse(chip.isOutput(0));
    }
}
