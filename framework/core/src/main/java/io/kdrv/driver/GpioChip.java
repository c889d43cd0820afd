package io.kdrv.driver;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A registered {@link GpioController}, as seen by the driver that registered it ({@link
 * Device#registerGpioController}). Device-managed: unregistered when its device is removed, after the devices
 * using its lines (device links) have been removed. Thread-safe.
 */
@ProviderType
public interface GpioChip {
    /** The controller's name: its device's node name, as consumers reference it ({@code "<name>:<line>"}). */
    String name();

    /** {@link GpioController#lineCount()}. */
    int lineCount();

    /**
     * The global number of {@code line} (Linux's legacy GPIO number, {@code base + line}): what
     * {@link Device#getIntArray} returns for an entry {@code "<name>:<line>"}, and {@link IrqEvent#line()} and
     * {@link Irq#line()} of an IRQ on the line. Numbers are allocated per controller name from 512 on, in blocks of
     * 256, and stay the same for the life of the driver core; SoC lines keep their own numbers.
     */
    int number(int line);

    /**
     * Delivers an edge of {@code line} to the consumer's threaded IRQ, if one is requested on it (Linux
     * {@code handle_nested_irq}): called by the controller's own interrupt handler (usually its threaded IRQ on a
     * SoC line, which read the chip's interrupt flags and captured levels) for each line that changed. It only
     * queues the edge for the consumer's IRQ kthread {@code irq/<name>:<line>-<consumer>}, which counts it (edges,
     * debounce, overflows) and runs the consumer's handler: it never blocks and never runs consumer code. An edge on
     * a line without an IRQ, or a repeated level, is ignored (the consumer's polarity and debounce decide the rest).
     *
     * @param line           the line, {@code 0 <= line < lineCount()}
     * @param high           the physical level after the edge (active-low is applied for the consumer)
     * @param timestampNanos when the edge happened ({@link System#nanoTime()} base): the time of the controller's
     *                       own interrupt, which is the closest the host knows
     * @throws IndexOutOfBoundsException for a line outside the controller
     */
    void handleNestedIrq(int line, boolean high, long timestampNanos);

    /**
     * {@link #handleNestedIrq} for every line whose bit is set in {@code lines} (bit {@code i} = line {@code i},
     * lines 0..31), with the level of bit {@code i} of {@code levels}: for expanders that read their interrupt flags
     * and port levels as bitmasks. Never blocks; call it outside the driver's own locks.
     *
     * @throws IndexOutOfBoundsException for a set bit outside the controller's lines
     */
    default void handleNestedIrqs(int lines, int levels, long timestampNanos) {
        for (int rest = lines; rest != 0; rest &= rest - 1) {
            int i = Integer.numberOfTrailingZeros(rest);
            handleNestedIrq(i, (levels >> i & 1) != 0, timestampNanos);
        }
    }
}
