package io.kdrv.drivers.ssd1306;

/**
 * Event Admin topic and property names of the ssd1306 driver: one event per flush that wrote pages
 * ({@code postEvent}, from the flushing thread, after the transfer).
 */
public final class Ssd1306Events {
    /** Topic of every flush. */
    public static final String TOPIC = "kdrv/display/ssd1306";
    /** String: the device node's name. */
    public static final String DEVICE = "device";
    /** int[]: the pages written (0..7, ascending). */
    public static final String PAGES = "pages";
    /** Integer: display RAM bytes written (128 per page). */
    public static final String BYTES = "bytes";
    /** Boolean: whether the display is on. */
    public static final String ON = "on";
    /** Long: milliseconds since the epoch (the Event Admin {@code timestamp} convention). */
    public static final String TIMESTAMP = "timestamp";
    /** Long: 1-based count of flushes. */
    public static final String SEQUENCE = "sequence";

    private Ssd1306Events() {
    }
}
