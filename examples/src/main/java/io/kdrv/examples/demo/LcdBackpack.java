package io.kdrv.examples.demo;

import io.kdrv.board.mock.RegisterChip;
import io.kdrv.drivers.hd44780.sim.Hd44780Lcd;
import io.kdrv.drivers.pcf8574.sim.Pcf8574Chip;

/**
 * A character LCD on the common PCF8574 I2C backpack, for the mock board: the pcf8574 driver's model of the
 * expander, whose port after each write drives the pins of the hd44780 driver's controller model in the classic
 * wiring (P0 = RS, P1 = RW, P2 = E, P3 = backlight, P4..P7 = D4..D7; {@link Hd44780Lcd#backpackPort}).
 *
 * <p>The expander model is final, so the backpack is its own {@link RegisterChip} that hands every byte to it
 * through its public transfers; a read returns the expander's port. Thread-safe: the chip lock, then the
 * expander's, then the controller's, always in that order.
 */
final class LcdBackpack extends RegisterChip {
    private final Pcf8574Chip expander = new Pcf8574Chip();
    private final Hd44780Lcd lcd;

    LcdBackpack(int rows, int columns) {
        super("pcf8574+hd44780");
        this.lcd = new Hd44780Lcd(rows, columns);
    }

    /** The controller model behind the backpack (its rows, display on or off). */
    Hd44780Lcd lcd() {
        return lcd;
    }

    /** The expander model (its latch and write count). */
    Pcf8574Chip expander() {
        return expander;
    }

    @Override
    protected void onPlainWriteFirstByte(int value) {
        written(value);
    }

    @Override
    protected void onWrite(int reg, int value) {
        written(value); // the PCF8574 has no register file: every byte of a write is a port value
    }

    @Override
    protected int onRead(int reg) {
        byte[] port = new byte[1];
        expander.readFromPointer(port, 0, 1);
        return port[0] & 0xFF;
    }

    @Override
    protected int nextRegister(int reg) {
        return reg;
    }

    private void written(int value) {
        expander.write(new byte[] {(byte) value}, 0, 1);
        lcd.backpackPort(expander.latch());
    }
}
