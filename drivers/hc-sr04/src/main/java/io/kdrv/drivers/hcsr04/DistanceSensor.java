package io.kdrv.drivers.hcsr04;

import java.util.Optional;

/**
 * A bound hc-sr04 device as seen from outside the driver: the device's driver data
 * ({@code device.driverData(DistanceSensor.class)}) and {@code HcSr04Driver.sensor(name)} while it is bound.
 *
 * <p>Thread-safety: all methods may be called from any thread; none blocks.
 */
public interface DistanceSensor {
    /** The device node's name. */
    String device();

    /** The last successful measurement, empty before the first one. Not cleared by a later failure. */
    Optional<DistanceReading> latest();

    /** Whether the last measurement failed (then {@link #lastError()} says why). */
    boolean failed();

    /** Why the last failed measurement failed (names device and lines), empty if none failed yet. */
    Optional<String> lastError();

    /** Measurements attempted since probe. */
    long measurements();

    /** Measurements without a complete echo within {@code timeout-ms} (target out of range or sensor absent). */
    long timeouts();

    /** The speed of sound now in use, m/s. */
    double speedOfSound();

    /**
     * Sets the air temperature used for the speed of sound from the next measurement on (e.g. from a BME280 next
     * to the ranger): {@code c = 331.3 * sqrt(1 + T / 273.15)} m/s.
     *
     * @param celsius air temperature, -100..100 °C
     * @throws IllegalArgumentException outside that range or NaN
     */
    void setTemperature(double celsius);
}
