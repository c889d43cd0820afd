package io.kdrv.drivers.sht31;

/**
 * Event Admin topic and property names of the readings the sht31 driver publishes, one event per sample
 * ({@code postEvent}, asynchronous, in sample order, from the poller kthread).
 */
public final class Sht31Events {
    /** Topic of every reading. */
    public static final String TOPIC = "kdrv/sensor/sht31";
    /** String: the device node's name. */
    public static final String DEVICE = "device";
    /** Double: degrees Celsius. */
    public static final String TEMPERATURE = "temperature";
    /** Double: percent relative humidity. */
    public static final String HUMIDITY = "humidity";
    /** Boolean: whether the on-chip heater was on (it raises the temperature read). */
    public static final String HEATER = "heater";
    /** Long: milliseconds since the epoch (the Event Admin {@code timestamp} convention). */
    public static final String TIMESTAMP = "timestamp";
    /** Long: 1-based sequence number of the reading. */
    public static final String SEQUENCE = "sequence";

    private Sht31Events() {
    }
}
