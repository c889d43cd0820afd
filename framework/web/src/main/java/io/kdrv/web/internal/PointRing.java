package io.kdrv.web.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * One sensor channel's plotted history: (time in ms, value) points, oldest first, in two primitive ring arrays.
 * 16 bytes a point instead of about 40 for a {@code double[2]} per point in a deque: a 10-minute window of 20
 * channels at 2 Hz is 24,000 points, and it lives in the old generation for as long as the service runs.
 *
 * <p>The arrays start small and double up to {@code max} points. Not thread-safe: {@link EventHub} guards each
 * device's rings with its own lock.
 */
final class PointRing {
    private static final int INITIAL = 16;

    private final int max;
    private long[] times = new long[INITIAL];
    private double[] values = new double[INITIAL];
    private int head; // index of the oldest point
    private int size;

    /** @param max points kept at most; the oldest go first */
    PointRing(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("a point ring keeps at least 1 point, got " + max);
        }
        this.max = max;
    }

    /**
     * Appends a point unless it repeats the newest one (same time and value: one sample seen twice, as a driver's
     * own event and the core's channel event), then drops points older than {@code oldestMs} and beyond the limit.
     */
    void add(long timeMs, double value, long oldestMs) {
        if (size > 0) {
            int last = index(size - 1);
            if (times[last] == timeMs && Double.compare(values[last], value) == 0) {
                return;
            }
        }
        if (size == max) {
            dropOldest();
        } else if (size == times.length) {
            grow();
        }
        int at = index(size);
        times[at] = timeMs;
        values[at] = value;
        size++;
        while (size > 0 && times[head] < oldestMs) {
            dropOldest();
        }
    }

    /** @return the points after {@code sinceMs}, oldest first, each as {@code [time, value]} */
    List<Object> pointsAfter(long sinceMs) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int at = index(i);
            if (times[at] > sinceMs) {
                out.add(List.of(times[at], values[at]));
            }
        }
        return out;
    }

    int size() {
        return size;
    }

    private int index(int i) {
        return (head + i) % times.length;
    }

    private void dropOldest() {
        head = (head + 1) % times.length;
        size--;
    }

    private void grow() {
        int n = Math.min(max, times.length * 2);
        long[] t = new long[n];
        double[] v = new double[n];
        for (int i = 0; i < size; i++) {
            t[i] = times[index(i)];
            v[i] = values[index(i)];
        }
        times = t;
        values = v;
        head = 0;
    }
}
