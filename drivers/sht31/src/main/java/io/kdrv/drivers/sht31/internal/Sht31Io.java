package io.kdrv.drivers.sht31.internal;

import com.pi4j.io.i2c.I2C;
import io.kdrv.drivers.sht31.Sht31Crc;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Command/read access to one SHT31 over Pi4J I2C: 16-bit commands (MSB first) and reads of CRC-protected words.
 * Failures become {@link IOException}s naming the device, bus, address and command; a CRC mismatch is a
 * {@link CrcException}.
 *
 * <p>Thread-safety: a command and the read that belongs to it form one exchange; {@link #lock()} is held around
 * it by the caller so the poller and {@code setHeater}/{@code readStatus} callers do not interleave. The lock only
 * covers I2C transfers (no framework or driver call).
 */
final class Sht31Io {
    private final I2C i2c;
    private final String where; // "device rh0 (i2c bus 1 address 0x44)"
    private final ReentrantLock lock = new ReentrantLock();

    Sht31Io(I2C i2c, String device, int bus, int address) {
        this.i2c = i2c;
        this.where = "device " + device + " (i2c bus " + bus + " address " + String.format("0x%02X", address) + ")";
    }

    String where() {
        return where;
    }

    ReentrantLock lock() {
        return lock;
    }

    void command(int command) throws IOException {
        int n;
        try {
            n = i2c.write(new byte[] {(byte) (command >> 8), (byte) command});
        } catch (RuntimeException e) { // Pi4J reports bus errors (NACK) as unchecked exceptions
            throw new IOException(where + ": command " + Sht31Commands.hex4(command) + " failed: " + e.getMessage(), e);
        }
        if (n != 2) {
            throw new IOException(where + ": command " + Sht31Commands.hex4(command) + " wrote " + n + " of 2 bytes");
        }
    }

    /**
     * Reads {@code words} CRC-protected words (3 bytes each) after {@code command}.
     *
     * @throws CrcException naming device, command, word index, word and both CRCs on a mismatch
     */
    int[] readWords(int command, int words) throws IOException {
        byte[] buf = new byte[3 * words];
        int n;
        try {
            n = i2c.read(buf, 0, buf.length);
        } catch (RuntimeException e) {
            throw new IOException(where + ": reading the result of " + Sht31Commands.hex4(command) + " failed: "
                    + e.getMessage(), e);
        }
        if (n != buf.length) {
            throw new IOException(where + ": reading the result of " + Sht31Commands.hex4(command) + " returned " + n
                    + " of " + buf.length + " bytes");
        }
        int[] out = new int[words];
        for (int i = 0; i < words; i++) {
            int msb = buf[3 * i] & 0xFF;
            int lsb = buf[3 * i + 1] & 0xFF;
            int got = buf[3 * i + 2] & 0xFF;
            int want = Sht31Crc.crc(msb, lsb);
            if (got != want) {
                throw new CrcException(String.format("%s: CRC mismatch in word %d of %s: word 0x%02X%02X has CRC 0x%02X,"
                        + " expected 0x%02X", where, i, Sht31Commands.hex4(command), msb, lsb, got, want));
            }
            out[i] = msb << 8 | lsb;
        }
        return out;
    }

    /** A word read back with a checksum that does not match: data corrupted on the bus. */
    static final class CrcException extends IOException {
        private static final long serialVersionUID = 1L;

        CrcException(String message) {
            super(message);
        }
    }
}
