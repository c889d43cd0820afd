package io.kdrv.drivers.dht22.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The frame decoder alone, on synthetic edge lists with datasheet timing. */
class Dht22FrameTest {
    private final boolean[] rising = new boolean[128];
    private final long[] stamps = new long[128];
    private int n;
    private long t = 1_000_000_000L;

    private void edge(boolean high, long after) {
        t += after;
        rising[n] = high;
        stamps[n++] = t;
    }

    /** Host start pulse, response, the given bytes with the given high widths for 0 and 1. */
    private void frame(int[] bytes, long zero, long one) {
        edge(false, 0);
        edge(true, 1_000_000);
        edge(false, 30_000);
        edge(true, 80_000);
        edge(false, 80_000);
        for (int i = 0; i < 40; i++) {
            edge(true, 50_000);
            edge(false, (bytes[i / 8] >> (7 - i % 8) & 1) != 0 ? one : zero);
        }
        edge(true, 50_000);
    }

    private static int[] withChecksum(int... four) {
        return new int[] {four[0], four[1], four[2], four[3], (four[0] + four[1] + four[2] + four[3]) & 0xFF};
    }

    @Test
    void decodesTheDatasheetExample() {
        // Datasheet example: 0x028C = 65.2 %RH, 0x015F = 35.1 °C, checksum 0xEE.
        frame(new int[] {0x02, 0x8C, 0x01, 0x5F, 0xEE}, 26_000, 70_000);
        Dht22Frame.Result r = Dht22Frame.decode(rising, stamps, n);
        assertEquals(Dht22Frame.Kind.OK, r.kind(), r.detail());
        assertEquals(65.2, r.humidity(), 1e-9);
        assertEquals(35.1, r.temperature(), 1e-9);
    }

    @Test
    void signBitAndPulseWidthTolerance() {
        frame(withChecksum(0x01, 0x00, 0x80, 0x65), 28_000, 65_000); // -10.1 °C, 25.6 %RH
        Dht22Frame.Result r = Dht22Frame.decode(rising, stamps, n);
        assertEquals(-10.1, r.temperature(), 1e-9);
        assertEquals(25.6, r.humidity(), 1e-9);
    }

    @Test
    void checksumLostEdgeAndSilence() {
        frame(new int[] {0x02, 0x8C, 0x01, 0x5F, 0xEF}, 26_000, 70_000);
        Dht22Frame.Result bad = Dht22Frame.decode(rising, stamps, n);
        assertEquals(Dht22Frame.Kind.CHECKSUM, bad.kind());
        assertTrue(bad.detail().contains("sum to ee, sensor sent ef"), bad.detail());

        rising[20] = !rising[20]; // an edge of the same polarity twice: one in between was lost
        assertEquals(Dht22Frame.Kind.INCOMPLETE, Dht22Frame.decode(rising, stamps, n).kind());

        assertEquals(Dht22Frame.Kind.NO_RESPONSE, Dht22Frame.decode(rising, stamps, 2).kind(), "start pulse only");
        assertEquals(Dht22Frame.Kind.NO_RESPONSE, Dht22Frame.decode(rising, stamps, 0).kind());
    }
}
