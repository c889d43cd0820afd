package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Sensor;
import io.kdrv.driver.SensorChannel;
import io.kdrv.driver.SensorInfo;
import io.kdrv.driver.SensorReading;
import io.kdrv.kthread.Kthreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sensor channels: declared by a driver, published by the core poller kthread, events, removal. */
@Timeout(60)
class SensorTest extends CoreTestBase {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<Object[]> posted = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aPollerPublishesScaledReadingsAsEventsWithUnitsAndStopsOnRemove() {
        core.setSensorEventSink((topic, props) -> posted.add(new Object[] {topic, props}));
        AtomicInteger polls = new AtomicInteger();
        TestDriver d = newDriver("t/therm");
        d.onProbe = dev -> {
            Sensor s = dev.sensor(new SensorChannel("temperature", "°C", 0.01), SensorChannel.of("count", "1"));
            dev.startSensorPoller(s, Duration.ofMillis(10), -1, sensor -> {
                int n = polls.incrementAndGet();
                if (n == 3) {
                    throw new java.io.IOException("bus error"); // counted, the poller goes on
                }
                sensor.publish(1000L * n, 2150 + n, n);
            });
        };
        register(d, "therm");
        core.nodeUpdated("p1", node("t0", "therm"));
        idle();
        assertEquals(DeviceState.BOUND, core.device("t0").orElseThrow().state());
        assertTrue(Kthreads.list().stream().anyMatch(k -> k.name().equals("sensor/t0")), Kthreads.list()::toString);

        Await.until("5 samples", () -> core.sensor("t0").map(SensorInfo::samples).orElse(0L) >= 5, WAIT);
        SensorInfo info = core.sensor("t0").orElseThrow();
        assertEquals("sensor/t0", info.poller());
        assertEquals(Duration.ofMillis(10), info.period());
        assertEquals(-1, info.cpu());
        assertEquals(1, info.pollErrors());
        SensorReading t = info.readings().get(0);
        assertEquals("temperature", t.channel());
        assertEquals("°C", t.unit());
        assertEquals(info.readings().get(1).sequence(), t.sequence(), "both channels from one sample");

        Object[] first = posted.get(0);
        assertEquals("kdrv/sensor/t0", first[0]);
        @SuppressWarnings("unchecked")
        Map<String, Object> p = (Map<String, Object>) first[1];
        assertEquals("t0", p.get("device"));
        assertEquals("temperature", p.get("channel"));
        assertEquals(21.51, (Double) p.get("value"), 1e-9);
        assertEquals("°C", p.get("unit"));
        assertEquals(1000L, p.get("timestamp"));
        assertEquals(1L, p.get("sequence"));

        core.nodeDeleted("p1");
        idle();
        assertTrue(core.sensor("t0").isEmpty(), "sensor gone with the device");
        assertTrue(Kthreads.list().stream().noneMatch(k -> k.name().equals("sensor/t0")), "poller stopped");
    }

    @Test
    void badChannelsAndSamplesAreRejectedNamingTheDevice() {
        AtomicReference<Throwable> sampleError = new AtomicReference<>();
        TestDriver d = newDriver("t/bad");
        d.onProbe = dev -> {
            assertThrows(IllegalArgumentException.class, () -> dev.sensor());
            assertThrows(IllegalArgumentException.class,
                    () -> dev.sensor(SensorChannel.of("a", "1"), SensorChannel.of("a", "1")));
            Sensor s = dev.sensor(SensorChannel.of("a", "1"));
            assertThrows(IllegalStateException.class, () -> dev.sensor(SensorChannel.of("b", "1")));
            sampleError.set(assertThrows(IllegalArgumentException.class, () -> s.publish(1L, 2, 3)));
        };
        register(d, "bad");
        core.nodeUpdated("p1", node("b0", "bad"));
        idle();
        assertEquals(DeviceState.BOUND, core.device("b0").orElseThrow().state(), core.device("b0").toString());
        assertEquals("device b0: sensor sample has 2 values for 1 channels [a]", sampleError.get().getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SensorChannel("Bad Name", "1", 1));
        assertThrows(IllegalArgumentException.class, () -> new SensorChannel("x", "1", 0));
    }
}
