package io.kdrv.drivers.ads1115;

import java.util.Optional;

/**
 * A bound ADS1115 as seen from outside the driver: the latest reading and counters. Available as the device's
 * driver data ({@code device.driverData(Ads1115Sensor.class)}) and from the driver component while bound.
 *
 * <p>Thread-safety: all methods may be called from any thread; they never block.
 */
public interface Ads1115Sensor {
    /** The device node's name. */
    String device();

    /** The most recent reading, empty until the first sample was read. */
    Optional<Ads1115Reading> latest();

    /** Number of successful readings so far. */
    long readings();

    /** Number of failed samples (I2C errors, conversions not done in time) so far; polling goes on. */
    long errors();

    /** Conversions whose end was signalled by the ALERT/RDY interrupt (0 without {@code ready-gpios}). */
    long readyInterrupts();

    /** Name of the polling kthread: the core's sensor poller {@code sensor/<device>}. */
    String threadName();
}
