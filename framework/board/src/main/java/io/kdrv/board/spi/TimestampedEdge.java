package io.kdrv.board.spi;

/**
 * Implemented by a Pi4J {@code DigitalStateChangeEvent} that knows when its edge happened (a simulated device on
 * the mock board that injects edges with the timestamps of its own timing model). The threaded IRQ's top half
 * then stamps the edge with {@link #timestampNanos()} instead of reading the clock, so drivers that measure pulse
 * widths from edge timestamps decode deterministically however late the edge is dispatched.
 *
 * <p>Not for drivers; for board providers. The provider is responsible for giving the edges of one line
 * non-decreasing timestamps.
 */
public interface TimestampedEdge {
    /** When the edge happened, in the {@link System#nanoTime()} time base. */
    long timestampNanos();
}
