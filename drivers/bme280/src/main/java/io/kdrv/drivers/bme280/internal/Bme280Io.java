package io.kdrv.drivers.bme280.internal;

import com.pi4j.io.i2c.I2C;
import io.kdrv.drivers.bme280.Bme280Calibration;
import io.kdrv.kthread.Kthread;
import java.io.IOException;
import java.time.Duration;

/**
 * Register access to one BME280 over Pi4J I2C: burst reads and byte writes whose failures become
 * {@link IOException}s naming the device, bus, address and register. Not thread-safe: used by probe, then only by
 * the device's poller kthread (probe finishes before the poller starts).
 */
final class Bme280Io {
    private final I2C i2c;
    private final String where; // "device env0 (i2c bus 1 address 0x76)"

    Bme280Io(I2C i2c, String device, String bus, String address) {
        this.i2c = i2c;
        this.where = "device " + device + " (i2c bus " + bus + " address " + address + ")";
    }

    String where() {
        return where;
    }

    /** Reads {@code length} consecutive registers from {@code reg} in one transfer (auto-increment). */
    byte[] read(int reg, int length) throws IOException {
        byte[] buf = new byte[length];
        int n;
        try {
            n = i2c.readRegister(reg, buf, 0, length);
        } catch (RuntimeException e) { // Pi4J reports bus errors as unchecked exceptions
            throw new IOException(where + ": reading " + length + " bytes at register " + hex(reg) + " failed: " + e, e);
        }
        if (n != length) {
            throw new IOException(where + ": reading " + length + " bytes at register " + hex(reg) + " returned " + n);
        }
        return buf;
    }

    int read(int reg) throws IOException {
        return read(reg, 1)[0] & 0xFF;
    }

    void write(int reg, int value) throws IOException {
        int n;
        try {
            n = i2c.writeRegister(reg, (byte) value);
        } catch (RuntimeException e) {
            throw new IOException(where + ": writing " + hex(value) + " to register " + hex(reg) + " failed: " + e, e);
        }
        if (n < 0) {
            throw new IOException(where + ": writing " + hex(value) + " to register " + hex(reg) + " returned " + n);
        }
    }

    /**
     * Soft reset, then waits until the chip has copied its NVM trimming into the registers ({@code im_update}
     * clear). Datasheet start-up time is 2 ms.
     *
     * @throws IOException if the chip is still updating after {@code timeout}
     */
    void softReset(Duration timeout) throws IOException {
        write(Bme280Registers.RESET, Bme280Registers.RESET_WORD);
        long deadline = System.nanoTime() + timeout.toNanos();
        Kthread.sleep(Duration.ofMillis(2));
        while ((read(Bme280Registers.STATUS) & Bme280Registers.STATUS_IM_UPDATE) != 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(where + ": still copying NVM (status im_update) " + timeout.toMillis()
                        + " ms after soft reset");
            }
            Kthread.sleep(Duration.ofMillis(1));
        }
    }

    Bme280Calibration readCalibration() throws IOException {
        byte[] b1 = read(Bme280Registers.CALIB00, Bme280Calibration.BLOCK1_LENGTH);
        byte[] b2 = read(Bme280Registers.CALIB26, Bme280Calibration.BLOCK2_LENGTH);
        return Bme280Calibration.parse(b1, b2);
    }

    static String hex(int v) {
        return String.format("0x%02X", v);
    }
}
