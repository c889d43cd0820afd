package io.kdrv.drivers.mcp3008.internal;

/**
 * The MCP3008's 32-clock frame (datasheet figure 6-1, extended by one byte): start bit as the last bit of byte 0,
 * then SGL/DIFF D2 D1 D0 at the top of byte 1. On the way back, byte 1 bit 2 is the null bit (0), bits 1..0 are
 * B9 B8, byte 2 is B7..B0, and byte 3 is the same result LSB first (B1..B8, figure 5-2). The second copy costs one
 * byte and lets a frame check itself: a chip that is absent (MISO stuck high), a wrong SPI mode or a clock too fast
 * garble it. A MISO stuck low cannot be told from 0 V on a grounded input. Stateless.
 */
final class Mcp3008Frame {
    static final int LENGTH = 4;

    private Mcp3008Frame() {
    }

    /** @param config SGL/DIFF in bit 3, D2..D0 in bits 2..0 */
    static byte[] request(int config) {
        return new byte[] {0x01, (byte) (config << 4), 0, 0};
    }

    /**
     * @return the 10-bit code
     * @throws Garbled when the frame does not check
     */
    static int decode(byte[] rx) throws Garbled {
        int b1 = rx[1] & 0xFF;
        int b2 = rx[2] & 0xFF;
        int b3 = rx[3] & 0xFF;
        if ((rx[0] & 0xFF) == 0xFF && b1 == 0xFF && b2 == 0xFF && b3 == 0xFF) {
            throw new Garbled("MISO reads all ones (chip absent, not powered, or MISO not connected?)");
        }
        if ((b1 & 0b100) != 0) {
            throw new Garbled("null bit is 1 (wrong SPI mode, clock too fast, or wiring?)");
        }
        int code = (b1 & 0b11) << 8 | b2;
        int echo = Integer.reverse(b3) >>> 24 << 1; // B1..B8 LSB first, back into bit positions 1..8
        if ((code & 0x1FE) != echo) {
            throw new Garbled(String.format("MSB-first result 0x%03x and its LSB-first copy disagree (bits 1..8: "
                    + "0x%03x vs 0x%03x): noise, a clock too fast, or wiring?", code, code & 0x1FE, echo));
        }
        return code;
    }

    /** A frame that does not check; the message says how. */
    static final class Garbled extends Exception {
        private static final long serialVersionUID = 1L;

        Garbled(String message) {
            super(message);
        }
    }
}
