package io.kdrv.drivers.mcp23017.internal;

import static io.kdrv.drivers.mcp23017.Mcp23017Registers.*;

import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.GpioChip;
import io.kdrv.driver.GpioController;
import io.kdrv.driver.LineConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound MCP23017: the {@link GpioController} of its device, with shadow copies of the registers it writes.
 *
 * <p>Locking: {@code io} serialises register read-modify-write cycles and their I2C transfers (Linux's regmap
 * lock); edges are delivered to the framework ({@link GpioChip#handleNestedIrq}) only after it is released.
 */
public final class Mcp23017 implements GpioController {
    private static final Logger LOG = LoggerFactory.getLogger(Mcp23017.class);
    /** Interrupt service rounds per IRQ: a change arriving while we read raises INT again; bounded, not a loop. */
    private static final int MAX_ROUNDS = 4;
    static final int IOCON_VALUE = IOCON_MIRROR | IOCON_ODR;

    private final String device;
    private final I2C i2c;
    final String where;
    private final String[] names;
    private final Object io = new Object();
    private volatile GpioChip chip;

    // Shadows, guarded by io: bit per line, port A in bits 0..7.
    private int iodir = 0xFFFF;
    private int gppu;
    private int gpinten;
    private int olat;
    /** Level last delivered per interrupt-enabled line (physical), guarded by io. */
    private int reported;
    private long pollFailures; // written by the poller kthread only

    Mcp23017(String device, I2C i2c, String where, String[] names) {
        this.device = device;
        this.i2c = i2c;
        this.where = where;
        this.names = names;
    }

    void attach(GpioChip c) {
        this.chip = c;
    }

    /** IOCON, then the power-on pin state; a chip that does not read back as written is no MCP23017. */
    void init() {
        synchronized (io) {
            try {
                i2c.writeRegister(IOCON, (byte) IOCON_VALUE);
                int back = i2c.readRegister(IOCON) & 0xFF;
                if (back != IOCON_VALUE) {
                    throw new IllegalStateException(String.format("device %s: the chip at %s does not behave like an "
                            + "MCP23017 (IOCON reads 0x%02x after writing 0x%02x)", device, where, back, IOCON_VALUE));
                }
                resetPins();
            } catch (com.pi4j.io.exception.IOException e) {
                throw new IllegalStateException("device " + device + ": no MCP23017 answers at " + where + ": "
                        + e.getMessage(), e);
            }
        }
    }

    /** Every pin an input, no pull-up, no interrupt, no inversion; pending interrupts cleared. Holds io. */
    private void resetPins() {
        // IODIRA..INTCONB in one sequential transfer (SEQOP 0): inputs, IPOL 0, GPINTEN 0, DEFVAL 0, INTCON 0.
        i2c.writeRegister(IODIRA, new byte[] {(byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0, 0});
        i2c.writeRegister(GPPUA, new byte[] {0, 0});
        i2c.writeRegister(OLATA, new byte[] {0, 0});
        i2c.readRegister(INTCAPA, new byte[2]); // clears a pending interrupt of either port
        iodir = 0xFFFF;
        gppu = 0;
        gpinten = 0;
        olat = 0;
    }

    /** The remove action: pins back to inputs (nothing stays driven); a chip gone meanwhile is only logged. */
    void resetQuietly() {
        synchronized (io) {
            try {
                resetPins();
            } catch (RuntimeException e) {
                LOG.warn("{}: could not reset the MCP23017 at {} on remove: {}", device, where, e.toString());
            }
        }
    }

    // ------------------------------------------------------------------------------------------ GpioController

    @Override
    public int lineCount() {
        return LINES;
    }

    @Override
    public String lineName(int line) {
        return names.length == LINES ? names[line] : (line < 8 ? "GPA" + line : "GPB" + (line - 8));
    }

    private String lineLabel(int line) {
        return "device " + device + " line " + line + " (" + lineName(line) + ")";
    }

    /** Pull-up or none: the MCP23017 has no pull-down. */
    private boolean pullUp(int line, LineConfig config) {
        return switch (config.bias()) {
            case PULL_UP -> true;
            case AS_IS, DISABLED -> false;
            case PULL_DOWN -> throw new IllegalArgumentException(lineLabel(line)
                    + ": pull-down is not available (the MCP23017 has 100 kOhm pull-ups only)");
        };
    }

    @Override
    public void requestInput(int line, LineConfig config) {
        boolean pu = pullUp(line, config);
        int bit = 1 << line;
        int changed;
        int levels;
        synchronized (io) {
            gppu = pu ? gppu | bit : gppu & ~bit;
            iodir |= bit;
            writePair(GPPUA, gppu, line);
            writePair(IODIRA, iodir, line);
            levels = readGpio();
            changed = (levels ^ reported) & gpinten; // other lines' changes this read took from the interrupt
            reported = (reported ^ changed) & ~bit | levels & bit;
            // Interrupt-on-change against the previous value (INTCON 0, the reset value).
            gpinten |= bit;
            writePair(GPINTENA, gpinten, line);
        }
        deliver(changed, levels, System.nanoTime());
    }

    @Override
    public void requestOutput(int line, LineConfig config, boolean high) {
        if (config.drive() != LineConfig.Drive.PUSH_PULL) {
            throw new IllegalArgumentException(lineLabel(line) + ": " + config.drive().name().toLowerCase()
                    .replace('_', '-') + " is not available (MCP23017 outputs are push-pull)");
        }
        boolean pu = pullUp(line, config);
        int bit = 1 << line;
        synchronized (io) {
            gpinten &= ~bit;
            writePair(GPINTENA, gpinten, line);
            gppu = pu ? gppu | bit : gppu & ~bit;
            writePair(GPPUA, gppu, line);
            olat = high ? olat | bit : olat & ~bit; // latch first: no glitch when the pin turns into an output
            writePair(OLATA, olat, line);
            iodir &= ~bit;
            writePair(IODIRA, iodir, line);
        }
    }

    @Override
    public boolean read(int line) {
        int changed;
        int levels;
        synchronized (io) {
            levels = readGpio();
            // Reading GPIO cleared the interrupt: hand the changes it would have reported to the IRQ path ourselves.
            changed = (levels ^ reported) & gpinten;
            reported ^= changed;
        }
        deliver(changed, levels, System.nanoTime());
        return (levels >> line & 1) != 0;
    }

    @Override
    public void write(int line, boolean high) {
        int bit = 1 << line;
        synchronized (io) {
            olat = high ? olat | bit : olat & ~bit;
            writePair(OLATA, olat, line);
        }
    }

    @Override
    public void release(int line) {
        int bit = 1 << line;
        synchronized (io) {
            gpinten &= ~bit;
            writePair(GPINTENA, gpinten, line);
            iodir |= bit;
            writePair(IODIRA, iodir, line);
            gppu &= ~bit;
            writePair(GPPUA, gppu, line);
            olat &= ~bit;
            writePair(OLATA, olat, line);
        }
    }

    // ------------------------------------------------------------------------------------------ interrupts

    /**
     * The interrupt handler (INTA's threaded IRQ, or the poller): INTF + INTCAP in one read (which clears the
     * interrupt), then GPIO; each flagged line gets the captured level, and then the current one if it moved on
     * (a press shorter than the I2C round trip still shows as press + release).
     */
    void service(long stampNanos) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int flagged;
            int captured;
            int now;
            int first;
            int changed;
            synchronized (io) {
                byte[] b = new byte[4];
                i2c.readRegister(INTFA, b); // INTFA INTFB INTCAPA INTCAPB (sequential)
                flagged = ((b[0] & 0xFF) | (b[1] & 0xFF) << 8) & gpinten;
                captured = (b[2] & 0xFF) | (b[3] & 0xFF) << 8;
                now = readGpio();
                first = (captured ^ reported) & flagged;
                int afterFirst = reported ^ first;
                changed = (now ^ afterFirst) & gpinten;
                reported = afterFirst ^ changed;
            }
            if (first == 0 && changed == 0) {
                return;
            }
            deliver(first, captured, stampNanos);
            deliver(changed, now, stampNanos);
        }
    }

    private void deliver(int lines, int levels, long stampNanos) {
        GpioChip c = chip;
        if (c != null) {
            c.handleNestedIrqs(lines, levels, stampNanos);
        }
    }

    void pollFailed(RuntimeException e) {
        long n = ++pollFailures;
        if (n == 1 || n % 100 == 0) {
            LOG.warn("{}: polling the MCP23017 at {} failed ({} so far): {}", device, where, n, e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------ registers

    /** GPIOA and GPIOB as one word (sequential read). Holds io. */
    private int readGpio() {
        byte[] b = new byte[2];
        i2c.readRegister(GPIOA, b);
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8;
    }

    /** Writes the byte of {@code line}'s port of a register pair whose A register is {@code regA}. Holds io. */
    private void writePair(int regA, int word, int line) {
        int port = line >> 3;
        i2c.writeRegister(regA + port, (byte) (word >> (port * 8)));
    }

    @Override
    public String toString() {
        return "MCP23017[" + device + " at " + where + "]";
    }
}
