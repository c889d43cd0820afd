package io.kdrv.drivers.sht31;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.assertNoKthread;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.sht31.internal.Sht31Commands;
import io.kdrv.drivers.sht31.internal.Sht31Driver;
import io.kdrv.drivers.sht31.sim.Sht31Chip;
import io.kdrv.kthread.Kthread;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.NodeTemplate;
import io.kdrv.testing.RecordingEventAdmin;
import io.kdrv.testing.await.Await;
import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.service.event.Event;

/** sht31 on the mock board with the simulated chip: commands, CRC checks, conversions, faults, unplug. */
@Timeout(60)
class Sht31DriverTest {
    private static final int BUS = 1;
    private static final int ADDR = 0x44;
    private static final String COMPATIBLE = "sensirion,sht31";

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final Sht31Driver driver = new Sht31Driver(events);

    private final NodeTemplate sensor = new NodeTemplate(bed, COMPATIBLE, "i2c-bus", BUS, "reg", ADDR, "poll-ms", 20);

    private Sht31Reading awaitReading(String device, Predicate<Sht31Reading> ok) {
        return Await.value("device " + device + ": a matching reading",
                () -> driver.sensor(device).flatMap(Sht31Sensor::latest).filter(ok),
                () -> "sensor " + driver.sensor(device).map(Object::toString).orElse("not bound"));
    }

    @Test
    void crcMatchesTheDatasheetExample() {
        assertEquals(0x92, Sht31Crc.crc(0xBE, 0xEF));
        assertEquals(0x92, Sht31Crc.crc(0xBEEF));
        assertEquals(0x81, Sht31Crc.crc(0x0000)); // init 0xFF: an all-zero word does not have CRC 0
    }

    @Test
    void singleShotReadingsFollowTheDatasheetFormulas() throws Exception {
        Sht31Chip chip = bed.attach(BUS, ADDR, new Sht31Chip()).set(23.7, 61.2);
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = sensor.add("rh0");
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(1, chip.resets(), "soft reset at probe");
        assertTrue(chip.commands().contains(Sht31Commands.READ_STATUS));

        Sht31Reading r = awaitReading("rh0", x -> true);
        int rawT = Sht31Commands.rawTemperature(23.7);
        int rawRh = Sht31Commands.rawHumidity(61.2);
        assertEquals(rawT, r.rawT());
        assertEquals(rawRh, r.rawRh());
        assertEquals(-45 + 175.0 * rawT / 65535, r.temperature(), 1e-9);
        assertEquals(100.0 * rawRh / 65535, r.humidity(), 1e-9);
        assertEquals(23.7, r.temperature(), 175.0 / 65535);
        assertEquals(61.2, r.humidity(), 100.0 / 65535);
        assertTrue(chip.commands().contains(Sht31Commands.SINGLE_HIGH), "high repeatability by default");
        assertFalse(chip.periodic());

        chip.set(-12.25, 5.0);
        r = awaitReading("rh0", x -> Math.abs(x.temperature() + 12.25) < 0.01);
        assertEquals(5.0, r.humidity(), 0.01);

        List<Event> got = events.await(2, Await.DEFAULT);
        Event e = got.get(0);
        assertEquals(Sht31Events.TOPIC, e.getTopic());
        assertEquals("rh0", e.getProperty(Sht31Events.DEVICE));
        assertEquals(1L, e.getProperty(Sht31Events.SEQUENCE));
        assertEquals(2L, got.get(1).getProperty(Sht31Events.SEQUENCE));
        assertEquals(Boolean.FALSE, e.getProperty(Sht31Events.HEATER));
        assertTrue(e.getProperty(Sht31Events.TEMPERATURE) instanceof Double);
        assertTrue((Long) e.getProperty(Sht31Events.TIMESTAMP) > 0);
    }

    @Test
    void periodicModeFetchesAndRemoveBreaksIt() {
        Sht31Chip chip = bed.attach(BUS, ADDR, new Sht31Chip()).set(30.0, 40.0);
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = sensor.add("rh0", "mode", "periodic", "mps", 10, "repeatability", "low");
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertTrue(chip.periodic());
        assertEquals(10.0, chip.periodicRate());
        assertTrue(chip.commands().contains(0x272A), "10 mps, low repeatability: " + chip.commands());
        assertEquals(30.0, awaitReading("rh0", x -> true).temperature(), 0.01);
        assertTrue(chip.commands().contains(Sht31Commands.FETCH));

        assertEquals(DeviceState.UNBOUND, bed.unbind("rh0").state());
        assertFalse(chip.periodic(), "Break sent on remove");
    }

    @Test
    void crcErrorIsCountedAndRetried() {
        Sht31Chip chip = bed.attach(BUS, ADDR, new Sht31Chip()).set(20.0, 50.0);
        bed.register(driver, COMPATIBLE);
        sensor.add("rh0");
        Sht31Sensor s = driver.sensor("rh0").orElseThrow();
        awaitReading("rh0", x -> true);
        assertEquals(0, s.crcErrors());
        long readings = s.readings();
        long measurements = chip.measurements();

        chip.corruptNextAnswers(1); // the next measurement's temperature word arrives with a wrong CRC
        Await.until("a CRC error counted", () -> s.crcErrors() == 1);
        Await.until("readings go on", () -> s.readings() > readings + 1);
        assertEquals(0, s.errors(), "the retry succeeded: no failed sample");
        assertTrue(chip.measurements() >= measurements + 3, "corrupt one, its retry, and the next");
        assertEquals(20.0, s.latest().orElseThrow().temperature(), 0.01);
    }

    @Test
    void persistentCrcErrorsFailTheSampleNamingTheDevice() throws Exception {
        Sht31Chip chip = bed.attach(BUS, ADDR, new Sht31Chip()).set(20.0, 50.0);
        bed.register(driver, COMPATIBLE);
        sensor.add("rh0", "crc-retries", 1);
        Sht31Sensor s = driver.sensor("rh0").orElseThrow();
        awaitReading("rh0", x -> true);
        long readings = s.readings();
        chip.corruptNextAnswers(Integer.MAX_VALUE);
        Await.until("a failed sample", () -> s.errors() >= 1);
        Await.until("the core poller counted it", () -> bed.manager().sensor("rh0").orElseThrow().pollErrors() >= 1);
        assertTrue(s.crcErrors() >= 2, "first attempt and one retry: " + s);
        IOException e = assertThrows(IOException.class, s::readStatus);
        for (String f : List.of("rh0", "bus 1", "0x44", "CRC", "0xF32D")) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' in: " + e.getMessage());
        }
        chip.corruptNextAnswers(0);
        Await.until("readings resume", () -> s.readings() > readings + 1);
    }

    @Test
    void heaterAndStatusRegister() throws Exception {
        Sht31Chip chip = bed.attach(BUS, ADDR, new Sht31Chip());
        bed.register(driver, COMPATIBLE);
        sensor.add("rh0", "heater", true);
        assertTrue(chip.heater());
        assertEquals(Boolean.TRUE, events.await(1, Await.DEFAULT).get(0).getProperty(Sht31Events.HEATER));
        Sht31Sensor s = driver.sensor("rh0").orElseThrow();
        assertTrue(s.heater());
        int status = s.readStatus();
        assertTrue((status & Sht31Commands.STATUS_HEATER) != 0, Integer.toHexString(status));
        assertEquals(0, status & Sht31Commands.STATUS_RESET, "reset flag cleared at probe");

        s.setHeater(false);
        assertFalse(chip.heater());
        assertEquals(0, s.readStatus() & Sht31Commands.STATUS_HEATER);
        s.setHeater(true);
        assertTrue(chip.heater());

        bed.unbind("rh0");
        assertFalse(chip.heater(), "heater off on remove");
    }

    @Test
    void badNodesFailNamingDeviceAndKey() {
        bed.attach(BUS, ADDR, new Sht31Chip());
        bed.register(driver, COMPATIBLE);
        assertFailed(sensor.add("m", "mode", "turbo"), "m", "mode", "single-shot, periodic");
        assertFailed(sensor.add("r", "repeatability", "ultra"), "r", "repeatability", "high, medium, low");
        assertFailed(sensor.add("s", "mps", 3), "s", "mps", "0.5, 1, 2, 4, 10");
        assertFailed(bed.addDevice("a", COMPATIBLE, "i2c-bus", BUS, "reg", 0x40), "a", "reg", "0x44");
        assertFailed(sensor.add("p", "poll-ms", 0), "p", "poll-ms");
        assertFailed(sensor.add("c", "cpu", 4096), "c", "cpu");
        assertNoKthread("sensor/");
        assertTrue(bed.board().i2cDevices().isEmpty(), "I2C handles released: " + bed.board().i2cDevices());
    }

    @Test
    void absentOrNackingChipFailsProbeNamingDeviceBusAndAddress() {
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = sensor.add("gone");
        assertFailed(d, "gone", "bus 1", "0x44");

        Sht31Chip chip = bed.attach(BUS, 0x45, new Sht31Chip());
        chip.nackNextCommands(100);
        assertFailed(bed.addDevice("mute", COMPATIBLE, "i2c-bus", BUS, "reg", 0x45), "mute", "bus 1", "0x45",
                "NACK");
        assertNoKthread("sensor/");
        assertTrue(bed.board().i2cDevices().isEmpty());
    }

    @Test
    void corruptStatusAtProbeFailsNamingCrc() {
        Sht31Chip chip = bed.attach(BUS, ADDR, new Sht31Chip());
        chip.corruptNextAnswers(1);
        bed.register(driver, COMPATIBLE);
        assertFailed(sensor.add("rh0"), "rh0", "0x44", "CRC mismatch");
        assertNoKthread("sensor/");
    }

    @Test
    void readingsAreSensorChannelsWithUnitsInTheDeviceManager() {
        bed.attach(BUS, ADDR, new Sht31Chip()).set(23.5, 41.0);
        bed.register(driver, COMPATIBLE);
        sensor.add("rh0");
        Sht31Reading r = awaitReading("rh0", x -> true);
        // the poller sets the driver's latest reading just before it publishes it to the core
        Await.until("rh0's first sample published", () -> bed.manager().sensor("rh0")
                .map(i -> i.samples() >= r.sequence()).orElse(false));
        io.kdrv.driver.SensorInfo info = bed.manager().sensor("rh0").orElseThrow();
        assertEquals(List.of("temperature", "humidity"),
                info.readings().stream().map(io.kdrv.driver.SensorReading::channel).toList());
        assertEquals(List.of("°C", "%RH"), info.readings().stream().map(io.kdrv.driver.SensorReading::unit).toList());
        assertEquals("sensor/rh0", info.poller());
        assertEquals(java.time.Duration.ofMillis(20), info.period());
        assertTrue(info.readings().get(0).sequence() >= 1);
        assertEquals(23.5, info.readings().get(0).value(), 0.05);
        assertEquals(41.0, info.readings().get(1).value(), 0.05);
        assertTrue(info.samples() >= r.sequence(), "the driver's reading is a published sample");
        bed.unbind("rh0");
        assertTrue(bed.manager().sensor("rh0").isEmpty());
    }

    @Test
    void pollerIsBoundToTheConfiguredCpu() {
        int cpu = Runtime.getRuntime().availableProcessors() - 1;
        bed.attach(BUS, ADDR, new Sht31Chip());
        bed.register(driver, COMPATIBLE);
        sensor.add("rh0", "cpu", cpu);
        awaitReading("rh0", x -> true);
        Kthread k = driver.pollerThread("rh0").orElseThrow();
        assertEquals("sensor/rh0", k.name());
        BitSet expected = new BitSet();
        expected.set(cpu);
        assertEquals(expected, k.cpuMask());
    }

    @Test
    void unplugReleasesThreadAndI2cHandle() {
        Sht31Chip chip = bed.attach(BUS, ADDR, new Sht31Chip());
        bed.register(driver, COMPATIBLE);
        sensor.add("rh0");
        awaitReading("rh0", x -> true);
        assertFalse(bed.board().i2cDevices().isEmpty());

        bed.mock().detach(BUS, ADDR); // the chip leaves the bus: samples fail, polling goes on
        Sht31Sensor s = driver.sensor("rh0").orElseThrow();
        Await.until("a failed sample after the chip left", () -> s.errors() >= 1);

        bed.removeDevice("rh0");
        assertNoKthread("sensor/");
        assertTrue(bed.board().i2cDevices().isEmpty(), bed.board().i2cDevices()::toString);
        assertTrue(driver.sensor("rh0").isEmpty());
        assertTrue(chip.commands().contains(Sht31Commands.SOFT_RESET));
    }
}
