package io.kdrv.driver.internal;

import io.kdrv.driver.SensorInfo;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/** The sensors of bound devices (one per device) and where their events go (Event Admin, when there is one). */
final class SensorHub {
    static final String TOPIC_PREFIX = "kdrv/sensor/";

    private final Map<String, SensorImpl> sensors = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, Map<String, Object>> events = (topic, props) -> { };

    void setEventSink(BiConsumer<String, Map<String, Object>> sink) {
        events = sink == null ? (topic, props) -> { } : sink;
    }

    void post(String topic, Map<String, Object> props) {
        events.accept(topic, props);
    }

    /** @throws IllegalStateException if {@code device} already has a sensor */
    void add(SensorImpl s) {
        SensorImpl old = sensors.putIfAbsent(s.device(), s);
        if (old != null) {
            throw new IllegalStateException("device " + s.device() + " already has a sensor (one per device)");
        }
    }

    void remove(SensorImpl s) {
        sensors.remove(s.device(), s);
    }

    Optional<SensorInfo> info(String device) {
        SensorImpl s = sensors.get(device);
        return s == null ? Optional.empty() : Optional.of(s.info());
    }
}
