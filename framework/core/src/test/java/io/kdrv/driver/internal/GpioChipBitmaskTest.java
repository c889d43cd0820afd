package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kdrv.driver.GpioChip;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GpioChip.handleNestedIrqs: port bitmasks become one nested IRQ per set bit, in line order. */
class GpioChipBitmaskTest {
    @Test
    void eachSetBitIsOneEdgeWithItsLevel() {
        List<String> delivered = new ArrayList<>();
        GpioChip chip = new GpioChip() {
            @Override
            public String name() {
                return "expander0";
            }

            @Override
            public int lineCount() {
                return 16;
            }

            @Override
            public int number(int line) {
                return 512 + line;
            }

            @Override
            public void handleNestedIrq(int line, boolean high, long timestampNanos) {
                delivered.add(line + (high ? "H" : "L") + "@" + timestampNanos);
            }
        };
        chip.handleNestedIrqs(0b1000_0000_0000_0101, 0b1000_0000_0000_0100, 42);
        assertEquals(List.of("0L@42", "2H@42", "15H@42"), delivered);
        delivered.clear();
        chip.handleNestedIrqs(0, 0xFFFF, 7);
        assertEquals(List.of(), delivered, "no changed line, no edge");
    }

    @Test
    void aBitOutsideTheControllerIsRefused() {
        GpioControllers.Chip chip = new GpioControllers.Chip("pcf0", null, 8, 768); // ops unused here
        assertThrows(IndexOutOfBoundsException.class, () -> chip.handleNestedIrqs(1 << 8, 0, 0));
    }
}
