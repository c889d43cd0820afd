package io.kdrv.drivers.ads1115.sim;

import io.kdrv.board.LineSimulator;
import io.kdrv.board.mock.RegisterChip;
import io.kdrv.drivers.ads1115.internal.Ads1115Registers;

/**
 * A register model of the TI ADS1115 for the mock board ({@code MockBoard.attach(bus, 0x48, chip)}): four 16-bit
 * registers (conversion, config, lo_thresh, hi_thresh) behind the pointer byte, and four analog inputs whose
 * voltages the test sets.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>Register transfers: pointer byte, then 2 bytes MSB first. A write takes effect when its second byte
 *       arrives; a read latches the register at its first byte, so MSB and LSB belong together.</li>
 *   <li>Writing config with OS = 1 in single-shot mode runs one conversion of the selected mux input with the
 *       selected PGA: {@code code = round((Vp - Vn) * 32768 / FSR)}, clipped to -32768..32767. It completes at once
 *       unless {@link #holdConversions(boolean)} holds it (then config reads OS = 0 until
 *       {@link #completeConversion()}). Continuous mode converts at the write and on every {@link #setVoltage}.</li>
 *   <li>ALERT/RDY ({@link #readyLine}): with hi_thresh MSB = 1, lo_thresh MSB = 0 and COMP_QUE ≠ 11 it is a
 *       conversion-ready pin: deasserted when a conversion starts, asserted (low, or high with COMP_POL) when it
 *       ends. Otherwise it stays high (open drain, pulled up). The threshold comparator is not modelled.</li>
 *   <li>{@link #ads1015(boolean)} impersonates the 12-bit ADS1015: the low 4 bits of thresholds and conversions
 *       read 0.</li>
 * </ul>
 *
 * <p>Thread-safe: every method synchronizes on the chip, like {@link RegisterChip}. The ready line is driven with
 * the chip lock held, from the thread writing config (the mock board dispatches the edge on that thread).
 */
public class Ads1115Chip extends RegisterChip {
    /** Second byte of register r is modelled as pseudo-register r | SECOND. */
    private static final int SECOND = 0x80;
    private final int[] regs = {0, Ads1115Registers.CONFIG_DEFAULT, Ads1115Registers.LO_THRESH_DEFAULT,
        Ads1115Registers.HI_THRESH_DEFAULT};
    private final double[] inputs = new double[4];
    private int pendingMsb;
    private int readLatch;
    private boolean hold;
    private boolean converting;
    private boolean twelveBit;
    private long conversions;
    private LineSimulator lines;
    private int readyLine = -1;

    public Ads1115Chip() {
        super("ads1115");
    }

    /**
     * Sets the voltage at input {@code pin} (0..3, against GND).
     *
     * @return this chip
     * @throws IllegalArgumentException for another pin
     */
    public synchronized Ads1115Chip setVoltage(int pin, double volts) {
        if (pin < 0 || pin > 3) {
            throw new IllegalArgumentException("ads1115 sim: no input AIN" + pin + " (AIN0..AIN3)");
        }
        inputs[pin] = volts;
        if ((regs[1] & Ads1115Registers.MODE_SINGLE) == 0) {
            convert();
        }
        return this;
    }

    public synchronized double voltage(int pin) {
        return inputs[pin];
    }

    /**
     * Wires ALERT/RDY to GPIO {@code line} of {@code sim} (the mock board) and drives it high (idle, pulled up).
     *
     * @return this chip
     */
    public synchronized Ads1115Chip readyLine(LineSimulator sim, int line) {
        lines = sim;
        readyLine = line;
        sim.setInput(line, true);
        return this;
    }

    /** While held, a started conversion stays running (config OS reads 0) until {@link #completeConversion()}. */
    public synchronized void holdConversions(boolean on) {
        hold = on;
    }

    /** Ends a held conversion now (with the voltages set now); no-op when none is running. */
    public synchronized void completeConversion() {
        if (converting) {
            convert();
        }
    }

    /** Impersonate the 12-bit ADS1015 (low 4 bits of thresholds and results read 0). */
    public synchronized void ads1015(boolean on) {
        twelveBit = on;
    }

    /** @return the 16-bit value of register {@code reg} (0..3) */
    public synchronized int register(int reg) {
        return regs[reg] | (reg == Ads1115Registers.CONFIG && !converting ? Ads1115Registers.OS : 0);
    }

    public synchronized long conversions() {
        return conversions;
    }

    @Override
    protected int nextRegister(int reg) {
        // MSB -> LSB of the same register; after the LSB the pointer stays on the register (repeated reads).
        return reg < SECOND ? (reg & 0x03) | SECOND : reg & 0x03;
    }

    @Override
    protected int onRead(int reg) {
        if (reg < SECOND) {
            readLatch = register(reg & 0x03);
            return readLatch >> 8;
        }
        return readLatch & 0xFF;
    }

    @Override
    protected void onWrite(int reg, int value) {
        if (reg < SECOND) {
            pendingMsb = value;
            return;
        }
        int r = reg & 0x03;
        int word = pendingMsb << 8 | value;
        switch (r) {
            case Ads1115Registers.CONVERSION -> {
                // read-only
            }
            case Ads1115Registers.CONFIG -> writeConfig(word);
            default -> regs[r] = twelveBit ? word & 0xFFF0 : word;
        }
    }

    private void writeConfig(int word) {
        regs[1] = word & ~Ads1115Registers.OS;
        boolean single = (word & Ads1115Registers.MODE_SINGLE) != 0;
        if (single && (word & Ads1115Registers.OS) == 0) {
            return; // config change only
        }
        converting = true;
        driveReady(false);
        if (!hold || !single) {
            convert();
        }
    }

    private void convert() {
        int mux = regs[1] >> Ads1115Registers.MUX_SHIFT & 0b111;
        double fsr = Ads1115Registers.fullScale(regs[1] >> Ads1115Registers.PGA_SHIFT & 0b111);
        double diff = switch (mux) {
            case 0 -> inputs[0] - inputs[1];
            case 1 -> inputs[0] - inputs[3];
            case 2 -> inputs[1] - inputs[3];
            case 3 -> inputs[2] - inputs[3];
            default -> inputs[mux - 4];
        };
        long code = Math.round(diff * 32768.0 / fsr);
        int clipped = (int) Math.max(-32768, Math.min(32767, code));
        regs[0] = (twelveBit ? clipped & 0xFFF0 : clipped) & 0xFFFF;
        conversions++;
        converting = false;
        driveReady(true);
    }

    /** ALERT/RDY as conversion-ready pin: asserted at the end of a conversion, deasserted at the start. */
    private void driveReady(boolean asserted) {
        if (lines == null) {
            return;
        }
        boolean readyMode = (regs[3] & 0x8000) != 0 && (regs[2] & 0x8000) == 0
                && (regs[1] & Ads1115Registers.COMP_QUE_DISABLE) != Ads1115Registers.COMP_QUE_DISABLE;
        boolean activeHigh = (regs[1] & Ads1115Registers.COMP_POL) != 0;
        boolean high = readyMode ? asserted == activeHigh : true;
        lines.setInput(readyLine, high);
    }
}
