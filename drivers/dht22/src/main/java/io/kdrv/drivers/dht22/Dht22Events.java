package io.kdrv.drivers.dht22;

/**
 * Event Admin topic and property names of the dht22 driver: one event per reading (after any retries), posted
 * ({@code postEvent}, asynchronous) from the device's poller kthread in order.
 */
public final class Dht22Events {
    /** Topic of every reading event, successful or not. */
    public static final String TOPIC = "kdrv/sensor/dht22";
    /** String: the device node's name. */
    public static final String DEVICE = "device";
    /** Double: temperature in °C (0.1 °C resolution); NaN when the reading failed. */
    public static final String TEMPERATURE = "temperature";
    /** Double: relative humidity in %RH (0.1 %RH resolution); NaN when the reading failed. */
    public static final String HUMIDITY = "humidity";
    /** Integer: start signals this reading took (1 = no retry). */
    public static final String ATTEMPTS = "attempts";
    /** String: only on a failed reading: why the last attempt failed, naming the device and lines. */
    public static final String ERROR = "error";
    /** Long: milliseconds since the epoch of the (last) start signal. */
    public static final String TIMESTAMP = "timestamp";
    /** Long: 1-based reading number since probe (failed readings included). */
    public static final String SEQUENCE = "sequence";

    private Dht22Events() {
    }
}
