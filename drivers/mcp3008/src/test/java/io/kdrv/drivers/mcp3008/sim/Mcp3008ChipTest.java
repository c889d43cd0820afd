package io.kdrv.drivers.mcp3008.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The chip model against the datasheet's own frames (figure 6-1), independent of the driver's 4-byte frame. */
class Mcp3008ChipTest {
    private static int[] transfer(Mcp3008Chip chip, int mode, int... mosi) {
        byte[] tx = new byte[mosi.length];
        for (int i = 0; i < mosi.length; i++) {
            tx[i] = (byte) mosi[i];
        }
        byte[] rx = new byte[tx.length];
        chip.transfer(mode, 1_000_000, tx, rx);
        int[] out = new int[rx.length];
        for (int i = 0; i < rx.length; i++) {
            out[i] = rx[i] & 0xFF;
        }
        return out;
    }

    @Test
    void theDatasheetThreeByteFrameCarriesNullBitAndTenBitsMsbFirst() {
        Mcp3008Chip chip = new Mcp3008Chip(3.3);
        chip.setInput(5, 2.0); // floor(1024 * 2.0 / 3.3) = 620 = 0x26C
        int[] rx = transfer(chip, 0, 0x01, 0x80 | 5 << 4, 0x00);
        assertEquals(0, rx[1] & 0b100, "null bit");
        assertEquals(0x26C, (rx[1] & 0b11) << 8 | rx[2]);
        assertEquals(0xFF, rx[0], "DOUT is high-impedance (pulled up) before the null bit");
        assertEquals(0b1111_1000, rx[1] & 0b1111_1000, "... including while SGL/D2..D0 and the sample clock go in");
        assertEquals(0b1000 | 5, chip.lastConfig());
        assertEquals(1, chip.conversions());
    }

    @Test
    void theStartBitMayComeAnywhereAndTheResultFollowsLsbFirstThenZeros() {
        Mcp3008Chip chip = new Mcp3008Chip(1.024); // 1 mV per code
        chip.setInput(0, 0.5125); // floor(512.5) = 512
        // Start bit as the MSB of byte 0 (figure 6-1's alternative alignment): SGL=1 D2..D0=000, sample, null bit,
        // B9..B0 then B1..B9 and zeros.
        int[] rx = transfer(chip, 0, 0b1100_0000, 0, 0, 0, 0);
        // clocks: 0 start, 1..4 config, 5 sample, 6 null, 7..16 B9..B0, 17..25 B1..B9, then zeros
        long bits = 0;
        for (int b : rx) {
            bits = bits << 8 | b;
        }
        int total = rx.length * 8;
        int code = (int) (bits >>> (total - 17) & 0x3FF);
        assertEquals(512, code);
        assertEquals(0, bits >>> (total - 7) & 1, "null bit");
        int lsbFirst = (int) (bits >>> (total - 26) & 0x1FF); // B1..B9, B1 first
        assertEquals(Integer.reverse(512 >>> 1) >>> 23, lsbFirst);
        assertEquals(0, bits & ((1L << (total - 26)) - 1), "then zeros");
    }

    @Test
    void differentialPairsFollowTable52AndClampAtZero() {
        Mcp3008Chip chip = new Mcp3008Chip(2.048); // 2 mV per code
        chip.setInput(4, 1.5);
        chip.setInput(5, 0.5);
        assertEquals(500, chip.code(0b0100), "CH4 = IN+, CH5 = IN-: 1.0 V");
        assertEquals(0, chip.code(0b0101), "CH4 = IN-, CH5 = IN+: negative reads 0");
        assertEquals(750, chip.code(0b1100), "single-ended CH4");
        chip.setInput(4, 5.0);
        assertEquals(1023, chip.code(0b1100), "clamped at full scale");
    }

    @Test
    void modesOneAndTwoSeeTheDataOneClockLateAndOverclockingIsCounted() {
        Mcp3008Chip chip = new Mcp3008Chip(3.3);
        chip.setInput(0, 3.3);
        int[] ok = transfer(chip, 3, 0x01, 0x80, 0);
        assertEquals(0x3FF, (ok[1] & 3) << 8 | ok[2]);
        int[] late = transfer(chip, 1, 0x01, 0x80, 0);
        assertEquals(1, late[1] >> 2 & 1, "the null bit is displaced: a driver sees a 1 there");
        byte[] rx = new byte[3];
        chip.transfer(0, 2_000_000, new byte[] {1, (byte) 0x80, 0}, rx);
        assertEquals(1, chip.overclockedTransfers(), "2 MHz at VDD 3.3 V exceeds the datasheet limit");
        assertThrows(IllegalArgumentException.class, () -> chip.setInput(8, 1));
        assertThrows(IllegalArgumentException.class, () -> chip.setVref(0));
    }
}
