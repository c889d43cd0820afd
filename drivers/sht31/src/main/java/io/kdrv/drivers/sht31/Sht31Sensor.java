package io.kdrv.drivers.sht31;

import java.io.IOException;
import java.util.Optional;

/**
 * A bound SHT31 as seen from outside the driver: the latest reading, counters, heater and status register.
 * Available as the device's driver data ({@code device.driverData(Sht31Sensor.class)}) and from the driver
 * component while the device is bound.
 *
 * <p>Thread-safety: all methods may be called from any thread. The getters never block; {@link #setHeater} and
 * {@link #readStatus} block for one I2C command (they are serialised with the poller's transfers).
 */
public interface Sht31Sensor {
    /** The device node's name. */
    String device();

    /** The most recent reading, empty until the first sample was read. */
    Optional<Sht31Reading> latest();

    /** Number of successful readings so far. */
    long readings();

    /** Number of failed samples (I2C errors, CRC failures left after the retries) so far; polling goes on. */
    long errors();

    /** Number of words whose CRC did not match (each retried), so far. */
    long crcErrors();

    /** Name of the polling kthread: the core's sensor poller {@code sensor/<device>}. */
    String threadName();

    /** Whether the heater is switched on (as last commanded). */
    boolean heater();

    /**
     * Switches the on-chip heater (commands 0x306D on / 0x3066 off). Blocks for the I2C transfer.
     *
     * @throws IOException naming device, bus and address if the chip does not acknowledge
     */
    void setHeater(boolean on) throws IOException;

    /**
     * Reads the status register (command 0xF32D), CRC-checked. Bits: 15 alert pending, 13 heater on, 11 RH alert,
     * 10 T alert, 4 reset detected, 1 last command not processed, 0 last write checksum wrong. Blocks.
     *
     * @throws IOException naming device, bus and address on a NACK or a CRC mismatch
     */
    int readStatus() throws IOException;
}
