package io.kdrv.drivers.ds18b20;

import java.util.OptionalDouble;

/**
 * A bound DS18B20 as its driver sees it: the latest temperature and the error counters. The readings also go to
 * the core's sensor channel {@code temperature} (°C; {@code kdrv:read <device>}, Event Admin
 * {@code kdrv/sensor/<device>}). Thread-safe snapshot getters.
 */
public interface Ds18b20Sensor {
    /** @return the device node's name */
    String device();

    /** @return the slave's 1-Wire id */
    String w1Id();

    /** @return the configured resolution in bits */
    int resolution();

    /** @return the latest temperature in °C, empty before the first reading */
    OptionalDouble latest();

    /** @return readings published */
    long readings();

    /** @return scratchpad reads whose CRC did not match (each one was retried) */
    long crcErrors();

    /** @return reads that returned the 85 °C power-on value (no conversion had run; retried with a new one) */
    long powerOnReadings();

    /** @return polls that gave up (every retry failed, or the sensor was absent) */
    long failures();
}
