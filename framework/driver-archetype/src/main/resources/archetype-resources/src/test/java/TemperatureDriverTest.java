package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ${package}.internal.TemperatureDriver;
import ${package}.sim.TemperatureChip;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.testing.KdrvExtension;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.await.Await;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The driver on kdrv's mock board with the simulated chip. The test bed runs the kdrv core in plain Java (no
 * OSGi), fresh for each test, and fails a test that leaves a kthread running.
 */
@ExtendWith(KdrvExtension.class)
@Timeout(60) // also when run from an IDE, without the build's default timeout
class TemperatureDriverTest {
    private static final String COMPATIBLE = "${compatible}";
    private static final int BUS = 1;
    private static final int ADDRESS = 0x48;

    private final TemperatureDriver driver = new TemperatureDriver();

    private double awaitCelsius(String device, double expected) {
        return Await.value("device " + device + " reading " + expected + " C",
                () -> driver.sensor(device).map(TemperatureSensor::celsius)
                        .filter(c -> c.isPresent() && Math.abs(c.getAsDouble() - expected) < 0.01)
                        .map(OptionalDouble::getAsDouble),
                () -> String.valueOf(driver.sensor(device).map(TemperatureSensor::celsius)));
    }

    @Test
    void readsTheSimulatedTemperatureAndShutsTheChipDownOnRemove(KdrvTestBed bed) {
        TemperatureChip chip = bed.attach(BUS, ADDRESS, new TemperatureChip());
        chip.setTemperature(21.5);
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = bed.addDevice("temp0", COMPATIBLE, "i2c-bus", BUS, "reg", ADDRESS, "poll-ms", 10);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertFalse(chip.shutdown(), "probe wakes the chip");

        assertEquals(21.5, awaitCelsius("temp0", 21.5), 0.01);
        chip.setTemperature(-3.25);
        assertEquals(-3.25, awaitCelsius("temp0", -3.25), 0.01);
        assertEquals(0, driver.sensor("temp0").orElseThrow().errors());

        bed.removeDevice("temp0"); // waits until remove and devres are done; the bed checks the poller is gone
        assertTrue(chip.shutdown(), "devres shuts the chip down on remove");
        assertTrue(driver.sensor("temp0").isEmpty());
    }

    @Test
    void anotherChipAtTheAddressFailsTheProbeNamingTheIdRead(KdrvTestBed bed) {
        bed.attach(BUS, ADDRESS, new TemperatureChip()).chipId(0x42);
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = bed.addDevice("temp0", COMPATIBLE, "reg", ADDRESS);
        assertEquals(DeviceState.FAILED, d.state());
        assertTrue(d.reason().contains("temp0") && d.reason().contains("0x42"), d.reason());
    }

    @Test
    void aNodeWithoutRegFailsBeforeProbe(KdrvTestBed bed) {
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = bed.addDevice("temp0", COMPATIBLE, "poll-ms", 10);
        assertEquals(DeviceState.FAILED, d.state());
        assertTrue(d.reason().contains("reg"), d.reason());
    }
}
