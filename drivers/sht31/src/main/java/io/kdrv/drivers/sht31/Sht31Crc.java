package io.kdrv.drivers.sht31;

/**
 * The SHT3x checksum: CRC-8 with polynomial 0x31 (x^8 + x^5 + x^4 + 1), initial value 0xFF, no reflection, no final
 * XOR, over each 16-bit word (MSB first). Datasheet example: {@code crc(0xBE, 0xEF) == 0x92}. Stateless and
 * thread-safe.
 */
public final class Sht31Crc {
    private static final int POLYNOMIAL = 0x31;
    private static final int INIT = 0xFF;

    private Sht31Crc() {
    }

    /** @return the CRC of the word {@code msb:lsb} (each 0..255; higher bits ignored), 0..255 */
    public static int crc(int msb, int lsb) {
        int crc = INIT;
        for (int b : new int[] {msb & 0xFF, lsb & 0xFF}) {
            crc ^= b;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x80) != 0 ? (crc << 1 ^ POLYNOMIAL) & 0xFF : crc << 1 & 0xFF;
            }
        }
        return crc;
    }

    /** @return the CRC of the 16-bit {@code word} */
    public static int crc(int word) {
        return crc(word >> 8, word);
    }
}
