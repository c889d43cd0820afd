package io.kdrv.drivers.bme280;

import java.util.Optional;

/**
 * A bound BME280 as seen from outside the driver: the latest reading and counters. Available as the device's
 * driver data ({@code device.driverData(Bme280Sensor.class)}) and from the driver component while the device is
 * bound.
 *
 * <p>Thread-safety: all methods may be called from any thread; they never block.
 */
public interface Bme280Sensor {
    /** The device node's name. */
    String device();

    /** The most recent reading, empty until the first sample was read. */
    Optional<Bme280Reading> latest();

    /** Number of successful readings so far. */
    long readings();

    /** Number of failed samples (I2C errors, measurement timeouts) so far; the poller keeps going after one. */
    long errors();

    /** Name of the polling kthread: the core's sensor poller {@code sensor/<device>}. */
    String threadName();
}
