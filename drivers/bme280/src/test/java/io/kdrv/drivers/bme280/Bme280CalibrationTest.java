package io.kdrv.drivers.bme280;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Bme280CalibrationTest {
    @Test
    void parsesLittleEndianWordsAndPackedHumidityFields() {
        byte[] b1 = new byte[26];
        // dig_T1 = 27504 = 0x6B70, dig_T2 = 26435 = 0x6743, dig_T3 = -1000 = 0xFC18
        b1[0] = 0x70; b1[1] = 0x6B; b1[2] = 0x43; b1[3] = 0x67; b1[4] = 0x18; b1[5] = (byte) 0xFC;
        // dig_P1 = 36477 = 0x8E7D (unsigned: must not come out negative)
        b1[6] = 0x7D; b1[7] = (byte) 0x8E;
        // dig_P9 = 6000 = 0x1770
        b1[22] = 0x70; b1[23] = 0x17;
        b1[24] = 0x55;             // 0xA0: reserved, ignored
        b1[25] = (byte) 0xFF;      // dig_H1 = 255 (unsigned)
        // dig_H2 = 362 = 0x016A; dig_H3 = 0; dig_H4 = 0x139 (313) = E4 0x13, E5[3:0] 0x9;
        // dig_H5 = 0x032 (50) = E6 0x03, E5[7:4] 0x2; dig_H6 = 30
        byte[] b2 = {0x6A, 0x01, 0x00, 0x13, 0x29, 0x03, 0x1E};
        Bme280Calibration c = Bme280Calibration.parse(b1, b2);
        assertEquals(27504, c.t1());
        assertEquals(26435, c.t2());
        assertEquals(-1000, c.t3());
        assertEquals(36477, c.p1());
        assertEquals(6000, c.p9());
        assertEquals(255, c.h1());
        assertEquals(362, c.h2());
        assertEquals(0, c.h3());
        assertEquals(313, c.h4());
        assertEquals(50, c.h5());
        assertEquals(30, c.h6());
    }

    @Test
    void negativeTwelveBitHumidityFieldsKeepTheirSign() {
        Bme280Calibration c = new Bme280Calibration(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                13, -300, 200, -1234, -2048, -5);
        Bme280Calibration back = Bme280Calibration.parse(c.block1(), c.block2());
        assertEquals(c, back);
        assertEquals(-1234, back.h4());
        assertEquals(-2048, back.h5());
        assertEquals(-5, back.h6());
    }

    @Test
    void blocksRoundTrip() {
        Bme280Calibration c = new Bme280Calibration(27504, 26435, -1000,
                36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000, 75, 362, 0, 313, 50, 30);
        byte[] b1 = c.block1();
        byte[] b2 = c.block2();
        assertEquals(Bme280Calibration.BLOCK1_LENGTH, b1.length);
        assertEquals(Bme280Calibration.BLOCK2_LENGTH, b2.length);
        assertEquals(c, Bme280Calibration.parse(b1, b2));
        assertArrayEquals(b2, Bme280Calibration.parse(b1, b2).block2());
    }

    @Test
    void rejectsOutOfRangeFieldsAndShortBlocks() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Bme280Calibration(
                70000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertTrue(e.getMessage().contains("dig_T1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Bme280Calibration(
                0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2048, 0, 0));
        assertTrue(e.getMessage().contains("dig_H4"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Bme280Calibration.parse(new byte[25], new byte[7]));
    }
}
