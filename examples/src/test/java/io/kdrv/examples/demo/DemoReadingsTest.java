package io.kdrv.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DriverInfo;
import io.kdrv.driver.SensorInfo;
import io.kdrv.driver.SensorReading;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;

class DemoReadingsTest {
    /** A manager that knows one sensor, bme0; every other device has no sensor channels. */
    private static final DeviceManager MANAGER = new DeviceManager() {
        @Override
        public Optional<SensorInfo> sensor(String device) {
            if (!device.equals("bme0")) {
                return Optional.empty();
            }
            return Optional.of(new SensorInfo("bme0", List.of(
                    new SensorReading("temperature", 21.8432, "°C", 1L, 3),
                    new SensorReading("pressure", 101325.4, "Pa", 1L, 3),
                    new SensorReading("motions", 2, "1", 1L, 3)), 3, "sensor/bme0", Duration.ofMillis(500), -1, 0,
                    0));
        }

        @Override
        public List<DeviceInfo> devices() {
            return List.of();
        }

        @Override
        public Optional<DeviceInfo> device(String name) {
            return Optional.empty();
        }

        @Override
        public List<DriverInfo> drivers() {
            return List.of();
        }

        @Override
        public List<DeviceInfo> deferred() {
            return List.of();
        }

        @Override
        public DeviceInfo bind(String device, String driverId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public DeviceInfo unbind(String device) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean awaitIdle(Duration timeout) {
            return true;
        }
    };

    @Test
    void sensorChannelsWithUnitsWinOverEvents() {
        DemoReadings r = new DemoReadings();
        r.record(new Event("kdrv/sensor/bme280", Map.of("device", "bme0", "temperature", 99.0)));
        assertEquals(Optional.of("temperature=21.84 °C pressure=101325 Pa motions=2"), r.describe(MANAGER, "bme0"));
    }

    @Test
    void withoutChannelsTheLatestEventOfEachTopicWithKnownUnits() {
        DemoReadings r = new DemoReadings();
        r.record(new Event("kdrv/sensor/distance", Map.of("device", "sonar", "distance", 2.0, "timestamp", 5L)));
        r.record(new Event("kdrv/sensor/distance", Map.of("device", "sonar", "distance", 1.25, "sequence", 2L,
                "echo.nanos", 7_283_000L)));
        r.record(new Event("kdrv/device/BOUND", Map.of("device", "sonar")));
        r.record(new Event("kdrv/sensor/sonar", Map.of("device", "sonar", "channel", "x", "value", 1.0)));
        r.record(new Event("kdrv/adc/ads1115", Map.of("device", "adc0", "volts", new double[] {1.5, 0.25})));
        assertEquals(Optional.of("kdrv/sensor/distance: distance=1.25 m echo.nanos=7283000 ns"),
                r.describe(MANAGER, "sonar"));
        assertEquals(Optional.of("kdrv/adc/ads1115: volts=[1.5, 0.25] V"), r.describe(MANAGER, "adc0"));
        assertEquals(Optional.empty(), r.describe(MANAGER, "leds"), "a device that posted nothing has no readings");
    }

    @Test
    void nanIsShownAsADash() {
        DemoReadings r = new DemoReadings();
        r.record(new Event("kdrv/sensor/dht22", Map.of("device", "dht0", "temperature", Double.NaN,
                "error", "no response")));
        assertEquals(Optional.of("kdrv/sensor/dht22: error=no response temperature=-"),
                r.describe(MANAGER, "dht0"));
    }
}
