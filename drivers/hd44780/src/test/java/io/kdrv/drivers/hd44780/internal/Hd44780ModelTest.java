package io.kdrv.drivers.hd44780.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalOutput;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.drivers.hd44780.sim.Hd44780Lcd;
import io.kdrv.testing.KdrvTestBed;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller model's datasheet rules, driven nibble by nibble through the driver's bus on claimed mock lines:
 * busy times are enforced, the address counter wraps between the two lines.
 */
@Timeout(60)
class Hd44780ModelTest {
    private static final int[] LINES = {5, 6, 20, 21, 22, 23};

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    /** Claims the six lines and hands them out as a bus, nothing else. */
    private Hd44780Bus bus() {
        AtomicReference<Hd44780Bus> bus = new AtomicReference<>();
        Driver raw = dev -> {
            DigitalOutput[] out = new DigitalOutput[6];
            for (int i = 0; i < out.length; i++) {
                out[i] = dev.gpioOutput("gpios", i);
            }
            bus.set(new Hd44780Bus(dev.name(), out, null));
        };
        bed.register(raw, "test,raw");
        assertEquals(DeviceState.BOUND, bed.addDevice("raw", "test,raw", "gpios", LINES).state());
        return bus.get();
    }

    private Hd44780Lcd lcd() {
        return new Hd44780Lcd(bed.mock(), 2, 16, 5, 6, 20, 21, 22, 23);
    }

    /** One latch (E high, then low) of the unwired model at model time {@code at}. */
    private static void latch(Hd44780Lcd lcd, boolean rs, int nibble, long at) {
        lcd.pins(rs, false, true, nibble, false, at);
        lcd.pins(rs, false, false, nibble, false, at);
    }

    private static void latchByte(Hd44780Lcd lcd, boolean rs, int value, long at) {
        latch(lcd, rs, value >> 4, at);
        latch(lcd, rs, value & 0xF, at);
    }

    @Test
    void latchesInsideTheBusyTimeAreIgnoredAndCounted() {
        // Model time, not the clock: every latch is placed exactly, whatever the machine's load.
        long t = System.nanoTime();
        long ms = 1_000_000;
        long us = 1_000;
        Hd44780Lcd lcd = new Hd44780Lcd(2, 16);
        lcd.powerOn(t);
        latch(lcd, false, Hd44780Commands.NIBBLE_RESET, t + ms);              // power-on: 15 ms busy
        assertEquals(1, lcd.busyViolations());
        assertEquals(0, lcd.instructions());
        latch(lcd, false, Hd44780Commands.NIBBLE_RESET, t + 16 * ms);         // first reset: 4.1 ms busy
        latch(lcd, false, Hd44780Commands.NIBBLE_RESET, t + 17 * ms);         // too early
        assertEquals(2, lcd.busyViolations());
        assertEquals(1, lcd.instructions());
        latch(lcd, false, Hd44780Commands.NIBBLE_RESET, t + 20_200 * us);     // second reset: 100 µs busy
        latch(lcd, false, Hd44780Commands.NIBBLE_RESET, t + 20_250 * us);     // too early
        assertEquals(3, lcd.busyViolations());
        latch(lcd, false, Hd44780Commands.NIBBLE_RESET, t + 20_400 * us);     // third: 37 µs
        latch(lcd, false, Hd44780Commands.NIBBLE_4BIT, t + 20_500 * us);
        assertTrue(lcd.fourBitMode());
        latchByte(lcd, false, 0x28, t + 20_600 * us);
        latchByte(lcd, false, Hd44780Commands.CLEAR_DISPLAY, t + 20_700 * us); // 1.52 ms busy
        latchByte(lcd, true, 'X', t + 21_700 * us);                           // both nibbles dropped
        assertEquals(5, lcd.busyViolations());
        assertEquals(' ', lcd.ddram(0));
        latchByte(lcd, true, 'Y', t + 22_300 * us);
        assertEquals('Y', lcd.ddram(0));
        latchByte(lcd, true, 'Z', t + 22_330 * us);                           // inside the 41 µs of 'Y'
        assertEquals(7, lcd.busyViolations());
        latchByte(lcd, true, 'Z', t + 22_400 * us);
        assertEquals("YZ" + " ".repeat(14), lcd.row(0));
        assertEquals(List.of(0x30, 0x30, 0x30, 0x20, 0x28, 0x01), lcd.instructionLog());
    }

    @Test
    void theAddressCounterRunsFromTheEndOfLineOneIntoLineTwo() throws Exception {
        Hd44780Lcd lcd = lcd();
        Hd44780Bus bus = bus();
        Hd44780Bus.waitAtLeast(Hd44780Commands.DRIVER_POWER_ON_NS);
        bus.nibble(false, Hd44780Commands.NIBBLE_4BIT); // 8-bit mode: one latch, function set 4-bit
        Hd44780Bus.waitAtLeast(Hd44780Commands.DRIVER_RESET_1_NS);
        bus.instruction(0x28);
        bus.instruction(Hd44780Commands.ENTRY_MODE | Hd44780Commands.ENTRY_INCREMENT);
        bus.instruction(Hd44780Commands.SET_DDRAM | 0x27);
        bus.data('a');
        bus.data('b');
        assertEquals('a', lcd.ddram(0x27));
        assertEquals('b', lcd.ddram(0x40), "0x27 + 1 is 0x40 in 2-line mode");
        bus.instruction(Hd44780Commands.SET_DDRAM | 0x67);
        bus.data('c');
        bus.data('d');
        assertEquals('d', lcd.ddram(0x00), "0x67 + 1 wraps to 0x00");
        assertEquals("d" + " ".repeat(15), lcd.row(0));
        bus.instruction(Hd44780Commands.RETURN_HOME);
        assertEquals(0, lcd.addressCounter());
        assertEquals(0, lcd.busyViolations());
    }

    /** One nibble as a PCF8574 backpack driver writes it: port with E high, then the same port with E low. */
    private static void backpackNibble(Hd44780Lcd lcd, boolean rs, int nibble) throws Exception {
        int port = nibble << 4 | 0x08 | (rs ? 0x01 : 0); // backlight on
        lcd.backpackPort(port | 0x04);
        lcd.backpackPort(port);
        Hd44780Bus.waitAtLeast(Hd44780Commands.DRIVER_RESET_2_NS);
    }

    @Test
    void anUnwiredModelDrivenThroughThePortOfAPcf8574Backpack() throws Exception {
        Hd44780Lcd lcd = new Hd44780Lcd(2, 16);
        Hd44780Bus.waitAtLeast(Hd44780Commands.DRIVER_POWER_ON_NS);
        backpackNibble(lcd, false, 0x3);
        Hd44780Bus.waitAtLeast(Hd44780Commands.DRIVER_RESET_1_NS);
        backpackNibble(lcd, false, 0x3);
        backpackNibble(lcd, false, 0x3);
        backpackNibble(lcd, false, 0x2);
        for (int b : new int[] {0x28, 0x0C, Hd44780Commands.SET_DDRAM | 0x40}) {
            backpackNibble(lcd, false, b >> 4);
            backpackNibble(lcd, false, b & 0xF);
        }
        for (char c : "P8574".toCharArray()) {
            backpackNibble(lcd, true, c >> 4);
            backpackNibble(lcd, true, c & 0xF);
        }
        assertTrue(lcd.fourBitMode() && lcd.twoLines() && lcd.displayOn());
        assertEquals("P8574" + " ".repeat(11), lcd.row(1));
        assertTrue(lcd.backlight(), "P3 high");
        lcd.backpackPort(0x02 | 0x04); // RW high with E high ...
        lcd.backpackPort(0x02);        // ... and its falling edge: a read, which the model does not answer
        assertEquals(1, lcd.protocolErrors());
        assertFalse(lcd.backlight(), "P3 low");
        assertEquals(0, lcd.busyViolations());
    }
}
