package io.kdrv.drivers.hd44780;

/** Event Admin topic and property names of the hd44780 driver. */
public final class Hd44780Events {
    private Hd44780Events() {
    }

    /** One event per flush that wrote rows, posted by the flushing thread after the writes. */
    public static final String TOPIC = "kdrv/display/hd44780";
    /** String: device name. */
    public static final String DEVICE = "device";
    /** int[]: the rows written, ascending. */
    public static final String ROWS = "rows";
    /** Boolean: display on. */
    public static final String ON = "on";
    /** Boolean: backlight on. */
    public static final String BACKLIGHT = "backlight";
    /** Long: epoch milliseconds. */
    public static final String TIMESTAMP = "timestamp";
    /** Long: flushes of this device so far, 1-based. */
    public static final String SEQUENCE = "sequence";
}
