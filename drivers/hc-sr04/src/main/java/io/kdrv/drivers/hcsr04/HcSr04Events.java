package io.kdrv.drivers.hcsr04;

/**
 * Event Admin topic and property names of the hc-sr04 driver: one event per measurement, posted
 * ({@code postEvent}, asynchronous) from the device's poller kthread in measurement order.
 */
public final class HcSr04Events {
    /** Topic of every measurement event, successful or not. */
    public static final String TOPIC = "kdrv/sensor/distance";
    /** String: the device node's name. */
    public static final String DEVICE = "device";
    /** Double: distance to the target in metres; {@code NaN} when the measurement failed (see {@link #ERROR}). */
    public static final String DISTANCE = "distance";
    /** Long: width of the echo pulse in nanoseconds (from the IRQ edge timestamps); absent on failure. */
    public static final String ECHO_NANOS = "echo.nanos";
    /** Double: the speed of sound used, in m/s. */
    public static final String SPEED_OF_SOUND = "speed-of-sound";
    /** String: present only on a failed measurement; names the device and the lines (e.g. no echo). */
    public static final String ERROR = "error";
    /** Long: milliseconds since the epoch of the trigger. */
    public static final String TIMESTAMP = "timestamp";
    /** Long: 1-based number of this measurement since probe (failed ones included). */
    public static final String SEQUENCE = "sequence";

    private HcSr04Events() {
    }
}
