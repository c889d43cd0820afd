package io.kdrv.shell.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.DriverInfo;
import io.kdrv.driver.SensorInfo;
import io.kdrv.driver.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DeviceCommandsTest {
    /** A DeviceManager that serves fixed lists and records bind/unbind calls. */
    private static final class FakeManager implements DeviceManager {
        final List<DeviceInfo> devices = new ArrayList<>();
        final List<DriverInfo> drivers = new ArrayList<>();
        final List<String> calls = new ArrayList<>();
        RuntimeException bindFailure;
        final Map<String, SensorInfo> sensors = new java.util.HashMap<>();

        @Override
        public Optional<SensorInfo> sensor(String device) {
            return Optional.ofNullable(sensors.get(device));
        }

        @Override
        public List<DeviceInfo> devices() {
            return List.copyOf(devices);
        }

        @Override
        public Optional<DeviceInfo> device(String name) {
            return devices.stream().filter(d -> d.name().equals(name)).findFirst();
        }

        @Override
        public List<DriverInfo> drivers() {
            return List.copyOf(drivers);
        }

        @Override
        public List<DeviceInfo> deferred() {
            return devices.stream().filter(d -> d.state() == DeviceState.DEFERRED).toList();
        }

        @Override
        public DeviceInfo bind(String device, String driverId) {
            calls.add("bind " + device + " " + driverId);
            if (bindFailure != null) {
                throw bindFailure;
            }
            DeviceInfo d = device(device).orElseThrow();
            return new DeviceInfo(d.name(), d.compatible(), DeviceState.BOUND, driverId == null ? "best/match" : driverId,
                    null, d.properties(), d.probes() + 1, d.removes());
        }

        @Override
        public DeviceInfo unbind(String device) {
            calls.add("unbind " + device);
            DeviceInfo d = device(device).orElseThrow();
            return new DeviceInfo(d.name(), d.compatible(), DeviceState.UNBOUND, null, null, d.properties(), d.probes(),
                    d.removes() + 1);
        }

        @Override
        public boolean awaitIdle(Duration timeout) {
            return true;
        }
    }

    private static DeviceInfo device(String name, DeviceState state, String driver, String reason, String... compatible) {
        return new DeviceInfo(name, List.of(compatible), state, driver, reason, Map.of(), 0, 0);
    }

    private final FakeManager manager = new FakeManager();
    private final DeviceCommands commands = new DeviceCommands(manager);

    private void twoDevices() {
        manager.devices.add(device("button0", DeviceState.BOUND, "kdrv-gpio-keys/GpioKeys", null, "gpio-keys"));
        manager.devices.add(device("bme0", DeviceState.DEFERRED, null, "waiting for\ndevice i2c1", "bosch,bme280",
                "bosch,bmp280"));
        manager.drivers.add(new DriverInfo("kdrv-gpio-keys/GpioKeys", List.of("gpio-keys"), "kdrv-gpio-keys 0.1.0",
                List.of("button0")));
        manager.drivers.add(new DriverInfo("kdrv-bme280/Bme280", List.of("bosch,bme280", "bosch,bmp280"),
                "kdrv-bme280 0.1.0", List.of()));
    }

    @Test
    void devicesTable() {
        twoDevices();
        assertEquals("""
                NAME    STATE    DRIVER                  COMPATIBLE                REASON
                button0 bound    kdrv-gpio-keys/GpioKeys gpio-keys                 -
                bme0    deferred -                       bosch,bme280 bosch,bmp280 waiting for device i2c1""",
                commands.devices());
    }

    @Test
    void driversTable() {
        twoDevices();
        assertEquals("""
                ID                      COMPATIBLE                BUNDLE               DEVICES
                kdrv-gpio-keys/GpioKeys gpio-keys                 kdrv-gpio-keys 0.1.0 button0
                kdrv-bme280/Bme280      bosch,bme280 bosch,bmp280 kdrv-bme280 0.1.0    -""", commands.drivers());
    }

    @Test
    void driversListTheirDeclaredNodeKeysBelowTheTable() {
        manager.drivers.add(new DriverInfo("kdrv-gpio-keys/GpioKeys", List.of("gpio-keys"), "kdrv-gpio-keys 0.1.0",
                List.of(), List.of(io.kdrv.driver.NodeKey.ofIntArray("gpios").required().min(0).description("lines"),
                        io.kdrv.driver.NodeKey.ofInt("debounce-ms").defaultValue(20))));
        assertEquals("""
                ID                      COMPATIBLE BUNDLE               DEVICES
                kdrv-gpio-keys/GpioKeys gpio-keys  kdrv-gpio-keys 0.1.0 -
                kdrv-gpio-keys/GpioKeys node keys:
                  gpios int[] >= 0, required: lines
                  debounce-ms int, default 20""", commands.drivers());
    }

    @Test
    void deferredTable() {
        twoDevices();
        assertEquals("""
                NAME COMPATIBLE                REASON
                bme0 bosch,bme280 bosch,bmp280 waiting for device i2c1""", commands.deferred());
    }

    @Test
    void emptyListsSaySo() {
        assertEquals("no devices", commands.devices());
        assertEquals("no drivers", commands.drivers());
        assertEquals("no deferred devices", commands.deferred());
    }

    @Test
    void bindReportsTheOutcome() {
        twoDevices();
        assertEquals("bme0: bound to best/match", commands.bind("bme0", null));
        assertEquals("bme0: bound to kdrv-bme280/Bme280", commands.bind("bme0", "kdrv-bme280/Bme280"));
        assertEquals(List.of("bind bme0 null", "bind bme0 kdrv-bme280/Bme280"), manager.calls);
    }

    @Test
    void unbindReportsTheOutcome() {
        twoDevices();
        assertEquals("button0: unbound", commands.unbind("button0"));
        assertEquals(List.of("unbind button0"), manager.calls);
    }

    @Test
    void unknownDeviceNamesTheArgumentAndTheKnownDevices() {
        twoDevices();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.unbind("foo"));
        assertEquals("unknown device \"foo\"; known: button0, bme0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> commands.bind("foo", null));
        assertEquals("unknown device \"foo\"; known: button0, bme0", e.getMessage());
        assertTrue(manager.calls.isEmpty(), "the manager is not called with a bad argument");
    }

    @Test
    void unknownDriverNamesTheArgumentAndTheKnownDrivers() {
        twoDevices();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.bind("bme0", "nope"));
        assertEquals("unknown driver \"nope\"; known: kdrv-gpio-keys/GpioKeys, kdrv-bme280/Bme280", e.getMessage());
        assertTrue(manager.calls.isEmpty());
    }

    @Test
    void missingOrBlankArgumentIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.unbind(" "));
        assertEquals("missing device name; known: none", e.getMessage());
    }

    @Test
    void managerErrorsKeepTheirMessage() {
        twoDevices();
        manager.bindFailure = new IllegalStateException("device button0 is already bound to kdrv-gpio-keys/GpioKeys");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> commands.bind("button0", null));
        assertEquals("device button0 is already bound to kdrv-gpio-keys/GpioKeys", e.getMessage());
    }

    @Test
    void summaryShowsFailureReasonOnOneLine() {
        assertEquals("x: failed: boom at line 2",
                DeviceCommands.summary(device("x", DeviceState.FAILED, "d/D", "boom\nat line 2", "c")));
        assertEquals("x: deferred: waiting for y",
                DeviceCommands.summary(device("x", DeviceState.DEFERRED, null, "waiting for y", "c")));
    }

    @Test
    void readShowsChannelsWithUnitsAndThePollerAndDevicesListsLatestReadings() {
        twoDevices();
        manager.sensors.put("bme0", new SensorInfo("bme0", List.of(
                new SensorReading("temperature", 21.5, "°C", 1000, 7),
                new SensorReading("humidity", Double.NaN, "%RH", 1000, 7)), 7, "sensor/bme0",
                Duration.ofMillis(500), 1, 2, 0));
        assertEquals("""
                CHANNEL     VALUE UNIT SAMPLE
                temperature 21.5  °C   7
                humidity    -     %RH  7
                7 samples; poller sensor/bme0: every 500 ms on cpu 1, 2 overruns, 0 failed polls""",
                commands.read("bme0"));
        assertTrue(commands.devices().endsWith("latest readings:\nbme0: temperature=21.5 °C humidity=- %RH"),
                commands.devices());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.read("button0"));
        assertTrue(e.getMessage().startsWith("device button0 has no sensor channels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> commands.read("nope"));
    }
}
