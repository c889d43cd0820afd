package io.kdrv.examples.demo;

import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.SensorInfo;
import io.kdrv.driver.SensorReading;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;

/**
 * Each device's latest readings for the demo's summary: the core's sensor channels with their units when the device
 * has them ({@link DeviceManager#sensor}), otherwise the properties of the latest event the driver posted for it
 * (the driver's own state: a distance, a knob position, a display flush).
 *
 * <p>Thread-safe: {@link #record} runs on Event Admin's threads, {@link #describe} on the stimulus kthread.
 */
final class DemoReadings {
    /**
     * Units of the event properties of drivers that post their own events instead of (or besides) sensor channels,
     * as their READMEs document them; a sensor channel carries its own unit.
     */
    private static final Map<String, String> EVENT_UNITS = Map.of("temperature", "°C", "humidity", "%RH",
            "pressure", "Pa", "distance", "m", "speed-of-sound", "m/s", "echo.nanos", "ns", "full-scale", "V");
    /** Device name → topic → the latest event's properties (without topic, device and timestamps). */
    private final Map<String, Map<String, Map<String, Object>>> latest = new ConcurrentHashMap<>();

    void record(Event event) {
        if (!(event.getProperty("device") instanceof String device) || event.getTopic().startsWith("kdrv/device/")
                || event.getTopic().equals("kdrv/sensor/" + device)) {
            return; // state changes say nothing about readings; per-channel events are what sensor() has
        }
        Map<String, Object> props = new TreeMap<>();
        for (String key : event.getPropertyNames()) {
            if (!key.equals(EventConstants.EVENT_TOPIC) && !key.equals("device") && !key.startsWith("timestamp")
                    && !key.equals("sequence")) {
                props.put(key, event.getProperty(key));
            }
        }
        if (props.remove("line.name") instanceof String name) {
            props.put("line", name); // "expander0:1" as in the board file, not the line's internal global number
        }
        latest.computeIfAbsent(device, d -> new ConcurrentHashMap<>()).put(event.getTopic(), props);
    }

    /**
     * The readings of {@code device} in one line, e.g. {@code temperature=21.34 °C pressure=101325 Pa}; the device
     * must still be bound for its sensor channels to be read.
     *
     * @return empty when the device produced nothing yet
     */
    Optional<String> describe(DeviceManager dm, String device) {
        Optional<SensorInfo> sensor = dm.sensor(device);
        if (sensor.isPresent() && sensor.get().samples() > 0) {
            List<String> parts = new ArrayList<>();
            for (SensorReading r : sensor.get().readings()) {
                parts.add(r.channel() + "=" + number(r.value()) + (r.unit().equals("1") ? "" : " " + r.unit()));
            }
            return Optional.of(String.join(" ", parts));
        }
        Map<String, Map<String, Object>> byTopic = latest.get(device);
        if (byTopic == null || byTopic.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(byTopic).forEach((topic, props) -> {
            StringBuilder sb = new StringBuilder(topic).append(':');
            props.forEach((k, v) -> sb.append(' ').append(k).append('=').append(value(v))
                    .append(unit(k, v)));
            parts.add(sb.toString());
        });
        return Optional.of(String.join("; ", parts));
    }

    private static String unit(String key, Object v) {
        String unit = key.startsWith("volts") ? "V" : EVENT_UNITS.get(key);
        boolean number = v instanceof Number n && !Double.isNaN(n.doubleValue()) || v instanceof double[];
        return unit == null || !number ? "" : " " + unit;
    }

    private static String value(Object v) {
        if (v instanceof Double d) {
            return number(d);
        }
        if (v instanceof double[] a) {
            List<String> s = new ArrayList<>();
            for (double d : a) {
                s.add(number(d));
            }
            return s.toString();
        }
        if (v instanceof int[] a) {
            return Arrays.toString(a);
        }
        if (v instanceof Object[] a) {
            return Arrays.toString(a);
        }
        return String.valueOf(v);
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (Math.abs(v) >= 10_000) {
            return String.format(Locale.ROOT, "%.0f", v); // a pressure in Pa, not 1.013e+05
        }
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+$", "$1").replaceAll("\\.$", "");
    }
}
