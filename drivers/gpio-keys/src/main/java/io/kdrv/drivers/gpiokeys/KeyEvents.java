package io.kdrv.drivers.gpiokeys;

/**
 * Event Admin topic and property names of the key events the gpio-keys driver publishes: one event per accepted
 * press or release, posted ({@code postEvent}, asynchronous) from the key's IRQ kthread in edge order.
 */
public final class KeyEvents {
    /** Topic of every key event. */
    public static final String TOPIC = "kdrv/input/KEY";
    /** String: the device node's name. */
    public static final String DEVICE = "device";
    /**
     * Integer: the GPIO line's number (BCM number; for a line of a driver's GPIO controller its global number, 512
     * and up, which only tells lines apart: show {@link #LINE_NAME} instead).
     */
    public static final String LINE = "line";
    /** String: the GPIO line as the board file names it: {@code "17"}, or {@code "expander0:3"} on an expander. */
    public static final String LINE_NAME = "line.name";
    /** Integer: the key code (node key {@code linux,code} or {@code codes}; 0 when only labels are given). */
    public static final String CODE = "code";
    /** String: the key's label (node key {@code labels}, or {@code KEY_<code>}). */
    public static final String LABEL = "label";
    /** Boolean: true for a press, false for a release. */
    public static final String PRESSED = "pressed";
    /** Long: milliseconds since the epoch when the edge was seen (the Event Admin {@code timestamp} convention). */
    public static final String TIMESTAMP = "timestamp";
    /** Long: the edge's {@link System#nanoTime()} from the IRQ top half, for precise intervals. */
    public static final String TIMESTAMP_NANOS = "timestamp.nanos";
    /** Long: presses of this key since probe, including this one. */
    public static final String PRESSES = "presses";

    private KeyEvents() {
    }
}
