package io.kdrv.drivers.pca9685;

import static io.kdrv.drivers.pca9685.internal.Pca9685Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.pwm.Pwm;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.drivers.pca9685.internal.Pca9685Driver;
import io.kdrv.drivers.pca9685.sim.Pca9685Chip;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.KdrvTestBed;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** pca9685 on the mock board with the register-model chip: probe, prescale, counts, servo, consumers, faults. */
@Timeout(60)
class Pca9685DriverTest {
    private static final int BUS = 1;
    private static final int ADDR = 0x40;
    private static final String COMPATIBLE = "nxp,pca9685-pwm";

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final Pca9685Driver driver = new Pca9685Driver();

    /** A consumer driver: takes pwms[0] and turns it on; records its removal. */
    static final class Consumer implements Driver {
        final Map<String, Pwm> pwms = new ConcurrentHashMap<>();
        final List<String> events;

        Consumer(List<String> events) {
            this.events = events;
        }

        @Override
        public void probe(Device dev) throws Exception {
            Pwm p = dev.pwm("pwms");
            p.on();
            pwms.put(dev.name(), p);
        }

        @Override
        public void remove(Device dev) {
            events.add("remove " + dev.name());
            pwms.remove(dev.name());
        }
    }

    private DeviceInfo addPca(String name, Object... extra) {
        Object[] kv = new Object[4 + extra.length];
        kv[0] = "i2c-bus";
        kv[1] = BUS;
        kv[2] = "reg";
        kv[3] = ADDR;
        System.arraycopy(extra, 0, kv, 4, extra.length);
        return bed.addDevice(name, COMPATIBLE, kv);
    }

    @Test
    void probeSetsModesAndPrescaleAndLeavesEveryOutputOff() {
        Pca9685Chip chip = bed.attach(BUS, ADDR, new Pca9685Chip());
        chip.poke(led(5) + 3, 0x08); // OFF 2048, full-off bit clear: left on by a previous user
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = addPca("pca0");
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertTrue((chip.mode1() & MODE1_AI) != 0, "auto-increment on");
        assertEquals(0, chip.mode1() & MODE1_SLEEP, "awake");
        assertTrue(chip.running());
        assertEquals(MODE2_OUTDRV, chip.mode2(), "totem pole, not inverted");
        assertEquals(30, chip.prescale(), "200 Hz: round(25e6 / (4096 * 200)) - 1");
        assertTrue(chip.allOff(), "every output full off after probe");
        assertEquals(0, chip.prescaleWritesIgnored(), "PRE_SCALE written only in sleep");
        assertEquals(0, chip.restartsIgnored(), "RESTART only after the oscillator start-up");
        Pca9685 api = driver.chip("pca0").orElseThrow();
        assertEquals(25e6 / (4096 * 31), api.frequency(), 1e-9, "the actual frequency of prescale 30");
    }

    @Test
    void frequencyGivesTheDatasheetPrescale() {
        int[][] cases = {{50, 121}, {60, 101}, {100, 60}, {1000, 5}, {1526, 3}, {24, 253}};
        bed.register(driver, COMPATIBLE);
        for (int[] c : cases) {
            assertEquals(c[1], Pca9685.prescaleFor(c[0]), c[0] + " Hz");
            assertEquals(c[1], Math.round(25e6 / (4096.0 * c[0])) - 1, "the formula itself at " + c[0] + " Hz");
            Pca9685Chip chip = bed.attach(BUS, ADDR, new Pca9685Chip());
            assertEquals(DeviceState.BOUND, addPca("pca" + c[0], "frequency", c[0]).state());
            assertEquals(c[1], chip.prescale(), c[0] + " Hz");
            assertEquals(c[0], chip.frequency(), c[0] * 0.05, "actual frequency near the asked one");
            bed.removeDevice("pca" + c[0]);
            bed.mock().detach(BUS, ADDR);
        }
    }

    @Test
    void dutyCycleBecomesOnOffCountsWithFullOnAndFullOffBits() throws Exception {
        Pca9685Chip chip = bed.attach(BUS, ADDR, new Pca9685Chip());
        bed.register(driver, COMPATIBLE);
        addPca("pca0", "frequency", 1000);
        Pca9685 api = driver.chip("pca0").orElseThrow();
        api.setDutyCycle(0, 25);
        assertEquals(0, chip.on(0));
        assertEquals(1024, chip.off(0));
        assertEquals(0.25, chip.duty(0), 1e-9);
        api.setDutyCycle(1, 100);
        assertTrue(chip.fullOn(1));
        assertEquals(FULL << 8, chip.on(1), "ON_H bit 4");
        api.setDutyCycle(1, 0);
        assertTrue(chip.fullOff(1));
        assertEquals(FULL << 8, chip.off(1), "OFF_H bit 4");
        api.setCounts(2, 100, 300);
        assertEquals(200.0 / 4096, chip.duty(2), 1e-9);
        api.setCounts(3, 4000, 100); // wraps around the period end
        assertEquals(196.0 / 4096, chip.duty(3), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> api.setCounts(16, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> api.setCounts(0, 0, 4096));
        assertThrows(IllegalArgumentException.class, () -> api.setDutyCycle(0, 101));
    }

    @Test
    void servoAngleMapsToPulseWidthAndCounts() throws Exception {
        Pca9685Chip chip = bed.attach(BUS, ADDR, new Pca9685Chip());
        bed.register(driver, COMPATIBLE);
        addPca("pca0", "frequency", 50, "servo-min-us", 500, "servo-max-us", 2500, "servo-range-deg", 270);
        Pca9685 api = driver.chip("pca0").orElseThrow();
        double period = 1e6 / (25e6 / (4096 * 122.0)); // prescale 121: 50.03 Hz
        double[][] cases = {{0, 500}, {135, 1500}, {270, 2500}, {54, 900}};
        for (double[] c : cases) {
            assertEquals(c[1], api.servoPulseMicros(c[0]), 1e-9, c[0] + " degrees");
            api.setServoAngle(7, c[0]);
            assertEquals(Math.round(c[1] * 4096 / period), chip.off(7), c[0] + " degrees: OFF count");
            assertEquals(0, chip.on(7));
            assertEquals(c[1], chip.pulseMicros(7), period / 4096, c[0] + " degrees: within one count");
        }
        assertThrows(IllegalArgumentException.class, () -> api.setServoAngle(7, 271));
        assertThrows(IllegalArgumentException.class, () -> api.setServoAngle(7, -1));
    }

    @Test
    void consumerOnAControllerChannelDefersUntilPca0BindsAndGoesFirstOnUnbind() throws Exception {
        Pca9685Chip chip = bed.attach(BUS, ADDR, new Pca9685Chip());
        List<String> events = new CopyOnWriteArrayList<>();
        Consumer consumer = new Consumer(events);
        bed.register("test/consumer", consumer, "test,pwm-consumer");
        DeviceInfo led = bed.addDevice("led0", "test,pwm-consumer", "pwms", "pca0:3", "pwm-frequency", 200,
                "pwm-duty-cycle", 25);
        assertEquals(DeviceState.DEFERRED, led.state());
        assertTrue(led.reason().contains("pca0"), led.reason());

        bed.register(driver, COMPATIBLE);
        assertEquals(DeviceState.BOUND, addPca("pca0").state());
        assertEquals(DeviceState.BOUND, bed.awaitState("led0", DeviceState.BOUND).state());
        assertEquals(1024, chip.off(3), "25 % of 4096");
        assertEquals(0.25, chip.duty(3), 1e-9);

        Pwm p = consumer.pwms.get("led0");
        p.dutyCycle(50);
        assertEquals(2048, chip.off(3));
        p.off();
        assertTrue(chip.fullOff(3));
        p.on();
        assertEquals(0.5, chip.duty(3), 1e-9);

        bed.unbind("pca0");
        assertEquals(List.of("remove led0"), events, "the consumer was removed (device link)");
        assertTrue(chip.allOff(), "outputs off on remove");
        assertFalse(chip.running(), "the chip sleeps after remove");
        DeviceInfo after = bed.device("led0");
        assertEquals(DeviceState.DEFERRED, after.state());
        assertTrue(after.reason().contains("pca0"), after.reason());
    }

    @Test
    void oneSharedPrescalerRefusesASecondFrequencyNamingTheChannels() throws Exception {
        Pca9685Chip chip = bed.attach(BUS, ADDR, new Pca9685Chip());
        bed.register(driver, COMPATIBLE);
        addPca("pca0", "frequency", 50);
        Consumer consumer = new Consumer(new CopyOnWriteArrayList<>());
        bed.register("test/consumer", consumer, "test,pwm-consumer");
        assertEquals(DeviceState.BOUND, bed.addDevice("servo", "test,pwm-consumer", "pwms", "pca0:0",
                "pwm-frequency", 1000, "pwm-duty-cycle", 10).state(), "the only active channel may set it");
        assertEquals(5, chip.prescale(), "1000 Hz");
        assertEquals(0, chip.restartsIgnored());
        assertTrue(chip.running());
        DeviceInfo second = bed.addDevice("buzzer", "test,pwm-consumer", "pwms", "pca0:1", "pwm-frequency", 440,
                "pwm-duty-cycle", 50);
        assertEquals(DeviceState.FAILED, second.state());
        for (String f : List.of("pca0", "channel 1", "440 Hz", "prescaler", "[0]")) {
            assertTrue(second.reason().contains(f), "'" + f + "' in: " + second.reason());
        }
        assertEquals(0.1, chip.duty(0), 1.0 / 4096, "channel 0 untouched");
        assertTrue(chip.fullOff(1));
    }

    @Test
    void badConfigurationFailsNamingDeviceAndKey() {
        bed.attach(BUS, ADDR, new Pca9685Chip());
        bed.register(driver, COMPATIBLE);
        assertFailed(addPca("f", "frequency", 2000), "device f", "'frequency'", "24..1526");
        assertFailed(addPca("g", "frequency", 10), "device g", "'frequency'", "24..1526");
        assertFailed(addPca("s", "servo-min-us", 2000, "servo-max-us", 1000), "device s", "'servo-max-us'",
                "greater than servo-min-us");
        assertFailed(addPca("t", "servo-range-deg", 0), "device t", "'servo-range-deg'");
        assertFailed(addPca("i", "inverted", "maybe"), "device i", "'inverted'");
        assertFailed(bed.addDevice("r", COMPATIBLE, "i2c-bus", BUS), "device r", "'reg'", "missing");
        assertTrue(bed.board().i2cDevices().isEmpty(), bed.board().i2cDevices()::toString);
        assertEquals(DeviceState.BOUND, addPca("ok").state(), "the others keep working");
    }

    @Test
    void absentOrNackingChipFailsNamingDeviceBusAndAddress() {
        bed.register(driver, COMPATIBLE);
        assertFailed(addPca("gone"), "gone", "bus 1", "0x40");
        Pca9685Chip mute = bed.attach(BUS, 0x41, new Pca9685Chip());
        mute.nackNext(1000);
        assertFailed(bed.addDevice("mute", COMPATIBLE, "i2c-bus", BUS, "reg", 0x41), "mute", "bus 1", "0x41",
                "NACK");
        Pca9685Chip odd = bed.attach(BUS, 0x42, new Pca9685Chip());
        odd.poke(PRE_SCALE, 0); // no PCA9685 reads below 3
        assertFailed(bed.addDevice("odd", COMPATIBLE, "i2c-bus", BUS, "reg", 0x42), "odd", "not a PCA9685",
                "PRE_SCALE reads 0x00");
        assertTrue(bed.board().i2cDevices().isEmpty(), bed.board().i2cDevices()::toString);
    }

    @Test
    void unplugTurnsEveryOutputOffAndLeavesNoThreadOrHandle() throws Exception {
        Pca9685Chip chip = bed.attach(BUS, ADDR, new Pca9685Chip());
        bed.register(driver, COMPATIBLE);
        Consumer consumer = new Consumer(new CopyOnWriteArrayList<>());
        bed.register("test/consumer", consumer, "test,pwm-consumer");
        addPca("pca0", "frequency", 50);
        bed.addDevice("arm", "test,pwm-consumer", "pwms", "pca0:15", "pwm-frequency", 50, "pwm-duty-cycle", 7);
        Pca9685 api = driver.chip("pca0").orElseThrow();
        for (int c = 0; c < 8; c++) {
            api.setServoAngle(c, 90);
        }
        assertFalse(chip.allOff());
        bed.removeDevice("pca0");
        assertTrue(chip.allOff(), "every output full off");
        assertFalse(chip.running());
        assertTrue(driver.chip("pca0").isEmpty());
        assertEquals(DeviceState.DEFERRED, bed.device("arm").state());
        assertTrue(bed.board().i2cDevices().isEmpty(), bed.board().i2cDevices()::toString);
        assertTrue(Kthreads.list().stream().noneMatch(k -> k.name().contains("pca")), Kthreads.list()::toString);
    }

    private static void assertFailed(DeviceInfo d, String... fragments) {
        assertEquals(DeviceState.FAILED, d.state(), d.toString());
        for (String f : fragments) {
            assertTrue(d.reason().contains(f), "'" + f + "' in: " + d.reason());
        }
    }
}
