package io.kdrv.drivers.ads1115.internal;

import com.pi4j.io.i2c.I2C;
import java.io.IOException;

/**
 * 16-bit register access to one ADS1115 over Pi4J I2C (pointer byte, then MSB first). Failures become
 * {@link IOException}s naming the device, bus, address and register. Not thread-safe: used by probe, then only
 * by the device's poller kthread.
 */
final class Ads1115Io {
    private static final String[] NAMES = {"conversion", "config", "lo_thresh", "hi_thresh"};
    private final I2C i2c;
    private final String where;

    Ads1115Io(I2C i2c, String device, int bus, int address) {
        this.i2c = i2c;
        this.where = "device " + device + " (i2c bus " + bus + " address " + String.format("0x%02X", address) + ")";
    }

    String where() {
        return where;
    }

    int read(int reg) throws IOException {
        byte[] buf = new byte[2];
        int n;
        try {
            n = i2c.readRegister(reg, buf, 0, 2);
        } catch (RuntimeException e) { // Pi4J reports bus errors (NACK) as unchecked exceptions
            throw new IOException(where + ": reading the " + NAMES[reg] + " register failed: " + e.getMessage(), e);
        }
        if (n != 2) {
            throw new IOException(where + ": reading the " + NAMES[reg] + " register returned " + n + " of 2 bytes");
        }
        return (buf[0] & 0xFF) << 8 | buf[1] & 0xFF;
    }

    void write(int reg, int value) throws IOException {
        int n;
        try {
            n = i2c.writeRegister(reg, new byte[] {(byte) (value >> 8), (byte) value}, 0, 2);
        } catch (RuntimeException e) {
            throw new IOException(where + ": writing " + hex4(value) + " to the " + NAMES[reg] + " register failed: "
                    + e.getMessage(), e);
        }
        if (n != 2) {
            throw new IOException(where + ": writing the " + NAMES[reg] + " register returned " + n);
        }
    }

    static String hex4(int v) {
        return String.format("0x%04X", v & 0xFFFF);
    }
}
