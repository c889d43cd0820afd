package io.kdrv.drivers.rotary;

/**
 * A bound rotary-encoder device as seen from outside the driver: the device's driver data
 * ({@code device.driverData(RotaryEncoder.class)}) and {@code RotaryEncoderDriver.encoder(name)} while bound.
 *
 * <p>Thread-safety: all methods may be called from any thread; none blocks.
 */
public interface RotaryEncoder {
    /** The device node's name. */
    String device();

    /** The EV_ABS position: 0..steps (clamped), or 0..steps-1 with rollover; for a relative axis, {@link #count()}. */
    long position();

    /** Net steps since probe, clockwise positive. */
    long count();

    /**
     * Edges known to be missing: gaps in the per-line edge sequence numbers (edges dropped by the kernel or by
     * kdrv's IRQ FIFO on overflow) on the A and B lines.
     */
    long lostEdges();

    /** Transitions where both lines changed at once (a lost edge or a glitch): direction unknown, no step. */
    long impossibleTransitions();

    /** Edges dropped by kdrv's IRQ FIFOs of the A and B lines ({@code Irq.overflows()}). */
    long irqOverflows();

    /** Edges the kernel dropped on the A and B lines ({@code Irq.lost()}; 0 on the mock board). */
    long irqLost();

    /** Whether the push button is pressed (false without a button). */
    boolean pressed();

    /** Button presses since probe. */
    long presses();
}
