package io.kdrv.runtime.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * Gogo commands {@code kdrv:readings} (each device's latest event: a BME280 sample, a key, motion) and
 * {@code kdrv:events} (the most recent {@value #KEPT} events), so the interactive demo needs no event printing over
 * the prompt; {@code kdrv events} (the CLI) follows them live. Thread-safe: Event Admin delivers on its own threads.
 */
@Component(service = {EventHandler.class, EventCommands.class}, property = {
        EventConstants.EVENT_TOPIC + "=kdrv/*",
        "osgi.command.scope=kdrv",
        "osgi.command.function=readings",
        "osgi.command.function=events"})
public final class EventCommands implements EventHandler {
    static final int KEPT = 50;

    private record Seen(Instant at, String line) {
    }

    private final Map<String, Seen> latest = new ConcurrentHashMap<>();
    private final ArrayDeque<Seen> recent = new ArrayDeque<>(); // guarded by itself

    @Override
    public void handleEvent(Event event) {
        Seen s = new Seen(Instant.now(), ControlSocket.EventFormat.line(event));
        Object device = event.getProperty("device");
        if (device != null) {
            latest.put(device.toString(), s);
        }
        synchronized (recent) {
            if (recent.size() == KEPT) {
                recent.removeFirst();
            }
            recent.addLast(s);
        }
    }

    @Descriptor("each device's latest event (reading, key, motion) and how long ago it came")
    public String readings() {
        if (latest.isEmpty()) {
            return "no device has sent an event yet";
        }
        StringBuilder sb = new StringBuilder(String.format("%-10s %8s %s%n", "DEVICE", "AGO", "EVENT"));
        Instant now = Instant.now();
        new TreeMap<>(latest).forEach((dev, s) -> sb.append(String.format("%-10s %8s %s%n", dev,
                ago(Duration.between(s.at(), now)), s.line())));
        return sb.toString().stripTrailing();
    }

    @Descriptor("the most recent kdrv events (follow them live with the CLI: kdrv events)")
    public String events() {
        List<Seen> copy;
        synchronized (recent) {
            copy = new ArrayList<>(recent);
        }
        if (copy.isEmpty()) {
            return "no kdrv events yet";
        }
        StringBuilder sb = new StringBuilder();
        Instant now = Instant.now();
        for (Seen s : copy) {
            sb.append(String.format("%8s ago  %s%n", ago(Duration.between(s.at(), now)), s.line()));
        }
        return sb.toString().stripTrailing();
    }

    static String ago(Duration d) {
        long ms = d.toMillis();
        return ms < 10_000 ? String.format("%.1fs", ms / 1000.0) : ms < 600_000 ? (ms / 1000) + "s"
                : (ms / 60_000) + "m";
    }
}
