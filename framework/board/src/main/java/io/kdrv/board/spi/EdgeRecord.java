package io.kdrv.board.spi;

/**
 * One edge as the kernel reported it (the fields of {@code struct gpio_v2_line_event} that matter). Mutable and
 * reused by the reader so that reading edges allocates nothing.
 */
public final class EdgeRecord {
    /** Kernel timestamp, CLOCK_MONOTONIC: the same time base as {@link System#nanoTime()}. */
    public long timestampNanos;
    /** {@code true} for a rising edge (the line became active). */
    public boolean rising;
    /** The kernel's 1-based per-line sequence number; a gap means the kernel dropped edges (FIFO overflow). */
    public long lineSeqno;

    @Override
    public String toString() {
        return (rising ? "rising" : "falling") + "@" + timestampNanos + "#" + lineSeqno;
    }
}
