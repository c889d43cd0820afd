package io.kdrv.drivers.mcp3008.sim;

import io.kdrv.board.mock.SpiChip;

/**
 * A bit-level model of the Microchip MCP3008 (8-channel 10-bit SAR ADC, datasheet DS21295) for the mock board:
 * attach it with {@code mock.attachSpi(bus, cs, new Mcp3008Chip())} and set the input voltages.
 *
 * <h2>What it models (datasheet section 5 and figure 6-1)</h2>
 * Every transfer starts with chip select falling, which resets the serial interface. The chip then walks the
 * bits clocked in on DIN, MSB first:
 * <ol>
 *   <li>DOUT is high-impedance (read here as 1, a pulled-up MISO, so a driver that does not mask reads garbage)
 *       until the first 1 on DIN: the <b>start bit</b>;</li>
 *   <li>the next four DIN bits are the configuration: <b>SGL/DIFF</b>, then <b>D2 D1 D0</b> (table 5-2: single-ended
 *       channel, or the differential pair with CH(2k) or CH(2k+1) as IN+);</li>
 *   <li>one more clock ends the <b>sample</b> period (DOUT still high-impedance); the input is converted then;</li>
 *   <li>DOUT sends the <b>null bit</b> (0), then <b>B9..B0</b> MSB first, then, if clocks continue, the result again
 *       LSB first <b>B1..B9</b> (figure 5-2), then zeros.</li>
 * </ol>
 * Conversion (equation 4-1): {@code code = floor(1024 * VIN / VREF)}, clamped to 0..1023; VIN is the channel
 * voltage (single-ended) or IN+ minus IN- (differential, 0 when IN- &gt; IN+). DIN bits after the configuration
 * are ignored, as are DIN bits with chip select high (there are none: one call is one chip-select cycle).
 *
 * <p>SPI modes 0 and 3 are the chip's; in modes 1 and 2 the controller samples MISO on the edge the chip changes it,
 * modelled as DOUT arriving one clock late. A clock above the datasheet's maximum (1.35 MHz at VDD 2.7 V, 3.6 MHz
 * at 5 V, interpolated linearly in between) is counted in {@link #overclockedTransfers()}; the model still converts.
 *
 * <p>Thread-safe: the mock board runs transfers under this object's monitor and the setters take it too.
 */
public final class Mcp3008Chip implements SpiChip {
    /** Volts on each of CH0..CH7. */
    private final double[] inputs = new double[8];
    private double vref;
    private double vdd;
    private long conversions;
    private long overclocked;
    private int lastConfig = -1;

    /** An MCP3008 with VREF = VDD = 3.3 V and every input at 0 V. */
    public Mcp3008Chip() {
        this(3.3);
    }

    /** An MCP3008 with VREF = {@code vref} volts and VDD = VREF (at least 2.7 V, at most 5.5 V). */
    public Mcp3008Chip(double vref) {
        setVref(vref);
        this.vdd = Math.min(5.5, Math.max(vref, 2.7)); // VREF may not exceed VDD (2.7..5.5 V)
    }

    @Override
    public String name() {
        return "mcp3008";
    }

    /** Sets the voltage on channel {@code ch} (0..7); negative or above VDD is clamped by the conversion. */
    public synchronized void setInput(int ch, double volts) {
        if (ch < 0 || ch > 7) {
            throw new IllegalArgumentException("mcp3008 model: no channel " + ch + " (CH0..CH7)");
        }
        inputs[ch] = volts;
    }

    /** Sets the reference voltage (VREF pin), volts &gt; 0. */
    public synchronized void setVref(double volts) {
        if (!(volts > 0)) {
            throw new IllegalArgumentException("mcp3008 model: VREF must be > 0 V, got " + volts);
        }
        this.vref = volts;
    }

    /** Sets the supply voltage, 2.7..5.5 V, which sets the maximum clock. */
    public synchronized void setVdd(double volts) {
        if (volts < 2.7 || volts > 5.5) {
            throw new IllegalArgumentException("mcp3008 model: VDD must be 2.7..5.5 V, got " + volts);
        }
        this.vdd = volts;
    }

    /** @return the datasheet's maximum SPI clock at the model's VDD, in Hz */
    public synchronized int maxClockHz() {
        double f = 1.35e6 + (vdd - 2.7) * (3.6e6 - 1.35e6) / (5.0 - 2.7);
        return (int) Math.min(f, 3.6e6);
    }

    /** @return conversions done (one per start bit followed by a complete configuration) */
    public synchronized long conversions() {
        return conversions;
    }

    /** @return transfers clocked faster than {@link #maxClockHz()} */
    public synchronized long overclockedTransfers() {
        return overclocked;
    }

    /**
     * @return the last configuration received: bit 3 SGL/DIFF, bits 2..0 D2..D0 (so 8 + channel for single-ended);
     *         -1 before the first
     */
    public synchronized int lastConfig() {
        return lastConfig;
    }

    /** The code the chip converts {@code config} (SGL/DIFF, D2..D0) to now. */
    public synchronized int code(int config) {
        int ch = config & 7;
        double vin = (config & 8) != 0 ? inputs[ch] : inputs[ch] - inputs[ch ^ 1];
        double code = Math.floor(1024 * vin / vref);
        return (int) Math.max(0, Math.min(1023, code));
    }

    // ------------------------------------------------------------------------------------------ the wire

    private enum Phase { WAIT_START, CONFIG, SAMPLE, NULL_BIT, MSB_FIRST, LSB_FIRST, ZEROS }

    @Override
    public synchronized void transfer(int mode, int speedHz, byte[] mosi, byte[] miso) {
        if (speedHz > maxClockHz()) {
            overclocked++;
        }
        Phase phase = Phase.WAIT_START; // chip select just fell: the interface restarts
        int config = 0;
        int configBits = 0;
        int code = 0;
        int bit = 0;          // index into B9..B0 / B1..B9
        int late = 1;         // modes 1/2: the previous DOUT bit, seen one clock late (Hi-Z first)
        boolean skewed = mode == 1 || mode == 2;
        for (int i = 0; i < mosi.length * 8; i++) {
            int din = mosi[i >> 3] >> (7 - (i & 7)) & 1;
            int dout;
            switch (phase) {
                case WAIT_START -> {
                    dout = 1; // high impedance
                    if (din == 1) {
                        phase = Phase.CONFIG;
                    }
                }
                case CONFIG -> {
                    dout = 1;
                    config = config << 1 | din;
                    if (++configBits == 4) {
                        phase = Phase.SAMPLE;
                    }
                }
                case SAMPLE -> {
                    dout = 1; // sampling ends with this clock; the conversion result is fixed now
                    code = code(config);
                    conversions++;
                    lastConfig = config;
                    phase = Phase.NULL_BIT;
                }
                case NULL_BIT -> {
                    dout = 0;
                    bit = 9;
                    phase = Phase.MSB_FIRST;
                }
                case MSB_FIRST -> {
                    dout = code >> bit & 1;
                    if (--bit < 0) {
                        bit = 1;
                        phase = Phase.LSB_FIRST;
                    }
                }
                case LSB_FIRST -> {
                    dout = code >> bit & 1;
                    if (++bit > 9) {
                        phase = Phase.ZEROS;
                    }
                }
                default -> dout = 0;
            }
            int seen = dout;
            if (skewed) {
                seen = late;
                late = dout;
            }
            if (seen != 0) {
                miso[i >> 3] |= (byte) (0x80 >> (i & 7));
            } else {
                miso[i >> 3] &= (byte) ~(0x80 >> (i & 7));
            }
        }
    }

    @Override
    public String toString() {
        return "Mcp3008Chip[vref " + vref + " V, vdd " + vdd + " V, " + conversions + " conversions]";
    }
}
