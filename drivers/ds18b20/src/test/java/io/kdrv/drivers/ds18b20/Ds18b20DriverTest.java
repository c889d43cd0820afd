package io.kdrv.drivers.ds18b20;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.SensorInfo;
import io.kdrv.drivers.ds18b20.internal.Ds18b20Driver;
import io.kdrv.drivers.ds18b20.sim.Ds18b20Model;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.await.Await;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ds18b20 through the test bed, on the mock board's 1-Wire bus with the datasheet model. */
@Timeout(120)
class Ds18b20DriverTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String ID0 = "28-00000abcdef0";
    private static final String ID1 = "28-000000000001";

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final Ds18b20Driver driver = new Ds18b20Driver();

    private DeviceInfo add(String name, String id, Object... extra) {
        Object[] kv = new Object[4 + extra.length];
        kv[0] = "w1-id";
        kv[1] = id;
        kv[2] = "poll-ms";
        kv[3] = 50;
        System.arraycopy(extra, 0, kv, 4, extra.length);
        return bed.addDevice(name, "maxim,ds18b20", kv);
    }

    private Ds18b20Sensor sensor(String device) {
        return driver.sensor(device).orElseThrow(() -> new AssertionError("device " + device + " is not bound"));
    }

    /** Bounded polling until the device's latest temperature is {@code celsius}. */
    private void awaitTemperature(String device, double celsius) {
        Await.until(device + " reading " + celsius + " °C", () -> {
            OptionalDouble t = sensor(device).latest();
            return t.isPresent() && t.getAsDouble() == celsius;
        }, () -> String.valueOf(driver.sensor(device)), WAIT);
    }

    private void awaitReadings(String device, long atLeast) {
        Await.until(device + " reaching " + atLeast + " readings", () -> sensor(device).readings() >= atLeast,
                () -> String.valueOf(driver.sensor(device)), WAIT);
    }

    @Test
    void probeReadsTheSensorAndPublishesDegreesOnTheSensorChannel() {
        Ds18b20Model model = bed.mock().attachW1(new Ds18b20Model(ID0).setTemperature(23.125));
        bed.register(driver, "maxim,ds18b20");
        DeviceInfo d = add("temp0", ID0);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(0, model.configWrites(), "already 12 bits after power-up: nothing to write");

        awaitTemperature("temp0", 23.125);
        SensorInfo info = bed.manager().sensor("temp0").orElseThrow();
        assertEquals("temperature", info.readings().get(0).channel());
        assertEquals("°C", info.readings().get(0).unit());
        assertEquals(23.125, info.readings().get(0).value(), 0.0);
        assertEquals("sensor/temp0", info.poller());
        assertEquals(0, model.earlyReads(), "every READ SCRATCHPAD came after t_CONV");
        assertEquals(0, model.unknownCommands());
        assertTrue(model.conversions() >= 1);
        assertEquals(ID0, sensor("temp0").w1Id());
    }

    @Test
    void readingsAtEachResolutionAreRoundedToItsStepWithUndefinedBitsMasked() {
        String[] ids = {"28-000000000009", "28-00000000000a", "28-00000000000b", "28-00000000000c"};
        Ds18b20Model[] models = new Ds18b20Model[4];
        for (int i = 0; i < 4; i++) {
            models[i] = bed.mock().attachW1(new Ds18b20Model(ids[i]).setTemperature(21.37));
        }
        bed.register(driver, "maxim,ds18b20");
        for (int i = 0; i < 4; i++) {
            DeviceInfo d = add("t" + (9 + i), ids[i], "resolution", 9 + i);
            assertEquals(DeviceState.BOUND, d.state(), d.reason());
        }
        // 21.37 °C in steps of 1/2, 1/4, 1/8, 1/16 °C; the model leaves the undefined low bits set.
        double[] warm = {21.5, 21.25, 21.375, 21.375};
        for (int i = 0; i < 4; i++) {
            awaitTemperature("t" + (9 + i), warm[i]);
            assertEquals(Ds18b20Scratchpad.configFor(9 + i), models[i].config());
            assertEquals(i == 3 ? 0 : 1, models[i].configWrites(), "t" + (9 + i));
            assertEquals(9 + i, sensor("t" + (9 + i)).resolution());
        }
        for (Ds18b20Model m : models) {
            m.setTemperature(-10.3);
        }
        double[] cold = {-10.5, -10.25, -10.25, -10.3125}; // two's complement, rounded to the nearest step
        for (int i = 0; i < 4; i++) {
            awaitTemperature("t" + (9 + i), cold[i]);
            assertEquals(0, models[i].earlyReads(), "t" + (9 + i) + " waited its conversion time");
        }
    }

    @Test
    void aCrcMismatchIsCountedAndRetriedAndPersistentOnesFailThePoll() {
        Ds18b20Model model = bed.mock().attachW1(new Ds18b20Model(ID0).setTemperature(19.0));
        bed.register(driver, "maxim,ds18b20");
        assertEquals(DeviceState.BOUND, add("temp0", ID0, "resolution", 9).state());
        awaitReadings("temp0", 1);

        model.setTemperature(19.5);
        model.corruptCrc(1);
        awaitTemperature("temp0", 19.5); // the re-read got it
        assertEquals(1, sensor("temp0").crcErrors());
        assertEquals(0, sensor("temp0").failures());

        model.corruptCrc(Integer.MAX_VALUE);
        Await.until("a failed poll", () -> sensor("temp0").failures() >= 1, WAIT);
        assertTrue(sensor("temp0").crcErrors() >= 1 + 3, "3 reads (crc-retries 2) per failed poll");
        Await.until("the core counting the failed poll",
                () -> bed.manager().sensor("temp0").orElseThrow().pollErrors() >= 1, WAIT);
        assertEquals(DeviceState.BOUND, bed.device("temp0").state(), "a bad read does not unbind the sensor");

        model.corruptCrc(0);
        model.setTemperature(18.0);
        awaitTemperature("temp0", 18.0);
    }

    @Test
    void anAbsentSensorFailsProbeNamingDeviceAndIdAndAnUnpluggedOneRecovers() {
        Ds18b20Model model = bed.mock().attachW1(new Ds18b20Model(ID0).setTemperature(25.0));
        model.setPresent(false);
        bed.register(driver, "maxim,ds18b20");
        DeviceInfo d = add("temp0", ID0);
        assertEquals(DeviceState.FAILED, d.state());
        assertTrue(d.reason().contains("temp0") && d.reason().contains(ID0) && d.reason().contains("presence"),
                d.reason());
        DeviceInfo notThere = add("temp1", "28-0000000000ff");
        assertEquals(DeviceState.FAILED, notThere.state());
        assertTrue(notThere.reason().contains("28-0000000000ff") && notThere.reason().contains("not found"),
                notThere.reason());

        model.setPresent(true);
        assertEquals(DeviceState.BOUND, bed.bind("temp0").state());
        awaitTemperature("temp0", 25.0);
        model.setPresent(false); // unplugged while bound: polls fail, counted, the device stays bound
        long before = sensor("temp0").failures();
        Await.until("failed polls", () -> sensor("temp0").failures() > before, WAIT);
        assertEquals(DeviceState.BOUND, bed.device("temp0").state());
        model.setTemperature(26.5);
        model.setPresent(true);
        awaitTemperature("temp0", 26.5);
    }

    @Test
    void twoSensorsOnOneBusEachHaveTheirNodeAndPoller() {
        Ds18b20Model a = bed.mock().attachW1(new Ds18b20Model(ID0).setTemperature(20.0));
        Ds18b20Model b = bed.mock().attachW1(new Ds18b20Model(ID1).setTemperature(30.5));
        bed.register(driver, "maxim,ds18b20");
        assertEquals(DeviceState.BOUND, add("inside", ID0, "resolution", 10).state());
        assertEquals(DeviceState.BOUND, add("outside", ID1, "w1-master", "w1_bus_master1").state());
        awaitTemperature("inside", 20.0);
        awaitTemperature("outside", 30.5);
        List<String> names = Kthreads.list().stream().map(KthreadInfo::name).toList();
        assertTrue(names.contains("sensor/inside") && names.contains("sensor/outside"), names.toString());

        b.setTemperature(31.0625);
        awaitTemperature("outside", 31.0625);
        assertEquals(20.0, sensor("inside").latest().orElseThrow(), 0.0, "the other sensor is not affected");
        assertEquals(10, a.resolution());
        assertEquals(12, b.resolution());
        DeviceInfo dup = add("again", ID0);
        assertEquals(DeviceState.FAILED, dup.state());
        assertTrue(dup.reason().contains("inside"), "the claim names the owner: " + dup.reason());
    }

    @Test
    void badNodesFailNamingTheKeyWithoutTouchingTheBus() {
        Ds18b20Model model = bed.mock().attachW1(new Ds18b20Model(ID0));
        bed.register(driver, "maxim,ds18b20");
        DeviceInfo r13 = add("r13", ID0, "resolution", 13);
        assertEquals(DeviceState.FAILED, r13.state());
        assertTrue(r13.reason().contains("r13") && r13.reason().contains("'resolution'")
                && r13.reason().contains("13"), r13.reason());
        DeviceInfo r8 = add("r8", ID0, "resolution", 8);
        assertTrue(r8.reason().contains("'resolution'"), r8.reason());
        DeviceInfo malformed = add("bad", "28-00000abcdef");
        assertEquals(DeviceState.FAILED, malformed.state());
        assertTrue(malformed.reason().contains("'w1-id'") && malformed.reason().contains("28-00000abcdef"),
                malformed.reason());
        DeviceInfo s20 = add("s20", "10-00000abcdef0");
        assertTrue(s20.reason().contains("'w1-id'") && s20.reason().contains("DS18S20"), s20.reason());
        DeviceInfo missing = bed.addDevice("noid", "maxim,ds18b20", "poll-ms", 50);
        assertTrue(missing.reason().contains("'w1-id'"), missing.reason());
        assertEquals(0, model.scratchpadReads(), "no bad node reached the bus");
        assertEquals(DeviceState.BOUND, add("good", ID0).state(), "the slave was never claimed by a bad node");
    }

    @Test
    void thePowerOnValueIsNotAReading() {
        Ds18b20Model model = bed.mock().attachW1(new Ds18b20Model(ID0).setTemperature(22.0));
        model.skipConversions(true); // the sensor resets in every conversion: 85 °C stays in the register
        bed.register(driver, "maxim,ds18b20");
        assertEquals(DeviceState.BOUND, add("temp0", ID0, "resolution", 9).state());
        Await.until("a failed poll", () -> sensor("temp0").failures() >= 1, WAIT);
        assertEquals(0, sensor("temp0").readings(), "85 °C was never published");
        assertTrue(sensor("temp0").powerOnReadings() >= 3, "one new conversion per retry");
        assertTrue(sensor("temp0").latest().isEmpty());
        model.skipConversions(false);
        awaitTemperature("temp0", 22.0);
    }

    @Test
    void saveConfigStoresTheResolutionInEeprom() {
        Ds18b20Model model = bed.mock().attachW1(new Ds18b20Model(ID0).setTemperature(5.0));
        bed.register(driver, "maxim,ds18b20");
        assertEquals(DeviceState.BOUND, add("temp0", ID0, "resolution", 10, "save-config", true).state());
        assertEquals(1, model.eepromCopies());
        assertEquals(Ds18b20Scratchpad.configFor(10), model.eeprom()[2] & 0xFF);
        model.powerCycle();
        assertEquals(10, model.resolution(), "recalled from EEPROM at power-up");
        awaitTemperature("temp0", 5.0);
    }

    @Test
    void unplugReleasesTheSlaveAndStopsThePoller() {
        bed.mock().attachW1(new Ds18b20Model(ID0).setTemperature(12.5));
        String id = bed.register(driver, "maxim,ds18b20");
        assertEquals(DeviceState.BOUND, add("temp0", ID0).state());
        awaitTemperature("temp0", 12.5);
        bed.unregister(id); // like the driver bundle going away: remove, devres release
        assertTrue(driver.sensor("temp0").isEmpty());
        assertTrue(Kthreads.list().stream().noneMatch(k -> k.name().equals("sensor/temp0")), "poller stopped");
        assertTrue(bed.manager().sensor("temp0").isEmpty());

        Ds18b20Driver again = new Ds18b20Driver();
        bed.register(again, "maxim,ds18b20");
        assertEquals(DeviceState.BOUND, bed.device("temp0").state(), "the slave was released: a new driver claims it");
        Await.until("a reading after re-binding", () -> again.sensor("temp0").orElseThrow().readings() >= 1, WAIT);
        // the bed's leak check (after each test) finds no kthread left once everything is removed
    }

    @Test
    void withoutRawTransactionsTheKernelsW1ThermFilesAreUsed() {
        Ds18b20Model chip = new Ds18b20Model(ID0).setTemperature(-3.3);
        bed.mock().attachW1(new io.kdrv.drivers.ds18b20.sim.W1ThermFiles(chip)); // w1_therm owns the slave
        bed.register(driver, "maxim,ds18b20");
        DeviceInfo d = add("temp0", ID0, "resolution", 10);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(10, chip.resolution(), "set through the kernel's resolution file");
        awaitTemperature("temp0", -3.25); // -3.3 °C in 1/4 °C steps, parsed from w1_slave and CRC-checked again
        chip.corruptCrc(1);
        chip.setTemperature(4.0);
        awaitTemperature("temp0", 4.0);
        assertEquals(1, sensor("temp0").crcErrors(), "a 'crc=.. NO' scratchpad is counted and re-read");
    }
}
