package io.kdrv.drivers.pcf8574.sim;

import io.kdrv.board.mock.MockBoard;
import io.kdrv.board.mock.RegisterChip;

/**
 * Model of an NXP PCF8574 / PCF8574A for the mock board (datasheet PCF8574_PCF8574A rev. 5): no registers, one
 * quasi-bidirectional 8-bit port.
 *
 * <ul>
 *   <li>A write sends data bytes; each becomes the port latch (power-on 0xFF). A latch bit 1 is a weak pull-up
 *       (the pin reads high unless something attached pulls it low: an input); a bit 0 drives the pin low
 *       strongly.</li>
 *   <li>A read returns the pin levels.</li>
 *   <li>INT (open-drain, active-low): asserted when a pin level differs from what it was at the last read or write
 *       of the port; a read or write clears it, and so does the port going back to that state. It drives a
 *       mock-board input when wired ({@link #wireInt}): low when asserted, high (the pull-up) otherwise.</li>
 * </ul>
 * The model rides on {@link RegisterChip}'s transfers: the first byte of a plain write is data here
 * ({@link #onPlainWriteFirstByte}), and every byte read returns the port. Thread-safe (the chip lock).
 */
public final class Pcf8574Chip extends RegisterChip {
    private final Boolean[] attached = new Boolean[8];
    private int latch = 0xFF;
    private int snapshot;       // port at the last read or write: INT compares against it
    private MockBoard board;
    private int intLine = -1;
    private Boolean intDriven;
    private long interrupts;
    private long writes;

    public Pcf8574Chip() {
        super("pcf8574");
        snapshot = port();
    }

    /** Wires INT to mock-board input {@code line} (driven to its level now). */
    public synchronized Pcf8574Chip wireInt(MockBoard b, int line) {
        this.board = b;
        this.intLine = line;
        updateInt();
        return this;
    }

    /** Something drives pin {@code line} (0..7) to {@code high}. */
    public synchronized void setInput(int line, boolean high) {
        attached[check(line)] = high;
        updateInt();
    }

    /** Nothing drives pin {@code line}. */
    public synchronized void disconnect(int line) {
        attached[check(line)] = null;
        updateInt();
    }

    /** The latch (the last byte written). */
    public synchronized int latch() {
        return latch;
    }

    /** The level of pin {@code line} now. */
    public synchronized boolean pin(int line) {
        return (port() >> check(line) & 1) != 0;
    }

    /** Whether INT is asserted. */
    public synchronized boolean intAsserted() {
        return port() != snapshot;
    }

    /** Times INT went from released to asserted. */
    public synchronized long interrupts() {
        return interrupts;
    }

    /** Bytes written to the port so far. */
    public synchronized long writes() {
        return writes;
    }

    /** Pin levels: a latch 0 drives low; a latch 1 is the weak pull-up, overridden by what is attached. */
    private int port() {
        int v = 0;
        for (int i = 0; i < 8; i++) {
            boolean high = (latch >> i & 1) != 0 && (attached[i] == null || attached[i]);
            if (high) {
                v |= 1 << i;
            }
        }
        return v;
    }

    private void portWritten(int value) {
        latch = value & 0xFF;
        writes++;
        snapshot = port();
        updateInt();
    }

    @Override
    protected void onPlainWriteFirstByte(int value) {
        portWritten(value);
    }

    @Override
    protected void onWrite(int reg, int value) {
        portWritten(value);
    }

    @Override
    protected int onRead(int reg) {
        int v = port();
        snapshot = v;
        updateInt();
        return v;
    }

    @Override
    protected int nextRegister(int reg) {
        return reg; // no register file
    }

    private void updateInt() {
        boolean asserted = port() != snapshot;
        if (board == null || intLine < 0) {
            if (asserted && (intDriven == null || intDriven)) {
                interrupts++;
            }
            intDriven = !asserted;
            return;
        }
        boolean level = !asserted;
        if (intDriven == null || intDriven != level) {
            if (asserted) {
                interrupts++;
            }
            intDriven = level;
            board.setInput(intLine, level);
        }
    }

    private static int check(int line) {
        if (line < 0 || line > 7) {
            throw new IllegalArgumentException("pcf8574 model: pin " + line + " out of range 0..7");
        }
        return line;
    }
}
