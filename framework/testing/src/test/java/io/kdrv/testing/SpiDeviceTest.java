package io.kdrv.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.spi.Spi;
import io.kdrv.board.mock.SpiTransfer;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.driver.SpiKeys;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Device.spi() through the core and the mock board: node keys and defaults, devres, claims. */
@Timeout(60)
class SpiDeviceTest {
    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    /** Sends one byte at probe; fails the probe afterwards when the node says so. */
    static final class OneByte implements Driver {
        private final Binding binding;
        final List<Integer> got = new CopyOnWriteArrayList<>();
        volatile boolean releasedEarly;

        OneByte(Binding binding) {
            this.binding = binding;
        }

        @Override
        public Binding binding() {
            return binding;
        }

        @Override
        public void probe(Device dev) throws Exception {
            Spi spi = dev.spi();
            byte[] rx = new byte[1];
            spi.transfer(new byte[] {(byte) 0xA5}, rx);
            got.add(rx[0] & 0xFF);
            if (dev.getBoolean("release", false)) {
                dev.devres(spi).orElseThrow().release(); // devm early release: the claim goes now
                releasedEarly = !dev.devres(spi).isPresent();
            }
            if (dev.getBoolean("fail", false)) {
                throw new IOException("told to fail after claiming SPI");
            }
        }
    }

    @Test
    void anUndeclaredDriverGetsTheCoreDefaultsAndRegIsTheChipSelect() {
        bed.mock().attachSpi(1, 2, (mode, hz, mosi, miso) -> miso[0] = (byte) ~mosi[0]);
        OneByte driver = new OneByte(Binding.UNDECLARED);
        bed.register(driver, "test,spi");
        DeviceInfo d = bed.addDevice("dev0", "test,spi", "spi-bus", 1, "reg", 2);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(List.of(0x5A), driver.got);
        SpiTransfer t = bed.mock().spiTransfers(1, 2).getFirst();
        assertEquals(0, t.mode());
        assertEquals(SpiKeys.DEFAULT_MAX_FREQUENCY_HZ, t.speedHz());
        assertArrayEquals(new byte[] {(byte) 0xA5}, t.mosi());
        bed.removeDevice("dev0");
        assertFalse(bed.mock().isSpiOpen(1, 2));
    }

    @Test
    void theSpiDeviceCanBeGivenBackEarlyThroughItsDevresHandle() {
        OneByte driver = new OneByte(Binding.UNDECLARED);
        bed.register(driver, "test,spi");
        assertEquals(DeviceState.BOUND, bed.addDevice("early", "test,spi", "spi-bus", 0, "release", true).state());
        assertTrue(driver.releasedEarly, "no devres entry left after release()");
        assertFalse(bed.mock().isSpiOpen(0, 0), "released while the device stays bound");
        assertEquals(DeviceState.BOUND, bed.addDevice("next", "test,spi", "spi-bus", 0).state());
    }

    @Test
    void theBindingsDefaultsWinOverTheCoresAndTheNodeWinsOverBoth() {
        OneByte driver = new OneByte(Binding.of(SpiKeys.BUS, SpiKeys.CHIP_SELECT, SpiKeys.MODE,
                SpiKeys.maxFrequency(250_000), io.kdrv.driver.NodeKey.ofBoolean("fail")));
        bed.register(driver, "test,spi");
        assertEquals(DeviceState.BOUND, bed.addDevice("a", "test,spi", "spi-bus", 0).state());
        assertEquals(250_000, bed.mock().spiTransfers(0, 0).getFirst().speedHz());
        assertEquals(DeviceState.BOUND, bed.addDevice("b", "test,spi", "spi-bus", 0, "spi-cs", 1,
                "spi-max-frequency", "8000000", "spi-mode", 2).state());
        SpiTransfer t = bed.mock().spiTransfers(0, 1).getFirst();
        assertEquals(8_000_000, t.speedHz());
        assertEquals(2, t.mode());
    }

    @Test
    void aFailedProbeReleasesTheClaimAndBadValuesNameTheKey() {
        OneByte driver = new OneByte(Binding.UNDECLARED);
        bed.register(driver, "test,spi");
        DeviceInfo failed = bed.addDevice("f", "test,spi", "spi-bus", 0, "fail", true);
        assertEquals(DeviceState.FAILED, failed.state());
        assertFalse(bed.mock().isSpiOpen(0, 0), "devres released the SPI device of the failed probe");
        assertEquals(DeviceState.BOUND, bed.addDevice("ok", "test,spi", "spi-bus", 0).state(),
                "the chip select is free again");

        assertBad(bed.addDevice("m7", "test,spi", "spi-bus", 0, "spi-cs", 1, "spi-mode", 7), "m7", "spi-mode");
        assertBad(bed.addDevice("hz", "test,spi", "spi-bus", 0, "spi-cs", 1, "spi-max-frequency", 0), "hz",
                "spi-max-frequency");
        assertBad(bed.addDevice("nobus", "test,spi", "spi-cs", 1), "nobus", "spi-bus");
        assertBad(bed.addDevice("cs11", "test,spi", "spi-bus", 0, "spi-cs", 11), "cs11", "spi-cs");
        assertBad(bed.addDevice("reg11", "test,spi", "spi-bus", 0, "reg", 11), "reg11", "'reg'");
        assertFalse(bed.mock().isSpiOpen(0, 1));
        assertEquals(DeviceState.BOUND, bed.device("ok").state());
    }

    private static void assertBad(DeviceInfo d, String device, String key) {
        assertEquals(DeviceState.FAILED, d.state(), String.valueOf(d));
        assertTrue(d.reason().contains("device " + device) && d.reason().contains(key), d.reason());
    }
}
