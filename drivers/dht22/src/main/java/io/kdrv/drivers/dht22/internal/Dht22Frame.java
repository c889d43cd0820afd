package io.kdrv.drivers.dht22.internal;

/**
 * Decodes one DHT22 response from the edges of the data line, using only their timestamps.
 *
 * <p>Expected edges (AM2302 datasheet, two-line wiring: the data input also sees the host's start pulse):
 * <pre>
 *   F host pulls low (>= 1 ms)   R host releases
 *   F sensor answers (20-40 µs later), low 80 µs   R high 80 µs
 *   40 x [ F low 50 µs   R high 26-28 µs (0) or 70 µs (1) ]   F low 50 µs   R sensor releases
 * </pre>
 * The high pulses (each rising edge to the next falling edge) are: release gap, response high, then the 40 bits,
 * MSB first: humidity (16 bits, 0.1 %RH), temperature (16 bits, 0.1 °C, bit 15 = negative), checksum (low byte
 * of the sum of the 4 data bytes). A bit is 1 when its high pulse is longer than {@link #ONE_THRESHOLD_NANOS}.
 *
 * <p>Stateless, thread-safe.
 */
final class Dht22Frame {
    /** Between the 26-28 µs of a 0 and the 70 µs of a 1. */
    static final long ONE_THRESHOLD_NANOS = 48_000;
    /** Falling edges of a complete exchange: host start, sensor response, 40 bit starts, end-of-frame low. */
    static final int FALLING_EDGES = 43;

    enum Kind { OK, NO_RESPONSE, INCOMPLETE, CHECKSUM }

    /**
     * @param kind     what came out
     * @param humidity %RH when OK
     * @param temperature °C when OK
     * @param detail   a human-readable account when not OK (bits received, checksum expected/got)
     */
    record Result(Kind kind, double humidity, double temperature, String detail) {
    }

    private Dht22Frame() {
    }

    /**
     * @param rising edge polarities in arrival order
     * @param stamps edge timestamps (ns), same order
     * @param n      number of edges
     */
    static Result decode(boolean[] rising, long[] stamps, int n) {
        // Skip the host's start pulse: the first falling edge and the rising edge after it (the release).
        int i = 0;
        while (i < n && rising[i]) {
            i++; // a rising edge before the start pulse: the line was low when we armed; not ours
        }
        if (i + 1 >= n) {
            return fail(Kind.NO_RESPONSE, "no start pulse seen on the data line (" + n + " edges)");
        }
        i++; // at the release (rising)
        long[] highs = new long[42];
        int pulses = 0;
        for (int j = i; j + 1 < n && pulses < highs.length; j += 2) {
            if (!rising[j] || rising[j + 1]) {
                return fail(Kind.INCOMPLETE, "edge " + (j + 1) + " breaks the alternation after " + bits(pulses)
                        + " bits (an edge was lost)");
            }
            highs[pulses++] = stamps[j + 1] - stamps[j];
        }
        if (pulses <= 1) {
            return fail(Kind.NO_RESPONSE, "no response after the start signal");
        }
        if (pulses < highs.length) {
            return fail(Kind.INCOMPLETE, "only " + bits(pulses) + " of 40 bits arrived");
        }
        int[] bytes = new int[5];
        for (int b = 0; b < 40; b++) {
            bytes[b / 8] = bytes[b / 8] << 1 | (highs[b + 2] > ONE_THRESHOLD_NANOS ? 1 : 0);
        }
        int sum = (bytes[0] + bytes[1] + bytes[2] + bytes[3]) & 0xFF;
        if (sum != bytes[4]) {
            return fail(Kind.CHECKSUM, String.format("checksum mismatch: bytes %02x %02x %02x %02x sum to %02x, "
                    + "sensor sent %02x", bytes[0], bytes[1], bytes[2], bytes[3], sum, bytes[4]));
        }
        int rawRh = bytes[0] << 8 | bytes[1];
        int rawT = (bytes[2] & 0x7F) << 8 | bytes[3];
        double t = ((bytes[2] & 0x80) != 0 ? -rawT : rawT) / 10.0;
        return new Result(Kind.OK, rawRh / 10.0, t, "");
    }

    private static int bits(int pulses) {
        return Math.max(0, pulses - 2);
    }

    private static Result fail(Kind kind, String detail) {
        return new Result(kind, Double.NaN, Double.NaN, detail);
    }
}
