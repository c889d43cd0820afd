package io.kdrv.board.internal;

/**
 * Bounded FIFO of edges between an IRQ's top half (producers: Pi4J event threads) and its bottom half (one
 * consumer: the IRQ kthread). A preallocated ring of parallel primitive arrays: pushing and popping allocate
 * nothing.
 *
 * <p>Concurrency: producers must serialise among themselves (the top half holds a per-IRQ lock, which is
 * uncontended in practice because a line's events come from one Pi4J thread); the consumer takes no lock.
 * Correctness rests on the volatile {@code tail} (written by producers after filling a slot: publishes it) and
 * {@code head} (written by the consumer after reading a slot: frees it).
 */
final class IrqFifo {
    private final int capacity;
    private final long[] stamps;
    private final long[] sequences;
    /** Per slot: {@link #HIGH} and {@link #WANTED} bits. */
    private final byte[] flags;
    /** Next slot to read; written only by the consumer. */
    private volatile long head;
    /** Next slot to fill; written only by producers, serialised by the caller. */
    private volatile long tail;

    IrqFifo(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("IRQ FIFO capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.stamps = new long[capacity];
        this.sequences = new long[capacity];
        this.flags = new byte[capacity];
    }

    int capacity() {
        return capacity;
    }

    /** Slot flag: the level after the edge is HIGH. */
    static final byte HIGH = 1;
    /**
     * Slot flag: the edge has the requested polarity (counted in the IRQ's edges). With software debounce and a
     * one-polarity request the other edges are queued too, unflagged, because they move the settle deadline.
     */
    static final byte WANTED = 2;

    /** Producer side; caller holds the producer lock. @return false when full (nothing is stored). */
    boolean offer(long stampNanos, byte slotFlags, long sequence) {
        long t = tail;
        if (t - head >= capacity) {
            return false;
        }
        int i = (int) (t % capacity);
        stamps[i] = stampNanos;
        sequences[i] = sequence;
        flags[i] = slotFlags;
        tail = t + 1; // volatile write: publishes the slot to the consumer
        return true;
    }

    /** @return true when nothing is queued (either side may ask) */
    boolean isEmpty() {
        return head == tail;
    }

    /** @return queued edges right now (diagnostics) */
    int size() {
        return (int) (tail - head);
    }

    /** Consumer side: copies the oldest edge into {@code out} and removes it. @return false when empty */
    boolean poll(Slot out) {
        long h = head;
        if (h == tail) {
            return false;
        }
        int i = (int) (h % capacity);
        out.stampNanos = stamps[i];
        out.sequence = sequences[i];
        out.high = (flags[i] & HIGH) != 0;
        out.wanted = (flags[i] & WANTED) != 0;
        head = h + 1; // volatile write: the slot may be reused by producers from now on
        return true;
    }

    /** A reusable holder for one popped edge (owned by the consumer). */
    static final class Slot {
        long stampNanos;
        long sequence;
        boolean high;
        boolean wanted;
    }
}
