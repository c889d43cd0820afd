package io.kdrv.kthread.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Duration to nanoseconds for timeouts. Internal: not part of the exported API.
 */
public final class Durations {
    /** ~73 years: far enough to mean "forever", small enough that {@code nanoTime() + x} differences never overflow. */
    private static final long MAX_NANOS = Long.MAX_VALUE >> 1;

    private Durations() {
    }

    /**
     * @return the duration in nanoseconds: 0 for zero or negative, saturated at ~73 years
     * @throws NullPointerException if {@code d} is null
     */
    public static long toNanos(Duration d) {
        Objects.requireNonNull(d, "timeout");
        if (d.isNegative() || d.isZero()) {
            return 0;
        }
        return d.compareTo(Duration.ofNanos(MAX_NANOS)) >= 0 ? MAX_NANOS : d.toNanos();
    }
}
