package io.kdrv.board.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Bounded FIFO of edges between an IRQ's top half (producers: Pi4J event threads) and its bottom half (one
 * consumer: the IRQ kthread). A preallocated ring of parallel primitive arrays: pushing and popping allocate
 * nothing. When full, a new edge replaces the OLDEST one, like the kernel's GPIO event kfifo
 * ({@code linereq_put_event}), so the most recent level is never lost.
 *
 * <p>Concurrency: producers must serialise among themselves (the top half holds a per-IRQ lock, which is
 * uncontended in practice because a line's events come from one Pi4J thread); the consumer takes no lock.
 * {@code tail} is written only by producers (after filling a slot: publishes it). {@code head} moves by CAS:
 * the consumer after copying a slot (claims it), a producer dropping the oldest slot when full. Whoever wins
 * owns that edge; a consumer that loses discards its copy (the slot may already be overwritten) and retries.
 */
final class IrqFifo {
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(IrqFifo.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** {@link #offer} result: stored, nothing dropped. */
    static final int STORED = 0;
    /** {@link #offer} result: stored after dropping the oldest edge, which was a wanted one. */
    static final int DROPPED_WANTED = 1;
    /** {@link #offer} result: stored after dropping the oldest edge, an unwanted one (not counted anywhere). */
    static final int DROPPED_UNWANTED = 2;

    private final int capacity;
    private final long[] stamps;
    private final long[] sequences;
    /** Per slot: {@link #HIGH} and {@link #WANTED} bits. */
    private final byte[] flags;
    /** Next slot to read; advanced by CAS (consumer, or a producer dropping the oldest). */
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

    /**
     * Producer side; caller holds the producer lock. Always stores the edge; when full, drops the oldest first.
     *
     * @return {@link #STORED}, {@link #DROPPED_WANTED} or {@link #DROPPED_UNWANTED}
     */
    int offer(long stampNanos, byte slotFlags, long sequence) {
        long t = tail;
        long h = head;
        int result = STORED;
        if (t - h >= capacity) {
            // Full. The oldest slot is h; its flags are stable (only producers write slots, and we are the only
            // producer now). If the consumer claims h first, the CAS fails and its pop made the room.
            byte oldest = flags[(int) (h % capacity)];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                result = (oldest & WANTED) != 0 ? DROPPED_WANTED : DROPPED_UNWANTED;
            }
        }
        int i = (int) (t % capacity);
        stamps[i] = stampNanos;
        sequences[i] = sequence;
        flags[i] = slotFlags;
        tail = t + 1; // volatile write: publishes the slot to the consumer
        return result;
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
        while (true) {
            long h = head;
            if (h == tail) {
                return false;
            }
            int i = (int) (h % capacity);
            out.stampNanos = stamps[i];
            out.sequence = sequences[i];
            byte f = flags[i];
            out.high = (f & HIGH) != 0;
            out.wanted = (f & WANTED) != 0;
            // Claims the slot; a producer can only reuse it after head has passed h. Failing means a producer
            // dropped this (oldest) edge meanwhile and may be rewriting the slot: discard the copy, take the next.
            if (HEAD.compareAndSet(this, h, h + 1)) {
                return true;
            }
        }
    }

    /** A reusable holder for one popped edge (owned by the consumer). */
    static final class Slot {
        long stampNanos;
        long sequence;
        boolean high;
        boolean wanted;
    }
}
