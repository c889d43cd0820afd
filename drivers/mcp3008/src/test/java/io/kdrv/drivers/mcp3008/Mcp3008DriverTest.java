package io.kdrv.drivers.mcp3008;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.mock.SpiTransfer;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.SensorInfo;
import io.kdrv.driver.SensorReading;
import io.kdrv.drivers.mcp3008.internal.Mcp3008Driver;
import io.kdrv.drivers.mcp3008.sim.Mcp3008Chip;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.KdrvTestBed;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

/** mcp3008 on the mock board with the bit-level chip model: probe, volts, differential, bad nodes, absence, unplug. */
@Timeout(60)
class Mcp3008DriverTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final double LSB = 3.3 / 1024;

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final Mcp3008Driver driver = new Mcp3008Driver();

    private DeviceInfo addAdc(String name, Object... extra) {
        Object[] kv = new Object[6 + extra.length];
        kv[0] = "spi-bus";
        kv[1] = 0;
        kv[2] = "spi-cs";
        kv[3] = 0;
        kv[4] = "poll-ms";
        kv[5] = 20;
        System.arraycopy(extra, 0, kv, 6, extra.length);
        return bed.addDevice(name, Mcp3008Driver.COMPATIBLE, kv);
    }

    /** Bounded polling until the device's sensor satisfies {@code ok}. */
    private SensorInfo awaitSensor(String device, Predicate<SensorInfo> ok) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (;;) {
            SensorInfo s = bed.manager().sensor(device).orElse(null);
            if (s != null && ok.test(s)) {
                return s;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionFailedError("device " + device + ": sensor not as expected within "
                        + WAIT.toSeconds() + " s: " + s);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    private static Map<String, SensorReading> byChannel(SensorInfo s) {
        return s.readings().stream().collect(Collectors.toMap(SensorReading::channel, r -> r));
    }

    @Test
    void probeConvertsEverySingleEndedChannelToVolts() {
        Mcp3008Chip chip = bed.mock().attachSpi(0, 0, new Mcp3008Chip(3.3));
        double[] volts = {0.0, 0.5, 1.0, 1.65, 2.2, 3.0, 3.29, 3.3};
        for (int ch = 0; ch < 8; ch++) {
            chip.setInput(ch, volts[ch]);
        }
        bed.register(driver, Mcp3008Driver.COMPATIBLE);
        DeviceInfo d = addAdc("adc0", "vref", 3.3);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());

        SensorInfo s = awaitSensor("adc0", x -> x.samples() >= 2);
        Map<String, SensorReading> r = byChannel(s);
        assertEquals(8, r.size());
        for (int ch = 0; ch < 8; ch++) {
            SensorReading reading = r.get("ch" + ch);
            assertEquals("V", reading.unit());
            // floor(1024 * VIN / VREF) * VREF / 1024: at most one LSB below the input, never above
            double expected = Math.min(1023, Math.floor(1024 * volts[ch] / 3.3)) * LSB;
            assertEquals(expected, reading.value(), 1e-9, "ch" + ch);
            assertTrue(volts[ch] - reading.value() < LSB + 1e-9, "ch" + ch);
        }
        assertEquals(0, chip.overclockedTransfers(), "the default clock (1.35 MHz) is within the datasheet limit");

        // What went over the wire: one 4-byte frame per channel, start bit, SGL=1, D2..D0, mode 0, 1.35 MHz.
        List<SpiTransfer> t = bed.mock().spiTransfers(0, 0);
        assertTrue(t.size() >= 8, "transfers: " + t.size());
        for (int ch = 0; ch < 8; ch++) {
            SpiTransfer x = t.get(ch);
            assertArrayEquals(new byte[] {0x01, (byte) (0x80 | ch << 4), 0, 0}, x.mosi(), x.toString());
            assertEquals(0, x.mode());
            assertEquals(1_350_000, x.speedHz());
        }

        chip.setInput(3, 0.25);
        SensorInfo later = awaitSensor("adc0", x -> Math.abs(byChannel(x).get("ch3").value() - 0.25) < LSB);
        assertEquals(Math.floor(1024 * 0.25 / 3.3) * LSB, byChannel(later).get("ch3").value(), 1e-9);
        assertEquals(0, later.pollErrors());
    }

    @Test
    void differentialPairsConvertInPlusMinusInMinusAndClampAtZero() {
        Mcp3008Chip chip = bed.mock().attachSpi(0, 0, new Mcp3008Chip(5.0));
        chip.setVdd(5.0);
        chip.setInput(2, 3.0);
        chip.setInput(3, 1.75);
        chip.setInput(6, 0.4);
        chip.setInput(7, 0.4);
        bed.register(driver, Mcp3008Driver.COMPATIBLE);
        DeviceInfo d = addAdc("adc0", "vref", 5.0, "channels", new int[] {2},
                "differential", new String[] {"2-3", "3-2", "7-6"}, "spi-mode", 3, "spi-max-frequency", 3_600_000);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());

        Map<String, SensorReading> r = byChannel(awaitSensor("adc0", x -> x.samples() >= 1));
        assertEquals(List.of("ch2", "ch2-ch3", "ch3-ch2", "ch7-ch6"),
                awaitSensor("adc0", x -> true).readings().stream().map(SensorReading::channel).toList());
        double lsb = 5.0 / 1024;
        assertEquals(Math.floor(1024 * 3.0 / 5.0) * lsb, r.get("ch2").value(), 1e-9);
        assertEquals(Math.floor(1024 * 1.25 / 5.0) * lsb, r.get("ch2-ch3").value(), 1e-9);
        assertEquals(0.0, r.get("ch3-ch2").value(), "IN- above IN+ reads code 0 (datasheet 4.1)");
        assertEquals(0.0, r.get("ch7-ch6").value());
        SpiTransfer first = bed.mock().spiTransfers(0, 0).get(1);
        assertArrayEquals(new byte[] {0x01, 0b0010_0000, 0, 0}, first.mosi(), "SGL/DIFF=0, D2..D0=010: CH2+ CH3-");
        assertEquals(3, first.mode());
        assertEquals(0, chip.overclockedTransfers(), "3.6 MHz at VDD 5 V");

        // Differential only: no single-ended channels.
        Mcp3008Chip second = bed.mock().attachSpi(0, 1, new Mcp3008Chip(3.3));
        second.setInput(0, 1.0);
        second.setInput(1, 0.5);
        DeviceInfo diffOnly = addAdc("adc1", "spi-cs", 1, "channels", new int[0], "differential", "0-1");
        assertEquals(DeviceState.BOUND, diffOnly.state(), diffOnly.reason());
        SensorInfo s = awaitSensor("adc1", x -> x.samples() >= 1);
        assertEquals(List.of("ch0-ch1"), s.readings().stream().map(SensorReading::channel).toList());
        assertEquals(Math.floor(1024 * 0.5 / 3.3) * LSB, s.readings().getFirst().value(), 1e-9);
    }

    @Test
    void badNodesFailNamingDeviceAndKeyWhileAGoodOneKeepsWorking() {
        Mcp3008Chip chip = bed.mock().attachSpi(0, 1, new Mcp3008Chip());
        chip.setInput(0, 1.0);
        bed.register(driver, Mcp3008Driver.COMPATIBLE);
        assertEquals(DeviceState.BOUND, bed.addDevice("good", Mcp3008Driver.COMPATIBLE, "spi-bus", 0, "reg", 1,
                "channels", new int[] {0}, "poll-ms", 20).state());

        assertFailed(addAdc("ch9", "channels", new int[] {0, 9}), "ch9", "channels", "channel 9");
        assertFailed(addAdc("vref0", "vref", 0.0), "vref0", "vref", "> 0");
        assertFailed(addAdc("vrefneg", "vref", -3.3), "vrefneg", "vref", "> 0");
        assertFailed(addAdc("mode7", "spi-mode", 7), "mode7", "spi-mode", "mode 0 or 3");
        assertFailed(addAdc("mode1", "spi-mode", 1), "mode1", "spi-mode", "mode 0 or 3");
        assertFailed(addAdc("hz0", "spi-max-frequency", 0), "hz0", "spi-max-frequency", ">= 1");
        assertFailed(bed.addDevice("nobus", Mcp3008Driver.COMPATIBLE, "spi-cs", 0), "nobus", "spi-bus", "missing");
        assertFailed(addAdc("bus9", "spi-bus", 9), "bus9", "spi-bus", "0..6");
        assertFailed(addAdc("pair", "differential", new String[] {"0-2"}), "pair", "differential", "0-2");
        // None of them claimed anything: cs 0 is free.
        assertFalse(bed.mock().isSpiOpen(0, 0));

        Map<String, SensorReading> r = byChannel(awaitSensor("good", x -> x.samples() >= 3));
        assertEquals(Math.floor(1024 * 1.0 / 3.3) * LSB, r.get("ch0").value(), 1e-9);
        assertEquals(DeviceState.BOUND, bed.device("good").state());
    }

    private static void assertFailed(DeviceInfo d, String device, String key, String detail) {
        assertEquals(DeviceState.FAILED, d.state(), String.valueOf(d));
        String reason = d.reason();
        assertTrue(reason.contains(device) && reason.contains(key) && reason.contains(detail),
                device + ": reason should name '" + key + "' and '" + detail + "': " + reason);
    }

    @Test
    void anAbsentChipFailsProbeAndAGarbledFrameFailsThePoll() {
        // MISO stuck high (no chip, a pulled-up line): the null bit is 1 and the frame is all ones.
        bed.mock().attachSpi(0, 0, (mode, hz, mosi, miso) -> Arrays.fill(miso, (byte) 0xFF));
        bed.register(driver, Mcp3008Driver.COMPATIBLE);
        DeviceInfo d = addAdc("adc0");
        assertEquals(DeviceState.FAILED, d.state());
        assertTrue(d.reason().contains("adc0") && d.reason().contains("spi0.0") && d.reason().contains("all ones"),
                d.reason());
        assertFalse(bed.mock().isSpiOpen(0, 0), "the failed probe released the SPI device");

        // A chip that answers, then a frame whose two copies of the result disagree: that poll fails, counted.
        bed.mock().detachSpi(0, 0);
        Mcp3008Chip chip = new Mcp3008Chip();
        chip.setInput(0, 2.0);
        AtomicBoolean corrupt = new AtomicBoolean();
        bed.mock().attachSpi(0, 0, (mode, hz, mosi, miso) -> {
            chip.transfer(mode, hz, mosi, miso);
            if (corrupt.get()) {
                miso[3] ^= 0x10; // one bit of the LSB-first copy
            }
        });
        assertEquals(DeviceState.BOUND, addAdc("adc1", "channels", new int[] {0}).state());
        awaitSensor("adc1", x -> x.samples() >= 1);
        corrupt.set(true);
        SensorInfo s = awaitSensor("adc1", x -> x.pollErrors() >= 2);
        assertEquals(Math.floor(1024 * 2.0 / 3.3) * LSB, byChannel(s).get("ch0").value(), 1e-9,
                "a failed poll publishes nothing: the last good value stays");
        assertEquals(DeviceState.BOUND, bed.device("adc1").state());
    }

    @Test
    void aSecondNodeOnTheSameChipSelectFailsNamingTheOwner() {
        bed.mock().attachSpi(0, 0, new Mcp3008Chip());
        bed.register(driver, Mcp3008Driver.COMPATIBLE);
        assertEquals(DeviceState.BOUND, addAdc("adc0").state());
        DeviceInfo d = addAdc("adc1");
        assertEquals(DeviceState.FAILED, d.state());
        assertTrue(d.reason().contains("SPI bus 0 chip select 0") && d.reason().contains("adc0"), d.reason());
    }

    @Test
    void unplugReleasesTheSpiDeviceAndThePoller() {
        bed.mock().attachSpi(0, 0, new Mcp3008Chip());
        String id = bed.register(driver, Mcp3008Driver.COMPATIBLE);
        assertEquals(DeviceState.BOUND, addAdc("adc0").state());
        awaitSensor("adc0", x -> x.samples() >= 1);
        assertTrue(bed.mock().isSpiOpen(0, 0));
        assertTrue(pollerAlive("adc0"));

        bed.unregister(id); // the driver bundle goes: remove
        assertFalse(bed.mock().isSpiOpen(0, 0), "SPI device released");
        awaitNoPoller("adc0");
        long count = bed.mock().spiTransferCount(0, 0);
        assertEquals(DeviceState.UNBOUND, bed.device("adc0").state());

        // Plugged in again: it binds and claims the same chip select (nothing was left claimed).
        bed.register(driver, Mcp3008Driver.COMPATIBLE);
        assertEquals(DeviceState.BOUND, bed.awaitState("adc0", DeviceState.BOUND).state());
        assertTrue(bed.mock().spiTransferCount(0, 0) > count);
        bed.removeDevice("adc0");
        assertFalse(bed.mock().isSpiOpen(0, 0));
        awaitNoPoller("adc0");
    }

    private static boolean pollerAlive(String device) {
        return Kthreads.list().stream().anyMatch(k -> k.name().equals("sensor/" + device));
    }

    private static void awaitNoPoller(String device) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (pollerAlive(device)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionFailedError("kthread sensor/" + device + " still alive: " + Kthreads.list());
            }
            LockSupport.parkNanos(2_000_000);
        }
    }
}
