package io.kdrv.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.opentest4j.AssertionFailedError;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/** An Event Admin for plain-Java tests: records every event in call order; tests wait for a count with a deadline. */
public final class RecordingEventAdmin implements EventAdmin {
    private final List<Event> events = new ArrayList<>();

    @Override
    public synchronized void postEvent(Event event) {
        events.add(event);
        notifyAll();
    }

    @Override
    public void sendEvent(Event event) {
        postEvent(event);
    }

    /** @return a snapshot of the events so far */
    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    /**
     * Waits until at least {@code count} events arrived.
     *
     * @return a snapshot of all events so far
     * @throws AssertionFailedError on timeout, listing what did arrive
     */
    public synchronized List<Event> await(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionFailedError("expected " + count + " events within " + timeout.toMillis()
                        + " ms, got " + events.size() + ": " + describe(events));
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return List.copyOf(events);
    }

    /**
     * Waits until the {@code n}-th event (1-based) on {@code topic} arrived, ignoring other topics.
     *
     * @return that event
     * @throws AssertionFailedError on timeout, listing what did arrive
     */
    public synchronized Event awaitTopic(String topic, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            int seen = 0;
            for (Event e : events) {
                if (e.getTopic().equals(topic) && ++seen == n) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionFailedError("expected " + n + " events on " + topic + " within "
                        + timeout.toMillis() + " ms, got " + seen + ": " + describe(events));
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    public static String describe(List<Event> events) {
        StringBuilder sb = new StringBuilder();
        for (Event e : events) {
            sb.append("\n  ").append(e.getTopic()).append(' ');
            for (String name : e.getPropertyNames()) {
                sb.append(name).append('=').append(e.getProperty(name)).append(' ');
            }
        }
        return sb.toString();
    }
}
