package io.kdrv.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

/** The readings collector with the core's per-channel sensor events next to a driver's own reading events. */
class EventHubSensorTest {
    private static Event channel(String device, String channel, double value, long time) {
        return new Event("kdrv/sensor/" + device, Map.of("device", device, "channel", channel, "value", value,
                "unit", "°C", "timestamp", time, "sequence", 1L));
    }

    @Test
    void channelEventsMergeIntoTheLatestReadingAndDuplicatesAreNotPlottedTwice() {
        EventHub hub = new EventHub();
        hub.handleEvent(new Event("kdrv/sensor/bme280", Map.of("device", "env0", "temperature", 21.5,
                "humidity", 40.0, "timestamp", 1000L, "sequence", 1L)));
        hub.handleEvent(channel("env0", "temperature", 21.5, 1000L)); // the same sample, from the core
        hub.handleEvent(channel("env0", "temperature", 22.0, 2000L));

        assertEquals(Map.of("temperature", 22.0, "humidity", 40.0), hub.latest().get("env0").values());
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) ((Map<String, Object>) hub.history("env0", 0).get("env0"))
                .get("temperature");
        assertEquals(List.of(List.of(1000L, 21.5), List.of(2000L, 22.0)), t.get("points"));
    }

    @Test
    void theUnitIsTheOneTheDriverDeclaredForTheChannel() {
        EventHub hub = new EventHub();
        hub.handleEvent(new Event("kdrv/sensor/adc0", Map.of("device", "adc0", "channel", "ch0", "value", 1.25,
                "unit", "V", "timestamp", 1000L, "sequence", 1L)));
        hub.handleEvent(new Event("kdrv/sensor/bme280", Map.of("device", "env0", "temperature", 21.5,
                "timestamp", 1000L, "sequence", 1L)));
        assertEquals("V", hub.unit("adc0", "ch0"), "declared by the driver");
        assertEquals("°C", hub.unit("env0", "temperature"), "a driver's own event: from the channel's name");
        assertEquals("", hub.unit("adc0", "ch7"), "unknown");
        @SuppressWarnings("unchecked")
        Map<String, Object> ch0 = (Map<String, Object>) ((Map<String, Object>) hub.history("adc0", 0).get("adc0"))
                .get("ch0");
        assertEquals("V", ch0.get("unit"));
    }
}
