package io.kdrv.drivers.bme280;

/**
 * The factory trimming parameters of one BME280, read once at probe from registers {@code 0x88..0xA1} and
 * {@code 0xE1..0xE7} (datasheet BST-BME280-DS002, table 16). Field names follow the datasheet ({@code dig_T1} is
 * {@link #t1()}); the Java types are wide enough for the datasheet's signedness (unsigned 16-bit fields are ints).
 *
 * <p>Immutable and thread-safe.
 *
 * @param t1 dig_T1, unsigned 16 bit
 * @param t2 dig_T2, signed 16 bit
 * @param t3 dig_T3, signed 16 bit
 * @param p1 dig_P1, unsigned 16 bit
 * @param p2 dig_P2, signed 16 bit
 * @param p3 dig_P3, signed 16 bit
 * @param p4 dig_P4, signed 16 bit
 * @param p5 dig_P5, signed 16 bit
 * @param p6 dig_P6, signed 16 bit
 * @param p7 dig_P7, signed 16 bit
 * @param p8 dig_P8, signed 16 bit
 * @param p9 dig_P9, signed 16 bit
 * @param h1 dig_H1, unsigned 8 bit
 * @param h2 dig_H2, signed 16 bit
 * @param h3 dig_H3, unsigned 8 bit
 * @param h4 dig_H4, signed 12 bit
 * @param h5 dig_H5, signed 12 bit
 * @param h6 dig_H6, signed 8 bit
 */
public record Bme280Calibration(int t1, int t2, int t3,
        int p1, int p2, int p3, int p4, int p5, int p6, int p7, int p8, int p9,
        int h1, int h2, int h3, int h4, int h5, int h6) {

    /** Length of the first calibration block, registers {@code 0x88..0xA1}. */
    public static final int BLOCK1_LENGTH = 26;
    /** Length of the second calibration block, registers {@code 0xE1..0xE7}. */
    public static final int BLOCK2_LENGTH = 7;

    /**
     * Validates the ranges of the datasheet types, so a calibration built by hand (a simulated chip) can be
     * written back to registers without silent truncation.
     *
     * @throws IllegalArgumentException naming the first field out of range
     */
    public Bme280Calibration {
        checkRange("dig_T1", t1, 0, 0xFFFF);
        checkRange("dig_T2", t2, Short.MIN_VALUE, Short.MAX_VALUE);
        checkRange("dig_T3", t3, Short.MIN_VALUE, Short.MAX_VALUE);
        checkRange("dig_P1", p1, 0, 0xFFFF);
        int[] ps = {p2, p3, p4, p5, p6, p7, p8, p9};
        for (int i = 0; i < ps.length; i++) {
            checkRange("dig_P" + (i + 2), ps[i], Short.MIN_VALUE, Short.MAX_VALUE);
        }
        checkRange("dig_H1", h1, 0, 0xFF);
        checkRange("dig_H2", h2, Short.MIN_VALUE, Short.MAX_VALUE);
        checkRange("dig_H3", h3, 0, 0xFF);
        checkRange("dig_H4", h4, -2048, 2047);
        checkRange("dig_H5", h5, -2048, 2047);
        checkRange("dig_H6", h6, Byte.MIN_VALUE, Byte.MAX_VALUE);
    }

    private static void checkRange(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " = " + value + " out of range " + min + ".." + max);
        }
    }

    /**
     * Decodes the two calibration blocks as read from the chip.
     *
     * @param block1 {@value #BLOCK1_LENGTH} bytes from register {@code 0x88} ({@code 0x88..0xA1})
     * @param block2 {@value #BLOCK2_LENGTH} bytes from register {@code 0xE1} ({@code 0xE1..0xE7})
     * @return the calibration
     * @throws IllegalArgumentException if a block is shorter than required
     */
    public static Bme280Calibration parse(byte[] block1, byte[] block2) {
        if (block1.length < BLOCK1_LENGTH || block2.length < BLOCK2_LENGTH) {
            throw new IllegalArgumentException("calibration blocks need " + BLOCK1_LENGTH + " and " + BLOCK2_LENGTH
                    + " bytes, got " + block1.length + " and " + block2.length);
        }
        // 0x88..0x9F: twelve little-endian 16-bit words; 0xA0 is reserved; 0xA1 is dig_H1.
        int t1 = u16(block1, 0);
        int t2 = s16(block1, 2);
        int t3 = s16(block1, 4);
        int p1 = u16(block1, 6);
        int p2 = s16(block1, 8);
        int p3 = s16(block1, 10);
        int p4 = s16(block1, 12);
        int p5 = s16(block1, 14);
        int p6 = s16(block1, 16);
        int p7 = s16(block1, 18);
        int p8 = s16(block1, 20);
        int p9 = s16(block1, 22);
        int h1 = block1[25] & 0xFF;
        // 0xE1..0xE7: dig_H2 (LE s16), dig_H3 (u8), then dig_H4/dig_H5 packed as two signed 12-bit values
        // sharing register 0xE5 (H4 = E4[7:0]:E5[3:0], H5 = E6[7:0]:E5[7:4]), then dig_H6 (s8).
        int h2 = s16(block2, 0);
        int h3 = block2[2] & 0xFF;
        int e4 = block2[3];          // signed: the 12-bit value's sign lives in its top byte
        int e5 = block2[4] & 0xFF;
        int e6 = block2[5];          // signed, same reason
        int h4 = (e4 << 4) | (e5 & 0x0F);
        int h5 = (e6 << 4) | (e5 >> 4);
        int h6 = block2[6];
        return new Bme280Calibration(t1, t2, t3, p1, p2, p3, p4, p5, p6, p7, p8, p9, h1, h2, h3, h4, h5, h6);
    }

    /**
     * The first calibration block ({@code 0x88..0xA1}) as the chip stores it; the reserved byte {@code 0xA0} is 0.
     *
     * @return a new {@value #BLOCK1_LENGTH}-byte array
     */
    public byte[] block1() {
        byte[] b = new byte[BLOCK1_LENGTH];
        int[] words = {t1, t2, t3, p1, p2, p3, p4, p5, p6, p7, p8, p9};
        for (int i = 0; i < words.length; i++) {
            b[2 * i] = (byte) words[i];
            b[2 * i + 1] = (byte) (words[i] >> 8);
        }
        b[25] = (byte) h1;
        return b;
    }

    /**
     * The second calibration block ({@code 0xE1..0xE7}) with the packed dig_H4/dig_H5 layout.
     *
     * @return a new {@value #BLOCK2_LENGTH}-byte array
     */
    public byte[] block2() {
        byte[] b = new byte[BLOCK2_LENGTH];
        b[0] = (byte) h2;
        b[1] = (byte) (h2 >> 8);
        b[2] = (byte) h3;
        b[3] = (byte) (h4 >> 4);
        b[4] = (byte) (((h5 & 0x0F) << 4) | (h4 & 0x0F));
        b[5] = (byte) (h5 >> 4);
        b[6] = (byte) h6;
        return b;
    }

    private static int u16(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static int s16(byte[] b, int i) {
        return (short) u16(b, i);
    }
}
