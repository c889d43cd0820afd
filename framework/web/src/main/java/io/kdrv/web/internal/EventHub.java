package io.kdrv.web.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Everything the console learns from Event Admin: the recent events (for the log and late event-stream clients),
 * the latest reading of every device and its channels' history (sensor plots), edge-to-event latency histograms
 * per GPIO line (from the {@code timestamp.nanos} of gpio-keys events), and the live event-stream subscribers.
 *
 * <p>Thread-safe. {@link #handleEvent} runs on Event Admin's delivery thread and never blocks: a subscriber whose
 * queue is full loses the event (counted per subscriber). Each structure has its own short lock; no framework
 * call is made under any of them.
 */
@Component(service = {EventHub.class, EventHandler.class}, property = EventConstants.EVENT_TOPIC + "=kdrv/*")
public final class EventHub implements EventHandler {
    static final int RECENT_MAX = 500;
    /** Sensor plots show the last 10 minutes. */
    static final long HISTORY_MS = 10 * 60 * 1000L;
    static final int HISTORY_MAX_POINTS = 4000;
    /** Event properties that describe an event rather than measure something: not plotted. */
    private static final Set<String> META = Set.of("device", "timestamp", "timestamp.nanos", "sequence", "line",
            "code", "label", "presses", "count", "duration", "event.topics", "state", "driver", "reason");
    private static final Map<String, String> UNITS = Map.of(
            "temperature", "°C", "pressure", "Pa", "humidity", "%RH", "motion", "on/off", "pressed", "on/off");
    /** Upper bounds of the latency histogram buckets, microseconds; the last bucket is open-ended. */
    static final long[] LATENCY_BOUNDS_US = {50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000};

    private final AtomicLong sequence = new AtomicLong();
    private final ArrayDeque<Map<String, Object>> recent = new ArrayDeque<>(); // guarded by itself
    private final Map<String, Reading> latest = new ConcurrentHashMap<>();
    /** device → channel → the unit its driver declared (the core's sensor-channel events carry it). */
    private final Map<String, Map<String, String>> units = new ConcurrentHashMap<>();
    private final Map<String, Series> history = new ConcurrentHashMap<>();
    private final Map<Integer, long[]> latency = new ConcurrentHashMap<>(); // each array guarded by itself
    private final List<EventStream> subscribers = new CopyOnWriteArrayList<>();

    /** The latest event of one device with its channels' values. */
    record Reading(String device, String topic, long time, Map<String, Object> values) {
    }

    @Override
    public void handleEvent(Event event) {
        long nowNanos = System.nanoTime();
        Map<String, Object> props = new TreeMap<>();
        for (String name : event.getPropertyNames()) {
            if (!name.equals(EventConstants.EVENT_TOPIC)) {
                props.put(name, plain(event.getProperty(name)));
            }
        }
        long time = props.get("timestamp") instanceof Number n ? n.longValue() : System.currentTimeMillis();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", sequence.incrementAndGet());
        json.put("topic", event.getTopic());
        json.put("time", time);
        json.put("properties", props);
        synchronized (recent) {
            recent.addLast(json);
            if (recent.size() > RECENT_MAX) {
                recent.removeFirst();
            }
        }
        if (props.get("device") instanceof String device && event.getTopic().startsWith("kdrv/")) {
            record(device, event.getTopic(), time, props);
        }
        if (props.get("timestamp.nanos") instanceof Long edge && props.get("line") instanceof Number line) {
            long us = Math.max(0, (nowNanos - edge) / 1000);
            long[] buckets = latency.computeIfAbsent(line.intValue(), l -> new long[LATENCY_BOUNDS_US.length + 1]);
            synchronized (buckets) {
                buckets[bucket(us)]++;
            }
        }
        for (EventStream s : subscribers) {
            s.offer(event.getTopic(), json);
        }
    }

    private static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Number || v instanceof Boolean) {
            return v;
        }
        if (v instanceof String[] a) {
            return List.of(a);
        }
        return String.valueOf(v);
    }

    private void record(String device, String topic, long time, Map<String, Object> props) {
        Map<String, Object> values = new TreeMap<>();
        if (props.get("channel") instanceof String channel && props.get("value") instanceof Number value) {
            // A core sensor-channel event (kdrv/sensor/<device>: one channel per event): merge it into the
            // device's latest reading instead of replacing the other channels.
            Reading prev = latest.get(device);
            if (prev != null) {
                values.putAll(prev.values());
            }
            values.put(channel, value.doubleValue());
            if (props.get("unit") instanceof String u) {
                units.computeIfAbsent(device, d -> new ConcurrentHashMap<>()).put(channel, u);
            }
            latest.put(device, new Reading(device, topic, time, values));
            addPoint(device, channel, time, value.doubleValue());
            return;
        }
        for (Map.Entry<String, Object> e : props.entrySet()) {
            if (META.contains(e.getKey())) {
                continue;
            }
            Object v = e.getValue();
            if (v instanceof Boolean b) {
                values.put(e.getKey(), b ? 1.0 : 0.0);
            } else if (v instanceof Number n) {
                values.put(e.getKey(), n.doubleValue());
            }
        }
        if (values.isEmpty()) {
            return; // a state event (kdrv/device/BOUND, ...), not a reading
        }
        latest.put(device, new Reading(device, topic, time, values));
        for (Map.Entry<String, Object> e : values.entrySet()) {
            addPoint(device, e.getKey(), time, (Double) e.getValue());
        }
    }

    /** Adds one point to a channel's history (a repeat of the newest point is not added, see {@link PointRing}). */
    private void addPoint(String device, String channel, long time, double value) {
        Series s = history.computeIfAbsent(device, d -> new Series());
        synchronized (s) {
            s.channels.computeIfAbsent(channel, k -> new PointRing(HISTORY_MAX_POINTS)).add(time, value,
                    time - HISTORY_MS);
        }
    }

    static int bucket(long us) {
        for (int i = 0; i < LATENCY_BOUNDS_US.length; i++) {
            if (us < LATENCY_BOUNDS_US[i]) {
                return i;
            }
        }
        return LATENCY_BOUNDS_US.length;
    }

    /**
     * The unit of a device's channel: the one its driver declared for the sensor channel, else a guess from the
     * channel's name for drivers' own reading events (temperature, pressure, ...), else "".
     */
    String unit(String device, String channel) {
        Map<String, String> declared = units.get(device);
        String u = declared == null ? null : declared.get(channel);
        return u != null ? u : UNITS.getOrDefault(channel, "");
    }

    private static final class Series {
        final Map<String, PointRing> channels = new TreeMap<>();
    }

    // -------------------------------------------------------------------------------------------- queries

    /** The most recent events (oldest first) whose topic matches {@code filter}, at most {@code max}. */
    List<Map<String, Object>> recent(TopicFilter filter, int max) {
        List<Map<String, Object>> out = new ArrayList<>();
        synchronized (recent) {
            var it = recent.descendingIterator();
            while (it.hasNext() && out.size() < max) {
                Map<String, Object> e = it.next();
                if (filter.matches((String) e.get("topic"))) {
                    out.add(e);
                }
            }
        }
        Collections.reverse(out);
        return out;
    }

    /** The latest reading of every device that published one, by device name. */
    Map<String, Reading> latest() {
        return new TreeMap<>(latest);
    }

    /**
     * The channels' history of {@code device} (or every device when null) with samples after {@code sinceMs}.
     *
     * @return device → channel → {unit, points: [[time, value], ...]}
     */
    Map<String, Object> history(String device, long sinceMs) {
        Map<String, Object> out = new TreeMap<>();
        for (Map.Entry<String, Series> d : new TreeMap<>(history).entrySet()) {
            if (device != null && !device.equals(d.getKey())) {
                continue;
            }
            Map<String, Object> channels = new TreeMap<>();
            Series s = d.getValue();
            synchronized (s) {
                for (Map.Entry<String, PointRing> c : s.channels.entrySet()) {
                    channels.put(c.getKey(), Json.obj("unit", unit(d.getKey(), c.getKey()), "points",
                            c.getValue().pointsAfter(sinceMs)));
                }
            }
            out.put(d.getKey(), channels);
        }
        return out;
    }

    /** Edge-to-event latency histogram of {@code line}: bucket counts, null when no event carried a timestamp. */
    long[] latency(int line) {
        long[] b = latency.get(line);
        if (b == null) {
            return null;
        }
        synchronized (b) {
            return b.clone();
        }
    }

    // ------------------------------------------------------------------------------------------ subscribers

    /** Adds a live subscriber; false when {@code max} subscribers are already connected. */
    boolean subscribe(EventStream s, int max) {
        synchronized (subscribers) {
            if (subscribers.size() >= max) {
                return false;
            }
            subscribers.add(s);
            return true;
        }
    }

    void unsubscribe(EventStream s) {
        subscribers.remove(s);
    }

    int subscriberCount() {
        return subscribers.size();
    }

    /** Ends every live stream: each request thread returns from its wait at once. */
    void closeAll() {
        for (EventStream s : subscribers) {
            s.close();
        }
        subscribers.clear();
    }

    @Deactivate
    void deactivate() {
        closeAll();
    }
}
