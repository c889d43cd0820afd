package io.kdrv.drivers.ledsgpio.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A repeating on/off pattern: a cycle of segments, each an LED level held for a duration. Immutable.
 *
 * <p>The LED kthread runs one cycle per {@link io.kdrv.kthread.PeriodicTimer} period (absolute deadlines, so the
 * pattern never drifts) and switches within a cycle at absolute offsets from the cycle's start.
 */
public final class BlinkPattern {
    /** Linux ledtrig-heartbeat's beat length: each of the two flashes lasts 70 ms. */
    public static final Duration HEARTBEAT_FLASH = Duration.ofMillis(70);

    /**
     * One segment.
     *
     * @param on     LED on during the segment
     * @param offset start, from the start of the cycle
     * @param length duration, positive
     */
    public record Segment(boolean on, Duration offset, Duration length) {
    }

    private final List<Segment> segments;
    private final Duration period;

    private BlinkPattern(List<Segment> segments) {
        this.segments = List.copyOf(segments);
        Segment last = segments.getLast();
        this.period = last.offset().plus(last.length());
    }

    /**
     * The {@code timer} trigger: on for {@code on}, off for {@code off}.
     *
     * @throws IllegalArgumentException if either is not positive (a steady LED needs no pattern)
     */
    public static BlinkPattern timer(Duration on, Duration off) {
        return of(true, on, false, off);
    }

    /**
     * The {@code heartbeat} trigger, Linux's double blink: on 70 ms, off until a quarter period, on 70 ms, off for
     * the rest of the period ({@code drivers/leds/trigger/ledtrig-heartbeat.c}, at a fixed period where Linux
     * derives it from the load average).
     *
     * @param period the cycle length
     * @throws IllegalArgumentException if a quarter of the period is not longer than one flash (70 ms), i.e. the
     *         period is shorter than 284 ms
     */
    public static BlinkPattern heartbeat(Duration period) {
        Duration quarter = period.dividedBy(4);
        if (quarter.compareTo(HEARTBEAT_FLASH) <= 0) {
            throw new IllegalArgumentException("heartbeat period " + period.toMillis()
                    + " ms too short: a quarter of it must exceed the 70 ms flash (use >= 284 ms)");
        }
        return of(true, HEARTBEAT_FLASH,
                false, quarter.minus(HEARTBEAT_FLASH),
                true, HEARTBEAT_FLASH,
                false, period.minus(quarter).minus(HEARTBEAT_FLASH));
    }

    /** Alternating level/duration pairs, e.g. {@code of(true, 100ms, false, 900ms)}. */
    private static BlinkPattern of(Object... levelsAndLengths) {
        List<Segment> list = new ArrayList<>();
        Duration offset = Duration.ZERO;
        for (int i = 0; i < levelsAndLengths.length; i += 2) {
            boolean on = (Boolean) levelsAndLengths[i];
            Duration length = (Duration) levelsAndLengths[i + 1];
            if (length.isNegative() || length.isZero()) {
                throw new IllegalArgumentException((on ? "on" : "off") + " time must be positive, got "
                        + length.toMillis() + " ms");
            }
            list.add(new Segment(on, offset, length));
            offset = offset.plus(length);
        }
        return new BlinkPattern(list);
    }

    /** The segments of one cycle, in order; the first starts at offset 0. */
    public List<Segment> segments() {
        return segments;
    }

    /** The cycle length: the sum of the segment lengths. */
    public Duration period() {
        return period;
    }

    /** Number of off-to-on switches per cycle. */
    public int flashesPerCycle() {
        return (int) segments.stream().filter(Segment::on).count();
    }

    /**
     * Whether the LED is on at {@code t} after the start of the pattern.
     *
     * @param t time since the start, not negative
     */
    public boolean onAt(Duration t) {
        long inCycle = t.toNanos() % period.toNanos();
        for (Segment s : segments) {
            if (inCycle < s.offset().plus(s.length()).toNanos()) {
                return s.on();
            }
        }
        return segments.getLast().on(); // unreachable: the last segment ends at the period
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("pattern[");
        for (Segment s : segments) {
            sb.append(s.on() ? "on " : "off ").append(s.length().toMillis()).append("ms ");
        }
        return sb.append("period ").append(period.toMillis()).append("ms]").toString();
    }
}
