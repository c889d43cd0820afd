package io.kdrv.drivers.ssd1306.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The GDDRAM model on its own, through RegisterChip's plain write (what the mock I2C provider calls). */
class Ssd1306ChipTest {
    private final Ssd1306Chip chip = new Ssd1306Chip();

    private void send(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        chip.write(b, 0, b.length);
    }

    @Test
    void pageAddressingWritesWithinOnePage() {
        assertEquals(2, chip.addressingMode(), "page addressing after reset");
        send(0x00, 0xB3, 0x05, 0x10); // page 3, column 0x05
        send(0x40, 0xFF, 0x81);
        assertEquals((byte) 0xFF, chip.page(3)[5]);
        assertEquals((byte) 0x81, chip.page(3)[6]);
        assertTrue(chip.pixel(6, 24) && chip.pixel(6, 31) && !chip.pixel(6, 25));
        send(0x00, 0x17, 0x0F); // column 0x7F
        send(0x40, 0x01, 0x02);  // the second byte wraps to column 0 of the same page
        assertEquals(1, chip.page(3)[127]);
        assertEquals(2, chip.page(3)[0]);
    }

    @Test
    void horizontalAddressingWalksTheWindowPageByPage() {
        send(0x00, 0x20, 0x00, 0x21, 10, 11, 0x22, 2, 3); // window columns 10..11, pages 2..3
        send(0x40, 1, 2, 3, 4, 5);
        assertEquals(2, chip.page(2)[11]);
        assertEquals(3, chip.page(3)[10]);
        assertEquals(4, chip.page(3)[11]);
        assertEquals(5, chip.page(2)[10], "the fifth byte wraps to the window's start, over the first");
    }

    @Test
    void verticalAddressingWalksColumnByColumn() {
        send(0x00, 0x20, 0x01, 0x21, 0, 127, 0x22, 0, 1);
        send(0x40, 7, 8, 9);
        assertEquals(7, chip.page(0)[0]);
        assertEquals(8, chip.page(1)[0]);
        assertEquals(9, chip.page(0)[1]);
    }

    @Test
    void coBitControlBytesAndArgumentsAcrossTransfers() {
        send(0x80, 0xAF, 0x80, 0x81, 0x80, 0x42); // one command per control byte, contrast argument separately
        assertTrue(chip.displayOn());
        assertEquals(0x42, chip.contrast());
        send(0x00, 0x81);
        send(0x00, 0x10); // the argument in the next transfer
        assertEquals(0x10, chip.contrast());
        send(0x00, 0xAE);
        assertFalse(chip.displayOn());
        send(0x23, 0xAF); // not a control byte
        assertFalse(chip.displayOn());
        assertEquals(1, chip.protocolErrors());
    }
}
