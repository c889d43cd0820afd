package io.kdrv.drivers.pirmotion;

/**
 * Event Admin topic and property names of the motion events the pir-motion driver publishes: one event when
 * motion starts and one when it ends, posted ({@code postEvent}, asynchronous) in that order.
 */
public final class MotionEvents {
    /** Topic of every motion event. */
    public static final String TOPIC = "kdrv/sensor/motion";
    /** String: the device node's name. */
    public static final String DEVICE = "device";
    /** Boolean: true when motion starts, false when it ends. */
    public static final String MOTION = "motion";
    /** Long: milliseconds since the epoch of the edge that started or ended the motion. */
    public static final String TIMESTAMP = "timestamp";
    /**
     * Long: milliseconds the sensor output was high during the last motion (from its first rising edge to its
     * last falling edge, without {@code hold-ms}). On a motion-end event this is the motion that just ended; on a
     * motion-start event it is the previous one (0 for the first).
     */
    public static final String DURATION = "duration";
    /** Long: motions detected since probe, including the current one. */
    public static final String COUNT = "count";

    private MotionEvents() {
    }
}
