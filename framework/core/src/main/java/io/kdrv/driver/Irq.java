package io.kdrv.driver;

import java.time.Duration;

/**
 * A requested threaded IRQ (see {@link Device#requestThreadedIrq}). Device-managed: freed on remove. Thread-safe.
 */
public interface Irq {
    /** The GPIO line. */
    int line();

    /** Name of the bottom-half kthread, {@code irq/<line>-<device>}. */
    String threadName();

    /** Edges seen by the top half. */
    long edges();

    /** Edges handled by the bottom half. */
    long handled();

    /** Edges dropped because the FIFO was full: never silent. */
    long overflows();

    /**
     * Edges the kernel dropped before kdrv could read them (gaps in the kernel's per-line sequence numbers on a
     * GPIO character device; always 0 on the mock board). Counted apart from {@link #overflows()}, which are kdrv's
     * own FIFO's.
     */
    default long lost() {
        return 0;
    }

    /** Edges ignored by software debounce. */
    long debounced();

    /** The debounce window (zero when off). */
    Duration debounce();

    /** Frees the IRQ now (idempotent); otherwise it is freed on remove. */
    void free();
}
