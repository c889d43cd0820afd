package io.kdrv.drivers.rotary;

/**
 * Event Admin topic and property names of the rotary-encoder driver, in the style of Linux input events: one event
 * per step (EV_REL value ±1, or EV_ABS with the new position) and one per button press and release (EV_KEY).
 * Posted ({@code postEvent}, asynchronous) from worker kthread {@code rotary/<device>} in decoding order.
 */
public final class RotaryEvents {
    /** Topic of every encoder event. */
    public static final String TOPIC = "kdrv/input/rotary";
    /** String: the device node's name. */
    public static final String DEVICE = "device";
    /** String: {@link #EV_REL}, {@link #EV_ABS} or {@link #EV_KEY}. */
    public static final String TYPE = "type";
    /** Integer: the axis ({@code linux,axis}, 0 = REL_X / ABS_X) or the button's key code ({@code linux,code}). */
    public static final String CODE = "code";
    /**
     * Integer: EV_REL: +1 clockwise, -1 counter-clockwise (encoder steps); EV_ABS: the new position, 0..steps
     * (0..steps-1 with rollover); EV_KEY: 1 pressed, 0 released.
     */
    public static final String VALUE = "value";
    /** Long: net steps since probe (clockwise positive), without clamping or rollover. */
    public static final String COUNT = "count";
    /** Long: milliseconds since the epoch of the edge that completed the step (or moved the button). */
    public static final String TIMESTAMP = "timestamp";
    /** Long: {@code System.nanoTime()} of that edge (the IRQ edge timestamp). */
    public static final String TIMESTAMP_NANOS = "timestamp.nanos";

    public static final String EV_REL = "EV_REL";
    public static final String EV_ABS = "EV_ABS";
    public static final String EV_KEY = "EV_KEY";

    private RotaryEvents() {
    }
}
