package io.kdrv.drivers.ads1115;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.assertNoKthread;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.ads1115.internal.Ads1115Driver;
import io.kdrv.drivers.ads1115.internal.Ads1115Registers;
import io.kdrv.drivers.ads1115.sim.Ads1115Chip;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.NodeTemplate;
import io.kdrv.testing.RecordingEventAdmin;
import io.kdrv.testing.await.Await;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.service.event.Event;

/** ads1115 on the mock board with the register-model chip: mux, PGA, data rate, OS-bit and ALERT/RDY paths. */
@Timeout(60)
class Ads1115DriverTest {
    private static final int BUS = 1;
    private static final int ADDR = 0x48;
    private static final int RDY = 23;
    private static final String COMPATIBLE = "ti,ads1115";

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final Ads1115Driver driver = new Ads1115Driver(events);

    private final NodeTemplate adc = new NodeTemplate(bed, COMPATIBLE, "i2c-bus", BUS, "reg", ADDR, "poll-ms", 20, "data-rate", 860);

    private Ads1115Reading awaitReading(String device, Predicate<Ads1115Reading> ok) {
        return Await.value("device " + device + ": a matching reading",
                () -> driver.sensor(device).flatMap(Ads1115Sensor::latest).filter(ok),
                () -> "sensor " + driver.sensor(device).map(Object::toString).orElse("not bound"));
    }

    /** What the datasheet's transfer function gives for {@code volts} at full scale {@code fsr}. */
    private static double quantized(double volts, double fsr) {
        long code = Math.max(-32768, Math.min(32767, Math.round(volts * 32768 / fsr)));
        return code * fsr / 32768;
    }

    private static void assertNoThreads() {
        assertNoKthread("sensor/");
        assertNoKthread("irq/" + RDY + "-");
    }

    @Test
    void singleEndedChannelsReadInVoltsAndArePublished() throws Exception {
        Ads1115Chip chip = bed.attach(BUS, ADDR, new Ads1115Chip())
                .setVoltage(0, 0.5).setVoltage(1, 1.234567).setVoltage(2, 2.047).setVoltage(3, 3.0);
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = adc.add("adc0", "poll-ms", 600_000); // one sample: config keeps the last channel's word
        assertEquals(DeviceState.BOUND, d.state(), d.reason());

        Ads1115Reading r = awaitReading("adc0", x -> true);
        assertEquals(List.of("ain0", "ain1", "ain2", "ain3"), r.channels());
        assertEquals(2.048, r.fullScale());
        assertEquals(quantized(0.5, 2.048), r.volts("ain0"), 1e-12);
        assertEquals(quantized(1.234567, 2.048), r.volts("ain1"), 1e-12);
        assertEquals(1.234567, r.volts("ain1"), 2.048 / 32768);
        assertEquals(quantized(2.047, 2.048), r.volts("ain2"), 1e-12);
        assertEquals(32767 * 2.048 / 32768, r.volts("ain3"), 1e-12, "3 V clips at +FS - 1 LSB");

        int config = chip.register(Ads1115Registers.CONFIG);
        assertEquals(0b111, config >> 12 & 0b111, "last conversion: AIN3 single-ended, mux 111");
        assertEquals(0b010, config >> 9 & 0b111, "PGA ±2.048 V");
        assertEquals(0b111, config >> 5 & 0b111, "860 SPS");
        assertTrue((config & Ads1115Registers.MODE_SINGLE) != 0, "single-shot");
        assertEquals(0b11, config & 0b11, "comparator off without ready-gpios");

        Event e = events.await(1, Await.DEFAULT).get(0);
        assertEquals(Ads1115Events.TOPIC, e.getTopic());
        assertEquals("adc0", e.getProperty(Ads1115Events.DEVICE));
        assertArrayEquals(new String[] {"ain0", "ain1", "ain2", "ain3"}, (String[]) e.getProperty(Ads1115Events.CHANNELS));
        assertEquals(quantized(0.5, 2.048), ((double[]) e.getProperty(Ads1115Events.VOLTS))[0], 1e-12);
        assertEquals(quantized(1.234567, 2.048), (Double) e.getProperty("volts.ain1"), 1e-12);
        assertEquals(1L, e.getProperty(Ads1115Events.SEQUENCE));

        chip.setVoltage(0, 1.75);
        assertEquals(DeviceState.BOUND, adc.add("adc0").state(), "changed node (poll-ms 20): probed again");
        assertEquals(quantized(1.75, 2.048), awaitReading("adc0", x -> x.volts("ain0") > 1.7).volts("ain0"), 1e-12);
    }

    @Test
    void differentialChannelsWithGainAndRate() {
        Ads1115Chip chip = bed.attach(BUS, ADDR, new Ads1115Chip())
                .setVoltage(0, 1.100).setVoltage(1, 1.000).setVoltage(2, 0.200).setVoltage(3, 0.500);
        bed.register(driver, COMPATIBLE);
        // One sample only (the first runs at once), so the config register still holds the last channel's word
        // when it is read below, not the next period's first one.
        DeviceInfo d = adc.add("adc0", "channels", new String[] {"ain0-ain1", "ain2-ain3"}, "gain", 0.256,
                "data-rate", 250, "poll-ms", 600_000);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        Ads1115Reading r = awaitReading("adc0", x -> true);
        assertEquals(quantized(0.1, 0.256), r.volts("ain0-ain1"), 1e-12);
        assertEquals(-32768 * 0.256 / 32768, r.volts("ain2-ain3"), 1e-12, "-0.3 V clips at -FS");
        int config = chip.register(Ads1115Registers.CONFIG);
        assertEquals(0b011, config >> 12 & 0b111, "AIN2-AIN3");
        assertEquals(0b101, config >> 9 & 0b111, "PGA ±0.256 V");
        assertEquals(0b101, config >> 5 & 0b111, "250 SPS");
    }

    @Test
    void channelsAreSensorChannelsInVoltsInTheDeviceManager() {
        bed.attach(BUS, ADDR, new Ads1115Chip()).setVoltage(0, 1.5).setVoltage(2, 0.25).setVoltage(3, 0.75);
        bed.register(driver, COMPATIBLE);
        adc.add("adc0", "channels", new String[] {"ain0", "ain2-ain3"});
        Ads1115Reading r = awaitReading("adc0", x -> true);
        io.kdrv.driver.SensorInfo info = Await.value("a published sample",
                () -> bed.manager().sensor("adc0").filter(i -> i.samples() >= 1),
                () -> String.valueOf(bed.manager().sensor("adc0")));
        assertEquals(List.of("ain0", "ain2-ain3"),
                info.readings().stream().map(io.kdrv.driver.SensorReading::channel).toList());
        assertEquals(List.of("V", "V"), info.readings().stream().map(io.kdrv.driver.SensorReading::unit).toList());
        assertEquals("sensor/adc0", info.poller());
        assertEquals("sensor/adc0", driver.sensor("adc0").orElseThrow().threadName());
        assertEquals(quantized(1.5, 2.048), info.readings().get(0).value(), 1e-12);
        assertEquals(quantized(-0.5, 2.048), info.readings().get(1).value(), 1e-12);
        assertEquals(r.volts("ain0"), info.readings().get(0).value(), 1e-12, "the driver's reading is a sample");
        bed.unbind("adc0");
        assertTrue(bed.manager().sensor("adc0").isEmpty());
    }

    @Test
    void osBitPollingIsBoundedAndAHungConversionIsAnError() {
        Ads1115Chip chip = bed.attach(BUS, ADDR, new Ads1115Chip()).setVoltage(0, 1.0);
        bed.register(driver, COMPATIBLE);
        adc.add("adc0", "channels", "ain0");
        Ads1115Sensor s = driver.sensor("adc0").orElseThrow();
        awaitReading("adc0", x -> true);
        assertEquals(0, s.errors());

        chip.holdConversions(true); // OS stays 0: the poller gives up after its bound and counts an error
        Await.until("a timed-out conversion", () -> s.errors() >= 1);
        long readings = s.readings();
        chip.holdConversions(false);
        chip.completeConversion();
        Await.until("readings resume", () -> s.readings() > readings);
        assertEquals(0, s.readyInterrupts());
    }

    @Test
    void conversionReadyInterruptEndsEachConversion() {
        Ads1115Chip chip = bed.attach(BUS, ADDR, new Ads1115Chip()).setVoltage(1, 0.75).setVoltage(2, 1.5);
        chip.readyLine(bed.mock(), RDY);
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = adc.add("adc0", "channels", new String[] {"ain1", "ain2"}, "ready-gpios", new int[] {RDY},
                "gain", 4.096);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(Ads1115Registers.LO_THRESH_READY, chip.register(Ads1115Registers.LO_THRESH));
        assertEquals(Ads1115Registers.HI_THRESH_READY, chip.register(Ads1115Registers.HI_THRESH));

        Ads1115Reading r = awaitReading("adc0", x -> x.sequence() >= 3);
        assertEquals(quantized(0.75, 4.096), r.volts("ain1"), 1e-12);
        assertEquals(quantized(1.5, 4.096), r.volts("ain2"), 1e-12);
        Ads1115Sensor s = driver.sensor("adc0").orElseThrow();
        assertTrue(s.readyInterrupts() >= 6, "two conversions per reading: " + s);
        assertEquals(0b00, chip.register(Ads1115Registers.CONFIG) & 0b11, "COMP_QUE: assert after one conversion");
        assertTrue(Kthreads.list().stream().anyMatch(k -> k.name().equals("irq/" + RDY + "-adc0")),
                Kthreads.list()::toString);

        // A conversion whose ready edge never comes is a bounded wait and an error naming the line.
        chip.holdConversions(true);
        Await.until("a missing ready edge counted", () -> s.errors() >= 1);
        chip.holdConversions(false);
        long readings = s.readings();
        Await.until("readings resume", () -> s.readings() > readings);
    }

    @Test
    void aStrayReadyEdgeDoesNotEndAConversion() {
        Ads1115Chip chip = bed.attach(BUS, ADDR, new Ads1115Chip()).setVoltage(0, 1.0);
        chip.readyLine(bed.mock(), RDY);
        chip.holdConversions(true); // every conversion stays running: OS reads 0
        bed.register(driver, COMPATIBLE);
        adc.add("adc0", "channels", "ain0", "ready-gpios", RDY);
        Ads1115Sensor s = driver.sensor("adc0").orElseThrow();
        // Noise on ALERT/RDY: falling edges while a conversion runs must not be taken for its end.
        Await.until("a stray edge seen by the IRQ", () -> {
            bed.mock().pulse(RDY);
            return s.readyInterrupts() >= 1;
        });
        long errors = s.errors();
        Await.until("the conversion it interrupted timed out", () -> s.errors() > errors + 1);
        assertEquals(0, s.readings(), "no reading from a conversion that never finished: " + s);

        chip.holdConversions(false);
        chip.completeConversion();
        assertEquals(quantized(1.0, 2.048), awaitReading("adc0", x -> true).volts("ain0"), 1e-12);
    }

    @Test
    void badNodesFailNamingDeviceAndKey() {
        bed.attach(BUS, ADDR, new Ads1115Chip());
        bed.register(driver, COMPATIBLE);
        assertFailed(adc.add("c", "channels", "ain4"), "c", "channels", "ain0-ain1");
        assertFailed(adc.add("d", "channels", new String[] {"ain0", "ain0"}), "d", "channels", "twice");
        assertFailed(adc.add("g", "gain", 3.3), "g", "gain", "6.144");
        assertFailed(adc.add("r", "data-rate", 100), "r", "data-rate", "860");
        assertFailed(bed.addDevice("a", COMPATIBLE, "reg", 0x50), "a", "reg", "0x48");
        assertFailed(adc.add("y", "ready-gpios", new int[] {5, 6}), "y", "ready-gpios");
        assertFailed(adc.add("p", "cpu", 4096), "p", "cpu");
        assertNoThreads();
        assertTrue(bed.board().i2cDevices().isEmpty(), bed.board().i2cDevices()::toString);
    }

    @Test
    void absentChipFailsProbeNamingDeviceBusAndAddress() {
        bed.register(driver, COMPATIBLE);
        assertFailed(bed.addDevice("adc9", COMPATIBLE, "i2c-bus", BUS, "reg", 0x4B, "ready-gpios", new int[] {RDY}),
                "adc9", "bus 1", "0x4B", "NACK");
        assertNoThreads();
        assertFalse(bed.mock().isOpen(RDY), "ready line released after the failed probe");
    }

    @Test
    void ads1015IsToldApartByItsThresholdRegisters() {
        bed.attach(BUS, ADDR, new Ads1115Chip()).ads1015(true);
        bed.register(driver, COMPATIBLE);
        assertFailed(adc.add("adc0"), "adc0", "0x48", "0x7FF0", "ADS1015");
        assertNoThreads();
    }

    @Test
    void unplugReleasesThreadsLineAndI2c() {
        Ads1115Chip chip = bed.attach(BUS, ADDR, new Ads1115Chip()).setVoltage(0, 0.3);
        chip.readyLine(bed.mock(), RDY);
        bed.register(driver, COMPATIBLE);
        adc.add("adc0", "channels", "ain0", "ready-gpios", RDY);
        awaitReading("adc0", x -> true);
        assertTrue(bed.mock().isOpen(RDY));

        bed.removeDevice("adc0");
        assertNoThreads();
        assertFalse(bed.mock().isOpen(RDY), "ALERT/RDY line released");
        assertTrue(bed.board().i2cDevices().isEmpty(), bed.board().i2cDevices()::toString);
        assertTrue(driver.sensor("adc0").isEmpty());
        assertEquals(Ads1115Registers.HI_THRESH_DEFAULT, chip.register(Ads1115Registers.HI_THRESH),
                "power-on thresholds restored");
    }
}
