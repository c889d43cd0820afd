package io.kdrv.drivers.bme280;

/**
 * Event Admin topic and property names of the readings the bme280 driver publishes, one event per sample
 * ({@code postEvent}, asynchronous, in sample order).
 */
public final class Bme280Events {
    /** Topic of every reading. */
    public static final String TOPIC = "kdrv/sensor/bme280";
    /** String: the device node's name. */
    public static final String DEVICE = "device";
    /** Double: degrees Celsius (NaN when temperature oversampling is 0). */
    public static final String TEMPERATURE = "temperature";
    /** Double: pascal (NaN when pressure oversampling is 0). */
    public static final String PRESSURE = "pressure";
    /** Double: percent relative humidity (NaN when humidity oversampling is 0). */
    public static final String HUMIDITY = "humidity";
    /** Long: milliseconds since the epoch (the Event Admin {@code timestamp} convention). */
    public static final String TIMESTAMP = "timestamp";
    /** Long: 1-based sequence number of the reading. */
    public static final String SEQUENCE = "sequence";

    private Bme280Events() {
    }
}
