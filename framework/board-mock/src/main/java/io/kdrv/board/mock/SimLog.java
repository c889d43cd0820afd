package io.kdrv.board.mock;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The recent history of a simulated part (an output's level changes, SPI transfers, a chip's commands): at most
 * {@link #capacity()} records are kept, the oldest dropped first, and {@link #total()} counts every record ever
 * added. A simulation can run for days (the mock-board demo as a service), so its history must not grow with it.
 *
 * <p>Not thread-safe: the part that owns it guards it with its own lock, as it guards the rest of its state.
 *
 * @param <T> the record type (immutable records: {@link #snapshot()} shares them)
 */
public final class SimLog<T> {
    /** Records kept by default: enough for any test's window, a few hundred KiB at most per part. */
    public static final int DEFAULT_CAPACITY = 4096;

    private final ArrayDeque<T> kept = new ArrayDeque<>();
    private final int capacity;
    private long total;

    /** A log that keeps the last {@value #DEFAULT_CAPACITY} records. */
    public SimLog() {
        this(DEFAULT_CAPACITY);
    }

    /**
     * @param capacity records kept, at least 1
     * @throws IllegalArgumentException capacity below 1
     */
    public SimLog(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("mock board: a simulation log keeps at least 1 record, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Appends {@code record}, dropping the oldest one when the log is full. */
    public void add(T record) {
        if (kept.size() == capacity) {
            kept.removeFirst();
        }
        kept.addLast(record);
        total++;
    }

    /** @return the kept records, oldest first (an unmodifiable copy) */
    public List<T> snapshot() {
        return List.copyOf(kept);
    }

    /** @return the newest record, or null when the log is empty */
    public T last() {
        return kept.peekLast();
    }

    /** @return whether no record is kept (none added, or cleared) */
    public boolean isEmpty() {
        return kept.isEmpty();
    }

    /** @return the number of records kept, at most {@link #capacity()} */
    public int size() {
        return kept.size();
    }

    /** @return how many records this log keeps at most */
    public int capacity() {
        return capacity;
    }

    /** @return every record ever added, dropped ones included (not reset by {@link #clear()}) */
    public long total() {
        return total;
    }

    /** Forgets the kept records; {@link #total()} keeps counting. */
    public void clear() {
        kept.clear();
    }
}
