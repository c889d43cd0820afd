package io.kdrv.drivers.hd44780;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.assertNoKthread;

import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.LineInfo;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.hd44780.internal.Hd44780Driver;
import io.kdrv.drivers.hd44780.sim.Hd44780Lcd;
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

/**
 * hd44780 on the mock board with the controller model on its lines: the initialisation, text at positions on 16x2
 * and 20x4, clear, backlight, bad nodes, re-synchronisation, unplug.
 */
@Timeout(60)
class Hd44780DriverTest {
    private static final String COMPATIBLE = "hit,hd44780";
    private static final int RS = 5;
    private static final int E = 6;
    private static final int D4 = 20;
    private static final int D5 = 21;
    private static final int D6 = 22;
    private static final int D7 = 23;
    private static final int RW = 24;
    private static final int BACKLIGHT = 25;
    private static final int[] GPIOS = {RS, E, D4, D5, D6, D7};

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final Hd44780Driver driver = new Hd44780Driver(events);

    private Hd44780Lcd lcd(int rows, int columns) {
        return new Hd44780Lcd(bed.mock(), rows, columns, RS, E, D4, D5, D6, D7).backlightLine(BACKLIGHT);
    }

    private final NodeTemplate lcdNode = new NodeTemplate(bed, COMPATIBLE, "gpios", GPIOS);

    private Hd44780Display display(String name) {
        return driver.display(name).orElseThrow(() -> new AssertionFailedError(name + " not bound"));
    }

    private static String pad(String s, int width) {
        return String.format("%-" + width + "s", s);
    }

    @Test
    void probeRunsTheDatasheetInitialisationIn4BitMode() {
        Hd44780Lcd lcd = lcd(2, 16).rw(RW);
        bed.register(driver, COMPATIBLE);
        DeviceInfo d = bed.addDevice("lcd0", COMPATIBLE, "gpios", new int[] {RS, E, D4, D5, D6, D7, RW});
        assertEquals(DeviceState.BOUND, d.state(), d.reason());

        // 8-bit latches 0x3 0x3 0x3 0x2 (low nibble unwired), then whole bytes: function set 4-bit/2 lines/5x8,
        // display off, clear, entry mode increment, display on.
        assertEquals(List.of(0x30, 0x30, 0x30, 0x20, 0x28, 0x08, 0x01, 0x06, 0x0C), lcd.instructionLog());
        assertEquals(0, lcd.busyViolations(), "every wait at least the datasheet's");
        assertEquals(0, lcd.protocolErrors(), "R/W held low");
        assertTrue(lcd.fourBitMode() && lcd.twoLines() && !lcd.font5x10() && lcd.increment());
        assertTrue(lcd.displayOn() && !lcd.cursorOn() && !lcd.blinkOn());
        assertEquals(List.of(pad("", 16), pad("", 16)), lcd.rows());
        assertEquals(DigitalState.LOW, bed.mock().output(RW));
        // 4 single latches + 5 instructions of two nibbles: one E pulse each, each at least PW_EH wide
        List<io.kdrv.board.mock.LevelChange> enable = bed.mock().outputHistory(E);
        long pulses = 0;
        for (int i = 1; i < enable.size(); i++) {
            if (!enable.get(i).high() && enable.get(i - 1).high()) {
                pulses++;
                assertTrue(enable.get(i).timestampNanos() - enable.get(i - 1).timestampNanos() >= 450,
                        "E high for at least 450 ns");
            }
        }
        assertEquals(4 + 2 * 5, pulses);
        assertEquals(0, display("lcd0").dirtyRows());
    }

    @Test
    void textAtPositionsOn16x2() throws Exception {
        Hd44780Lcd lcd = lcd(2, 16);
        bed.register(driver, COMPATIBLE);
        lcdNode.add("lcd0");
        Hd44780Display d = display("lcd0");
        assertEquals(2, d.rows());
        assertEquals(16, d.columns());

        assertEquals(8, d.drawText(0, 3, "Hello"));
        d.drawLine(1, "21.5°C");
        assertEquals(17, d.drawText(0, 14, "abc"), "clipped at the end of the row");
        d.drawText(5, 0, "nowhere"); // no row 5: clipped
        assertEquals(0b11, d.dirtyRows());
        long before = lcd.dataWrites();
        assertEquals(2, d.flush());
        assertEquals("   Hello      ab", lcd.row(0));
        assertEquals(pad("21.5°C", 16), lcd.row(1));
        assertEquals(0xDF, lcd.ddram(0x44), "° is ROM code 0xDF");
        assertEquals(before + 32, lcd.dataWrites(), "two whole rows");

        d.drawText(1, 0, "22");
        assertEquals(0b10, d.dirtyRows());
        assertEquals(1, d.flush());
        assertEquals(before + 48, lcd.dataWrites(), "only the dirty row");
        assertEquals(pad("22.5°C", 16), lcd.row(1));
        assertEquals(0, d.flush(), "nothing dirty");
        assertEquals(pad("22.5°C", 16), d.line(1));
        assertEquals(0, lcd.busyViolations());

        List<Event> got = events.await(2, Await.DEFAULT);
        Event e = got.get(got.size() - 1);
        assertEquals(Hd44780Events.TOPIC, e.getTopic());
        assertEquals("lcd0", e.getProperty(Hd44780Events.DEVICE));
        assertArrayEquals(new int[] {1}, (int[]) e.getProperty(Hd44780Events.ROWS));
        assertEquals(Boolean.TRUE, e.getProperty(Hd44780Events.ON));
    }

    @Test
    void textOn20x4UsesTheFoldedRowAddresses() throws Exception {
        Hd44780Lcd lcd = lcd(4, 20);
        bed.register(driver, COMPATIBLE);
        lcdNode.add("lcd0", "rows", 4, "columns", 20, "text", new String[] {"row zero", "row one"});
        // node key text is shown at probe
        assertEquals(pad("row zero", 20), lcd.row(0));
        assertEquals(pad("row one", 20), lcd.row(1));
        Hd44780Display d = display("lcd0");
        d.drawLine(2, "row two");
        d.drawText(3, 17, "end");
        assertEquals(2, d.flush());
        assertEquals(List.of(pad("row zero", 20), pad("row one", 20), pad("row two", 20), pad("", 17) + "end"),
                lcd.rows());
        // The controller's two lines folded: row 2 continues line 1 at 0x14, row 3 line 2 at 0x54.
        assertEquals('r', lcd.ddram(0x14));
        assertEquals('e', lcd.ddram(0x54 + 17));
        assertEquals('r', lcd.ddram(0x40));
        assertEquals(0, lcd.busyViolations());
    }

    @Test
    void clearBlanksEveryRow() throws Exception {
        Hd44780Lcd lcd = lcd(2, 16);
        bed.register(driver, COMPATIBLE);
        lcdNode.add("lcd0", "text", new String[] {"kdrv", "hd44780"});
        assertEquals(pad("kdrv", 16), lcd.row(0));
        assertEquals(pad("hd44780", 16), lcd.row(1));
        Hd44780Display d = display("lcd0");
        d.clear();
        assertEquals(0b11, d.dirtyRows());
        assertEquals(2, d.flush());
        assertEquals(List.of(pad("", 16), pad("", 16)), lcd.rows());
        assertEquals(pad("", 16), d.line(0));
        assertTrue(lcd.displayOn());
    }

    @Test
    void backlightOnAtProbeSwitchableAndOptional() throws Exception {
        Hd44780Lcd lcd = lcd(2, 16);
        bed.register(driver, COMPATIBLE);
        lcdNode.add("lcd0", "backlight", BACKLIGHT);
        Hd44780Display d = display("lcd0");
        assertTrue(d.hasBacklight());
        assertTrue(d.backlight());
        assertTrue(lcd.backlight(), "backlight line high");
        d.setBacklight(false);
        assertFalse(lcd.backlight());
        assertFalse(d.backlight());
        d.setBacklight(true);
        assertEquals(DigitalState.HIGH, bed.mock().output(BACKLIGHT));
        bed.removeDevice("lcd0");
        lcd.close();

        Hd44780Lcd dark = lcd(2, 16);
        lcdNode.add("lcd1", "backlight", BACKLIGHT, "backlight-on", false);
        assertFalse(dark.backlight(), "backlight-on false: stays dark");
        assertTrue(dark.displayOn());
        bed.removeDevice("lcd1");
        dark.close();

        lcd(2, 16);
        lcdNode.add("lcd2");
        Hd44780Display none = display("lcd2");
        assertFalse(none.hasBacklight());
        assertFalse(none.backlight());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> none.setBacklight(true));
        assertTrue(e.getMessage().contains("lcd2") && e.getMessage().contains("backlight"), e.getMessage());
    }

    @Test
    void badNodesFailNamingDeviceAndKeyWithoutClaimingLines() {
        bed.register(driver, COMPATIBLE);
        assertFailed(bed.addDevice("five", COMPATIBLE, "gpios", new int[] {RS, E, D4, D5, D6}), "five", "gpios",
                "5 lines", "RS, E, D4, D5, D6, D7");
        assertFailed(lcdNode.add("three", "rows", 3), "three", "rows", "1, 2 or 4");
        assertFailed(lcdNode.add("wide", "rows", 4, "columns", 40), "wide", "columns", "at most 20");
        assertFailed(lcdNode.add("text", "text", new String[] {"a", "b", "c"}), "text", "text", "2 rows");
        assertFailed(lcdNode.add("bl", "backlight", new int[] {BACKLIGHT, 26}), "bl", "backlight", "one");
        assertFailed(bed.addDevice("none", COMPATIBLE), "none", "gpios", "missing");
        assertTrue(claimedLines().isEmpty(), claimedLines()::toString);
    }

    @Test
    void reprobeResynchronisesAControllerLeftIn4BitModeMidByte() throws Exception {
        Hd44780Lcd lcd = lcd(2, 16);
        bed.register(driver, COMPATIBLE);
        lcdNode.add("lcd0", "text", new String[] {"first"});
        assertEquals(pad("first", 16), lcd.row(0));
        bed.unbind("lcd0");
        assertFalse(lcd.displayOn());
        // A host restart without a power cycle, half-way through a byte: only the reset by instruction recovers.
        lcd.resetTo4BitMode(true);
        lcdNode.add("lcd0", "text", new String[] {"", "second"}); // a changed node: probed again
        assertEquals(DeviceState.BOUND, bed.device("lcd0").state(), bed.device("lcd0").reason());
        assertTrue(lcd.fourBitMode() && lcd.twoLines() && lcd.displayOn());
        assertEquals(List.of(pad("", 16), pad("second", 16)), lcd.rows());
        assertEquals(0, lcd.busyViolations());
    }

    @Test
    void unplugTurnsTheDisplayAndBacklightOffAndStopsTheRefreshKthread() throws Exception {
        Hd44780Lcd lcd = lcd(2, 16);
        String id = bed.register(driver, COMPATIBLE);
        lcdNode.add("lcd0", "backlight", BACKLIGHT, "refresh-ms", 20);
        assertTrue(Kthreads.list().stream().anyMatch(k -> k.name().equals("hd44780/lcd0")), Kthreads.list()::toString);
        Hd44780Display d = display("lcd0");
        d.drawLine(1, "bye");
        Await.until("refresh kthread flushed row 1", () -> lcd.row(1).startsWith("bye") && d.dirtyRows() == 0);
        assertFalse(claimedLines().isEmpty());

        bed.unregister(id);
        assertFalse(lcd.displayOn(), "display off sent on unplug");
        assertEquals(0x08, lcd.instructionLog().get(lcd.instructionLog().size() - 1));
        assertFalse(lcd.backlight(), "backlight off");
        assertNoKthread("hd44780/");
        assertTrue(claimedLines().isEmpty(), claimedLines()::toString);
        assertTrue(driver.display("lcd0").isEmpty());
        IOException e = assertThrows(IOException.class, d::flush, "a removed display refuses writes");
        assertTrue(e.getMessage().contains("lcd0") && e.getMessage().contains("removed"), e.getMessage());
        assertEquals(0, lcd.busyViolations());
    }

    private List<LineInfo> claimedLines() {
        return bed.board().lines().stream().filter(l -> l.owner() != null && !l.owner().isEmpty()).toList();
    }
}
