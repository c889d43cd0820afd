package io.kdrv.drivers.ssd1306;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.assertNoKthread;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.ssd1306.internal.Ssd1306Driver;
import io.kdrv.drivers.ssd1306.sim.Ssd1306Chip;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.NodeTemplate;
import io.kdrv.testing.RecordingEventAdmin;
import io.kdrv.testing.await.Await;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;
import org.osgi.service.event.Event;

/** ssd1306 on the mock board with the GDDRAM-model chip: init, framebuffer, font, dirty pages, controls, unplug. */
@Timeout(60)
class Ssd1306DriverTest {
    private static final int BUS = 1;
    private static final int ADDR = 0x3C;
    private static final String COMPATIBLE = "solomon,ssd1306";

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final Ssd1306Driver driver = new Ssd1306Driver(events);

    private final NodeTemplate oled = new NodeTemplate(bed, COMPATIBLE, "i2c-bus", BUS, "reg", ADDR);

    private Ssd1306Display display(String name) {
        return driver.display(name).orElseThrow(() -> new AssertionFailedError(name + " not bound"));
    }

    private static boolean pageIs(Ssd1306Chip chip, int page, int value) {
        for (byte b : chip.page(page)) {
            if ((b & 0xFF) != value) {
                return false;
            }
        }
        return true;
    }

    @Test
    void probeSendsTheInitSequenceClearsTheRamAndSwitchesOn() {
        Ssd1306Chip chip = bed.attach(BUS, ADDR, new Ssd1306Chip());
        chip.fill(0xFF); // power-on RAM content is random: the driver must clear it
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = oled.add("oled0");
        assertEquals(DeviceState.BOUND, d.state(), d.reason());

        List<Integer> cmds = chip.commandBytes();
        assertEquals(0xAE, cmds.get(0), "display off first");
        assertEquals(0xAF, cmds.get(cmds.size() - 1), "display on last, after the RAM was written");
        assertTrue(chip.displayOn());
        assertTrue(chip.chargePump(), "internal charge pump (8D 14)");
        assertEquals(64, chip.multiplexRatio());
        assertEquals(0, chip.addressingMode(), "horizontal addressing");
        assertTrue(chip.segmentRemap() && chip.comScanDecrement(), "upright orientation A1/C8");
        assertEquals(0x7F, chip.contrast());
        assertEquals(0, chip.protocolErrors());
        assertEquals(8 * 128, chip.dataBytes(), "whole RAM written once");
        for (int p = 0; p < 8; p++) {
            assertTrue(pageIs(chip, p, 0), "page " + p + " cleared");
        }
        assertEquals(0, display("oled0").dirtyPages());
    }

    @Test
    void textIsRenderedWithTheBuiltInFont() throws Exception {
        Ssd1306Chip chip = bed.attach(BUS, ADDR, new Ssd1306Chip());
        bed.register(driver, COMPATIBLE);
        oled.add("oled0", "text", new String[] {"", "Hi!"});
        // Probe drew line 1 and flushed: "H" at columns 0..4 of page 1, "i" from column 6.
        byte[] page1 = chip.page(1);
        assertArrayEquals(Ssd1306Font.glyph('H'), java.util.Arrays.copyOfRange(page1, 0, 5));
        assertEquals(0, page1[5], "blank column between characters");
        assertArrayEquals(Ssd1306Font.glyph('i'), java.util.Arrays.copyOfRange(page1, 6, 11));
        assertArrayEquals(Ssd1306Font.glyph('!'), java.util.Arrays.copyOfRange(page1, 12, 17));
        // 'H' is "#...#" on every row but the middle one ("#####"): row 3 of the glyph is y = 8 + 3.
        assertTrue(chip.pixel(0, 8) && chip.pixel(4, 8) && !chip.pixel(2, 8));
        assertTrue(chip.pixel(2, 11));
        assertFalse(chip.pixel(0, 15), "row 7 of the cell is blank");

        Ssd1306Display d = display("oled0");
        int end = d.drawText(10, 3, "A"); // straddles pages 0 and 1
        assertEquals(16, end);
        assertEquals(0b11, d.dirtyPages());
        assertEquals(2, d.flush());
        // 'A' row 0 is ".###.": lit at x = 11..13, y = 3
        assertTrue(chip.pixel(11, 3) && chip.pixel(13, 3) && !chip.pixel(10, 3));
        assertTrue(chip.pixel(10, 9), "row 6 of 'A' (#...#) lands in page 1");
        assertEquals(Ssd1306Font.width("Hi!"), 17);
        assertArrayEquals(Ssd1306Font.glyph('?'), Ssd1306Font.glyph('\u00e9'), "unprintable drawn as ?");
    }

    @Test
    void flushWritesOnlyDirtyPages() throws Exception {
        Ssd1306Chip chip = bed.attach(BUS, ADDR, new Ssd1306Chip());
        bed.register(driver, COMPATIBLE);
        oled.add("oled0");
        Ssd1306Display d = display("oled0");
        long before = chip.dataBytes();
        events.await(1, Await.DEFAULT); // the probe's full flush

        d.setPixel(10, 35, true);   // page 4
        d.setPixel(127, 63, true);  // page 7
        d.setPixel(200, 5, true);   // clipped: nothing
        assertEquals(1 << 4 | 1 << 7, d.dirtyPages());
        assertEquals(2, d.flush());
        assertEquals(before + 2 * 128, chip.dataBytes(), "two pages, 128 bytes each");
        assertTrue(chip.pixel(10, 35) && chip.pixel(127, 63));
        assertEquals(0, d.flush(), "nothing dirty");
        assertEquals(before + 2 * 128, chip.dataBytes());

        d.setPixel(10, 35, true); // already lit: no change, not dirty
        assertEquals(0, d.dirtyPages());
        d.setPixel(10, 35, false);
        assertEquals(1, d.flush());
        assertFalse(chip.pixel(10, 35));

        List<Event> got = events.await(3, Await.DEFAULT);
        Event e = got.get(1);
        assertEquals(Ssd1306Events.TOPIC, e.getTopic());
        assertEquals("oled0", e.getProperty(Ssd1306Events.DEVICE));
        assertArrayEquals(new int[] {4, 7}, (int[]) e.getProperty(Ssd1306Events.PAGES));
        assertEquals(256, e.getProperty(Ssd1306Events.BYTES));
        assertEquals(Boolean.TRUE, e.getProperty(Ssd1306Events.ON));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7}, (int[]) got.get(0).getProperty(Ssd1306Events.PAGES));
    }

    @Test
    void contrastAndDisplayOnOff() throws Exception {
        Ssd1306Chip chip = bed.attach(BUS, ADDR, new Ssd1306Chip());
        bed.register(driver, COMPATIBLE);
        oled.add("oled0", "contrast", 0xCF, "rotate-180", true, "external-vcc", true);
        assertEquals(0xCF, chip.contrast());
        assertFalse(chip.segmentRemap() || chip.comScanDecrement(), "rotated: A0/C0");
        assertFalse(chip.chargePump(), "external VCC: charge pump off");
        Ssd1306Display d = display("oled0");
        d.setContrast(0x10);
        assertEquals(0x10, chip.contrast());
        assertEquals(0x10, d.contrast());
        assertThrows(IllegalArgumentException.class, () -> d.setContrast(256));
        d.setDisplayOn(false);
        assertFalse(chip.displayOn());
        assertFalse(d.displayOn());
        d.setDisplayOn(true);
        assertTrue(chip.displayOn());
    }

    @Test
    void badNodesFailNamingDeviceAndKey() {
        bed.attach(BUS, ADDR, new Ssd1306Chip());
        bed.register(driver, COMPATIBLE);
        assertFailed(bed.addDevice("a", COMPATIBLE, "reg", 0x3E), "a", "reg", "0x3C");
        assertFailed(oled.add("c", "contrast", 300), "c", "contrast", "0..255");
        assertFailed(oled.add("t", "text", new String[] {"1", "2", "3", "4", "5", "6", "7", "8", "9"}), "t",
                "text", "8");
        assertFailed(oled.add("r", "refresh-ms", -1), "r", "refresh-ms");
        assertTrue(bed.board().i2cDevices().isEmpty(), bed.board().i2cDevices()::toString);
    }

    @Test
    void absentDisplayFailsProbeNamingDeviceBusAndAddress() {
        bed.register(driver, COMPATIBLE);
        assertFailed(bed.addDevice("oled9", COMPATIBLE, "i2c-bus", BUS, "reg", 0x3D), "oled9", "bus 1", "0x3D",
                "0xAE", "NACK");
        assertTrue(bed.board().i2cDevices().isEmpty());
    }

    @Test
    void refreshKthreadFlushesAndUnplugSwitchesTheDisplayOff() throws Exception {
        Ssd1306Chip chip = bed.attach(BUS, ADDR, new Ssd1306Chip());
        bed.register(driver, COMPATIBLE);
        oled.add("oled0", "refresh-ms", 20);
        assertTrue(Kthreads.list().stream().anyMatch(k -> k.name().equals("ssd1306/oled0")), Kthreads.list()::toString);
        Ssd1306Display d = display("oled0");
        d.drawLine(7, "bye");
        Await.until("refresh kthread flushed page 7", () -> chip.pixel(0, 56) && d.dirtyPages() == 0);

        bed.removeDevice("oled0");
        assertFalse(chip.displayOn(), "display off sent on remove");
        assertEquals(0xAE, chip.commandBytes().get(chip.commandBytes().size() - 1));
        assertNoKthread("ssd1306/");
        assertTrue(bed.board().i2cDevices().isEmpty(), bed.board().i2cDevices()::toString);
        assertTrue(driver.display("oled0").isEmpty());
        IOException e = assertThrows(IOException.class, d::flush, "a removed display refuses transfers");
        assertTrue(e.getMessage().contains("removed"), e.getMessage());
    }

    @Test
    void aFailedFlushKeepsThePagesDirty() throws Exception {
        Ssd1306Chip chip = bed.attach(BUS, ADDR, new Ssd1306Chip());
        bed.register(driver, COMPATIBLE);
        oled.add("oled0");
        Ssd1306Display d = display("oled0");
        d.drawLine(2, "x");
        bed.mock().detach(BUS, ADDR);
        IOException e = assertThrows(IOException.class, d::flush);
        assertTrue(e.getMessage().contains("oled0") && e.getMessage().contains("0x3C"), e.getMessage());
        assertEquals(1 << 2, d.dirtyPages(), "page 2 still dirty");
        assertTrue(d.errors() >= 1);
        bed.mock().attach(BUS, ADDR, chip);
        assertEquals(1, d.flush());
        assertArrayEquals(Ssd1306Font.glyph('x'), java.util.Arrays.copyOfRange(chip.page(2), 0, 5));
    }
}
