package io.kdrv.drivers.dht22;

import java.util.Optional;

/**
 * A bound dht22 device as seen from outside the driver: the device's driver data
 * ({@code device.driverData(Dht22Sensor.class)}) and {@code Dht22Driver.sensor(name)} while it is bound.
 *
 * <p>Thread-safety: all methods may be called from any thread; none blocks.
 */
public interface Dht22Sensor {
    /** The device node's name. */
    String device();

    /** The last successful reading, empty before the first. Not cleared by a later failure. */
    Optional<Dht22Reading> latest();

    /** Whether the last reading failed after all its retries ({@link #lastError()} says why). */
    boolean failed();

    /** Why the last failed attempt failed (names device and lines), empty if none failed yet. */
    Optional<String> lastError();

    /** Start signals sent since probe (every attempt, retries included). */
    long attempts();

    /** Attempts whose 40 bits arrived but whose checksum did not match. */
    long checksumErrors();

    /** Attempts without a complete response within {@code timeout-ms} (no sensor, or bits missing). */
    long timeouts();

    /** Readings that failed after all retries. */
    long failures();
}
