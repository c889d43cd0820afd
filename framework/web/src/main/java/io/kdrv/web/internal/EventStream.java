package io.kdrv.web.internal;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One Server-Sent Events client: a bounded queue filled by {@link EventHub} on Event Admin's thread and drained by
 * the client's request thread. A full queue drops the new event and counts it (a slow client must never stall
 * Event Admin); the count is reported to the client in the stream.
 *
 * <p>Thread-safe: one producer side ({@link #offer}, {@link #close}) and one consumer ({@link #pollInterruptibly}).
 */
final class EventStream {
    static final int CAPACITY = 256;
    private static final Map<String, Object> CLOSED = Map.of();

    private final TopicFilter filter;
    private final BlockingQueue<Map<String, Object>> queue = new ArrayBlockingQueue<>(CAPACITY + 1);
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;

    EventStream(TopicFilter filter) {
        this.filter = filter;
    }

    void offer(String topic, Map<String, Object> event) {
        if (!closed && filter.matches(topic) && (queue.size() >= CAPACITY || !queue.offer(event))) {
            dropped.incrementAndGet();
        }
    }

    /** Ends the stream: the consumer's next poll returns {@code null} at once. */
    void close() {
        closed = true;
        queue.clear();
        queue.offer(CLOSED); // the one slot above CAPACITY is kept for this
    }

    /**
     * Waits up to {@code timeoutMs} for the next event. Interruptible.
     *
     * @return the event, an empty map on timeout (send a keep-alive), or null once closed
     */
    Map<String, Object> pollInterruptibly(long timeoutMs) throws InterruptedException {
        Map<String, Object> e = queue.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (e == CLOSED || closed) {
            return null;
        }
        return e == null ? Map.of("keepalive", true) : e;
    }

    long dropped() {
        return dropped.get();
    }
}
