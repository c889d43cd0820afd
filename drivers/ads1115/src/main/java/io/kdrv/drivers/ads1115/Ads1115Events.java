package io.kdrv.drivers.ads1115;

/**
 * Event Admin topic and property names of the readings the ads1115 driver publishes: one event per sample (all
 * channels), {@code postEvent} from the poller kthread, in sample order.
 */
public final class Ads1115Events {
    /** Topic of every reading. */
    public static final String TOPIC = "kdrv/adc/ads1115";
    /** String: the device node's name. */
    public static final String DEVICE = "device";
    /** String[]: the channel names, in node order. */
    public static final String CHANNELS = "channels";
    /** double[]: volts per channel, same order as {@link #CHANNELS}. */
    public static final String VOLTS = "volts";
    /** Prefix of one Double property per channel, in volts: {@code volts.ain0}, {@code volts.ain0-ain1}. */
    public static final String VOLTS_PREFIX = "volts.";
    /** Double: the full-scale range in volts (±). */
    public static final String FULL_SCALE = "full-scale";
    /** Long: milliseconds since the epoch (the Event Admin {@code timestamp} convention). */
    public static final String TIMESTAMP = "timestamp";
    /** Long: 1-based sequence number of the reading. */
    public static final String SEQUENCE = "sequence";

    private Ads1115Events() {
    }
}
