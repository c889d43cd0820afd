package io.kdrv.drivers.ds18b20;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Scratchpad decoding against the datasheet's table 1 and the kernel's w1_slave format. */
class Ds18b20ScratchpadTest {
    private static Ds18b20Scratchpad pad(int lsb, int msb, int config) {
        byte[] b = {(byte) lsb, (byte) msb, 0x4B, 0x46, (byte) config, (byte) 0xFF, 0x0C, 0x10, 0};
        b[8] = (byte) io.kdrv.driver.W1Slave.crc8(b, 0, 8);
        return Ds18b20Scratchpad.of(b);
    }

    @Test
    void datasheetTable1Temperatures() {
        assertEquals(125.0, pad(0xD0, 0x07, 0x7F).celsius());
        assertEquals(25.0625, pad(0x91, 0x01, 0x7F).celsius());
        assertEquals(10.125, pad(0xA2, 0x00, 0x7F).celsius());
        assertEquals(0.5, pad(0x08, 0x00, 0x7F).celsius());
        assertEquals(0.0, pad(0x00, 0x00, 0x7F).celsius());
        assertEquals(-0.5, pad(0xF8, 0xFF, 0x7F).celsius());
        assertEquals(-10.125, pad(0x5E, 0xFF, 0x7F).celsius());
        assertEquals(-25.0625, pad(0x6F, 0xFE, 0x7F).celsius());
        assertEquals(-55.0, pad(0x90, 0xFC, 0x7F).celsius());
        assertTrue(pad(0x50, 0x05, 0x7F).powerOnValue());
        assertEquals(85.0, pad(0x50, 0x05, 0x7F).celsius());
    }

    @Test
    void undefinedBitsAreMaskedPerResolution() {
        assertEquals(25.0, pad(0x97, 0x01, 0x1F).celsius(), "9 bits: 3 undefined bits");
        assertEquals(25.0, pad(0x93, 0x01, 0x3F).celsius(), "10 bits: 2");
        assertEquals(25.0, pad(0x91, 0x01, 0x5F).celsius(), "11 bits: 1");
        assertEquals(-0.5, pad(0xFF, 0xFF, 0x1F).celsius(), "negative, 9 bits");
        assertEquals(9, pad(0, 0, 0x1F).resolution());
        assertEquals(12, pad(0, 0, 0x7F).resolution());
        assertEquals(0x5F, Ds18b20Scratchpad.configFor(11));
        assertEquals(93_750_000L, Ds18b20Scratchpad.conversionNanos(9));
        assertEquals(750_000_000L, Ds18b20Scratchpad.conversionNanos(12));
        assertThrows(IllegalArgumentException.class, () -> Ds18b20Scratchpad.configFor(13));
    }

    @Test
    void crcAndStuckBuses() {
        Ds18b20Scratchpad ok = pad(0x91, 0x01, 0x7F);
        assertTrue(ok.crcValid());
        byte[] b = ok.bytes();
        b[0] ^= 1;
        assertFalse(Ds18b20Scratchpad.of(b).crcValid());
        assertTrue(Ds18b20Scratchpad.of(new byte[9]).crcValid(), "all zeros pass the CRC...");
        assertTrue(Ds18b20Scratchpad.of(new byte[9]).stuck(), "...so they are caught as a stuck bus");
        byte[] ones = new byte[9];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        assertTrue(Ds18b20Scratchpad.of(ones).stuck());
        assertFalse(ok.stuck());
    }

    @Test
    void parsesTheKernelsW1SlaveFile() {
        Ds18b20Scratchpad p = Ds18b20Scratchpad.parseW1Slave("72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n"
                + "72 01 4b 46 7f ff 0e 10 57 t=23125\n");
        assertTrue(p.crcValid());
        assertEquals(23.125, p.celsius());
        assertEquals(12, p.resolution());
        assertThrows(IllegalArgumentException.class, () -> Ds18b20Scratchpad.parseW1Slave("not found.\n"));
        assertThrows(IllegalArgumentException.class, () -> Ds18b20Scratchpad.parseW1Slave("72 01 4b 46 zz ff 0e 10 57"));
    }
}
