package io.kdrv.drivers.mcp23017.sim;

import static io.kdrv.drivers.mcp23017.Mcp23017Registers.*;

import io.kdrv.board.mock.MockBoard;
import io.kdrv.board.mock.RegisterChip;

/**
 * Register model of a Microchip MCP23017 for the mock board, with {@code IOCON.BANK = 0} addressing (DS20001952):
 *
 * <ul>
 *   <li>Power-on state: IODIR 0xFF (all inputs), every other register 0. INTF and INTCAP are read-only; a write to
 *       GPIO goes to OLAT. IOCON is one register at 0x0A and 0x0B (bit 0 reads 0). BANK = 1 is not modelled: a write
 *       setting it is refused with {@link IllegalStateException}.</li>
 *   <li>Pins: an input reads what is attached ({@link #setInput}), or high through its GPPU pull-up, or low when
 *       floating; an output reads its OLAT bit. GPIO applies IPOL to inputs.</li>
 *   <li>Interrupt-on-change: for a pin with GPINTEN set, a change of its level (INTCON 0) or a level different from
 *       DEFVAL (INTCON 1) sets its INTF bit and, if no interrupt of that port is pending, copies the port (GPIO value)
 *       into INTCAP; later changes do not touch INTCAP until the interrupt is cleared. Reading GPIO or INTCAP of the
 *       port clears INTF and the interrupt (a DEFVAL mismatch that persists raises it again at once).</li>
 *   <li>INTA / INTB: asserted while port A / B has INTF bits (MIRROR: either port asserts both); IOCON.ODR makes them
 *       open-drain active-low (released = high, as with an external pull-up), else push-pull with polarity INTPOL.
 *       They drive mock-board input lines when wired with {@link #wireIntA}/{@link #wireIntB}.</li>
 *   <li>Block transfers: with SEQOP 0 the address pointer increments and wraps from 0x15 to 0x00; with SEQOP 1 it
 *       stays on the register (byte mode: it toggles within the A/B pair, as the datasheet describes for BANK 0).</li>
 * </ul>
 *
 * <p>Thread-safe (the chip lock); INT lines are driven after each change with the lock held, on the caller's thread.
 */
public final class Mcp23017Chip extends RegisterChip {
    private final Boolean[] attached = new Boolean[LINES]; // external level per pin, null = nothing attached
    private int lastLevels;   // pin levels (before IPOL) at the last interrupt-on-change evaluation
    private MockBoard board;
    private int intALine = -1;
    private int intBLine = -1;
    private Boolean intADriven;
    private Boolean intBDriven;
    private long interrupts;

    public Mcp23017Chip() {
        super("mcp23017");
        poke(IODIRA, 0xFF);
        poke(IODIRB, 0xFF);
        lastLevels = pinLevels();
    }

    /** Wires INTA to mock-board input {@code line} (and drives it to its idle level now). */
    public synchronized Mcp23017Chip wireIntA(MockBoard b, int line) {
        this.board = b;
        this.intALine = line;
        updateInt();
        return this;
    }

    /** Wires INTB to mock-board input {@code line}. */
    public synchronized Mcp23017Chip wireIntB(MockBoard b, int line) {
        this.board = b;
        this.intBLine = line;
        updateInt();
        return this;
    }

    // ------------------------------------------------------------------------------------------ the outside world

    /** Something drives pin {@code line} (0..15) to {@code high}. */
    public synchronized void setInput(int line, boolean high) {
        attached[check(line)] = high;
        evaluate();
    }

    /** Nothing drives pin {@code line}: it floats (reads low) or reads high through its pull-up. */
    public synchronized void disconnect(int line) {
        attached[check(line)] = null;
        evaluate();
    }

    /** The level of pin {@code line} now (an output drives its OLAT bit). */
    public synchronized boolean pin(int line) {
        return (pinLevels() >> check(line) & 1) != 0;
    }

    /** Whether pin {@code line} is an output (its IODIR bit is 0). */
    public synchronized boolean isOutput(int line) {
        return (word(IODIRA) >> check(line) & 1) == 0;
    }

    /** Whether the pull-up of pin {@code line} is on. */
    public synchronized boolean pullUp(int line) {
        return (word(GPPUA) >> check(line) & 1) != 0;
    }

    /** Whether interrupt-on-change is enabled for pin {@code line}. */
    public synchronized boolean interruptEnabled(int line) {
        return (word(GPINTENA) >> check(line) & 1) != 0;
    }

    /** Whether INTA is asserted (an interrupt of port A, or of either port with MIRROR). */
    public synchronized boolean intAAsserted() {
        return asserted(true);
    }

    /** Interrupts raised so far (INTF going from 0 to non-zero on a port). */
    public synchronized long interrupts() {
        return interrupts;
    }

    // ------------------------------------------------------------------------------------------ register access

    @Override
    protected int onRead(int reg) {
        if (reg >= REGISTER_COUNT) {
            return 0;
        }
        switch (reg) {
            case GPIOA, GPIOB -> {
                int v = portValue(reg - GPIOA);
                clear(reg - GPIOA);
                return v;
            }
            case INTCAPA, INTCAPB -> {
                int v = super.onRead(reg);
                clear(reg - INTCAPA);
                return v;
            }
            case IOCON, IOCON_ALT -> {
                return super.onRead(IOCON);
            }
            default -> {
                return super.onRead(reg);
            }
        }
    }

    @Override
    protected void onWrite(int reg, int value) {
        switch (reg) {
            case INTFA, INTFB, INTCAPA, INTCAPB -> {
                return; // read-only
            }
            case GPIOA, GPIOB -> super.onWrite(OLATA + (reg - GPIOA), value);
            case IOCON, IOCON_ALT -> {
                if ((value & IOCON_BANK) != 0) {
                    throw new IllegalStateException("mcp23017 model: IOCON.BANK = 1 is not modelled");
                }
                super.onWrite(IOCON, value & 0xFE);
                super.onWrite(IOCON_ALT, value & 0xFE);
            }
            default -> {
                if (reg < REGISTER_COUNT) {
                    super.onWrite(reg, value);
                }
            }
        }
        evaluate(); // direction, latch, pull-up or interrupt settings may have changed a pin or the INT lines
    }

    @Override
    protected int nextRegister(int reg) {
        if ((peek(IOCON) & IOCON_SEQOP) != 0) {
            return reg ^ 1; // byte mode, BANK 0: toggles within the A/B pair
        }
        return reg + 1 >= REGISTER_COUNT ? 0 : reg + 1;
    }

    // ------------------------------------------------------------------------------------------ the model

    private int word(int regA) {
        return peek(regA) | peek(regA + 1) << 8;
    }

    /** Pin levels, bit per line: outputs drive OLAT; inputs read what is attached, else the pull-up, else low. */
    private int pinLevels() {
        int dir = word(IODIRA);
        int olat = word(OLATA);
        int pu = word(GPPUA);
        int v = 0;
        for (int i = 0; i < LINES; i++) {
            boolean high;
            if ((dir >> i & 1) == 0) {
                high = (olat >> i & 1) != 0;
            } else if (attached[i] != null) {
                high = attached[i];
            } else {
                high = (pu >> i & 1) != 0;
            }
            if (high) {
                v |= 1 << i;
            }
        }
        return v;
    }

    /** GPIO of port {@code port} (0 = A): pin levels with IPOL applied to inputs. */
    private int portValue(int port) {
        int shift = port * 8;
        int levels = pinLevels() >> shift & 0xFF;
        int ipol = peek(IPOLA + port) & peek(IODIRA + port);
        return levels ^ ipol;
    }

    /** Interrupt-on-change after any change of pins or settings. */
    private void evaluate() {
        int levels = pinLevels();
        int en = word(GPINTENA) & word(IODIRA);
        int intcon = word(INTCONA);
        int defval = word(DEFVALA);
        int changed = (levels ^ lastLevels) & ~intcon;
        int mismatch = (levels ^ defval) & intcon;
        int fire = (changed | mismatch) & en;
        lastLevels = levels;
        for (int port = 0; port < 2; port++) {
            int bits = fire >> (port * 8) & 0xFF;
            if (bits == 0) {
                continue;
            }
            int intf = peek(INTFA + port);
            if (intf == 0) {
                interrupts++;
                poke(INTCAPA + port, portValue(port)); // first interrupt of the port: capture it
            }
            poke(INTFA + port, intf | bits);
        }
        updateInt();
    }

    /** Reading GPIO or INTCAP of a port clears its interrupt; a lasting DEFVAL mismatch raises it again. */
    private void clear(int port) {
        poke(INTFA + port, 0);
        int levels = pinLevels();
        int shift = port * 8;
        int en = (word(GPINTENA) & word(IODIRA) & word(INTCONA)) >> shift & 0xFF;
        int mismatch = ((levels ^ word(DEFVALA)) >> shift & 0xFF) & en;
        if (mismatch != 0) {
            interrupts++;
            poke(INTCAPA + port, portValue(port));
            poke(INTFA + port, mismatch);
        }
        updateInt();
    }

    private boolean asserted(boolean a) {
        boolean intA = peek(INTFA) != 0;
        boolean intB = peek(INTFB) != 0;
        if ((peek(IOCON) & IOCON_MIRROR) != 0) {
            return intA || intB;
        }
        return a ? intA : intB;
    }

    /** The level of an INT pin: open-drain active-low (released = high by the pull-up), or push-pull per INTPOL. */
    private boolean intLevel(boolean asserted) {
        int iocon = peek(IOCON);
        if ((iocon & IOCON_ODR) != 0) {
            return !asserted;
        }
        boolean activeHigh = (iocon & IOCON_INTPOL) != 0;
        return asserted == activeHigh;
    }

    private void updateInt() {
        if (board == null) {
            return;
        }
        if (intALine >= 0) {
            boolean level = intLevel(asserted(true));
            if (intADriven == null || intADriven != level) {
                intADriven = level;
                board.setInput(intALine, level);
            }
        }
        if (intBLine >= 0) {
            boolean level = intLevel(asserted(false));
            if (intBDriven == null || intBDriven != level) {
                intBDriven = level;
                board.setInput(intBLine, level);
            }
        }
    }

    private static int check(int line) {
        if (line < 0 || line >= LINES) {
            throw new IllegalArgumentException("mcp23017 model: pin " + line + " out of range 0..15");
        }
        return line;
    }
}
