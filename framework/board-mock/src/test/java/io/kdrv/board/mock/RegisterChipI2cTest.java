package io.kdrv.board.mock;

import static io.kdrv.board.mock.Support.device;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.pi4j.io.i2c.I2C;
import io.kdrv.board.KdrvBoard;
import io.kdrv.driver.spi.Board.Handle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(Support.NoKthreadLeaks.class)
class RegisterChipI2cTest {
    /**
     * A toy sensor: read-only chip id 0x58 at 0xD0; writing 0xB6 to 0xE0 resets it (self-clearing); writing
     * bit 0 of CTRL (0xF4) "measures" and fills DATA 0xF7..0xF9 with a counter; STATUS 0xF3 is read-only.
     */
    static final class ToyChip extends RegisterChip {
        final List<String> log = new ArrayList<>();
        int measurements;

        ToyChip() {
            super("toy");
            poke(0xD0, 0x58);
        }

        @Override
        protected int onRead(int reg) {
            log.add("r" + Integer.toHexString(reg));
            return super.onRead(reg);
        }

        @Override
        protected void onWrite(int reg, int value) {
            log.add("w" + Integer.toHexString(reg) + "=" + Integer.toHexString(value));
            switch (reg) {
                case 0xD0, 0xF3 -> { } // read-only
                case 0xE0 -> {
                    if (value == 0xB6) {
                        poke(0xF4, 0);
                    }
                }
                case 0xF4 -> {
                    super.onWrite(reg, value);
                    if ((value & 1) != 0) {
                        measurements++;
                        poke(0xF7, (byte) 0x12, (byte) 0x34, (byte) measurements);
                    }
                }
                default -> super.onWrite(reg, value);
            }
        }
    }

    private final MockBoard mock = new MockBoard();
    private final KdrvBoard board = mock.open();
    private final ToyChip chip = mock.attach(1, 0x76, new ToyChip());
    private final Handle<I2C> handle = board.openI2c(device("toy0"), 1, 0x76);
    private final I2C i2c = handle.get();

    @AfterEach
    void close() {
        board.close();
    }

    @Test
    void readAndWriteSingleRegistersThroughPi4j() {
        assertEquals(0x58, i2c.readRegister(0xD0));
        i2c.writeRegister(0xD0, (byte) 0x99);        // read-only: ignored by the model
        assertEquals(0x58, i2c.readRegister(0xD0));
        i2c.writeRegister(0x10, (byte) 0xAB);
        assertEquals(0xAB, chip.peek(0x10));
        assertEquals((byte) 0xAB, i2c.readRegisterByte(0x10));
        assertEquals(List.of("rd0", "wd0=99", "rd0", "w10=ab", "r10"), chip.log);
    }

    @Test
    void blockReadsAndWritesAutoIncrement() {
        i2c.writeRegister(0xF4, (byte) 0x01);        // measure
        byte[] data = new byte[3];
        assertEquals(3, i2c.readRegister(0xF7, data));
        assertArrayEquals(new byte[] {0x12, 0x34, 0x01}, data);
        assertEquals(0xFA, chip.pointer(), "pointer left after the last register read");

        i2c.writeRegister(0x20, new byte[] {1, 2, 3, 4});
        assertArrayEquals(new byte[] {1, 2, 3, 4}, i2c.readRegisterNBytes(0x20, 4));
        assertEquals(0x0102, i2c.readRegisterWord(0x20) & 0xFFFF, "Pi4J word read: two auto-incremented bytes, MSB first");
        assertEquals(4 + 1, chip.bytesWritten());
    }

    @Test
    void plainWritesSetThePointerAndPlainReadsReadFromIt() {
        i2c.write((byte) 0xD0);                      // select chip-id register
        assertEquals(0x58, i2c.read());
        assertEquals(0xD1, chip.pointer());

        i2c.write(new byte[] {0x30, 7, 8, 9});       // pointer 0x30, then three data bytes
        assertEquals(7, chip.peek(0x30));
        assertEquals(9, chip.peek(0x32));
        i2c.write((byte) 0x30);
        byte[] back = new byte[3];
        assertEquals(3, i2c.read(back));
        assertArrayEquals(new byte[] {7, 8, 9}, back);
    }

    @Test
    void blockReadsWrapAtTheEndOfTheRegisterFile() {
        chip.poke(0xFF, 0x11);
        chip.poke(0x00, 0x22);
        byte[] two = new byte[2];
        i2c.readRegister(0xFF, two);
        assertArrayEquals(new byte[] {0x11, 0x22}, two);
    }

    @Test
    void hooksModelCommandRegisters() {
        i2c.writeRegister(0xF4, (byte) 0x01);
        i2c.writeRegister(0xF4, (byte) 0x01);
        assertEquals(2, chip.measurements);
        i2c.writeRegister(0xE0, (byte) 0xB6);       // reset
        assertEquals(0, i2c.readRegister(0xF4));
    }

    @Test
    void noChipAtTheAddressFailsNamingBusAndAddress() {
        Handle<I2C> empty = board.openI2c(device("ghost"), 1, 0x77);
        RuntimeException e = assertThrows(RuntimeException.class, () -> empty.get().readRegister(0));
        assertEquals("mock I2C bus 1 address 0x77: no chip at this address (NACK)", e.getMessage());

        assertSame(chip, mock.detach(1, 0x76));
        e = assertThrows(RuntimeException.class, () -> i2c.readRegister(0xD0));
        assertEquals("mock I2C bus 1 address 0x76: no chip at this address (NACK)", e.getMessage());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> mock.chip(1, 0x76));
        assertEquals("mock board: no chip at I2C bus 1 address 0x76", none.getMessage());
        mock.attach(1, 0x76, chip);
        assertEquals(0x58, i2c.readRegister(0xD0), "the chip answers again once re-attached");
    }

    @Test
    void attachingTwiceOrAtABadAddressIsRejected() {
        IllegalStateException twice = assertThrows(IllegalStateException.class,
                () -> mock.attach(1, 0x76, new ToyChip()));
        assertEquals("mock board: I2C bus 1 address 0x76 already has chip toy", twice.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> mock.attach(1, 0x78, new ToyChip()));
        assertEquals("mock board: invalid 7-bit I2C address 0x78 on bus 1 (valid: 0x03..0x77)", bad.getMessage());
    }

    @Test
    void sixteenBitRegisterAddressesAndClosedHandlesFailClearly() {
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> i2c.readRegister(new byte[] {0, 1}, new byte[2], 0, 2));
        assertEquals("RegisterChip models 8-bit register addresses; got a 2-byte address", wide.getMessage());
        assertEquals(0x58, i2c.readRegister(new byte[] {(byte) 0xD0}, new byte[1], 0, 1) == 1
                ? chip.peek(0xD0) : -1);

        handle.close();
        RuntimeException closed = assertThrows(RuntimeException.class, () -> i2c.readRegister(0xD0));
        assertEquals("mock I2C bus 1 address 0x76 is closed", closed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> chip.peek(256));
    }
}
