package io.kdrv.drivers.pcf8574.internal;

import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.GpioChip;
import io.kdrv.driver.GpioController;
import io.kdrv.driver.LineConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound PCF8574: the {@link GpioController} of its device. The chip has one port byte: writing sets the latch
 * (1 = weak pull-up, which is also how a line is an input; 0 = driven low), reading returns the pins and clears
 * INT. Every read therefore also hands the input lines' changes to the IRQ path, so a consumer reading a level
 * cannot swallow an edge; a write clears INT too, so it is followed by a read when inputs are watched.
 *
 * <p>Locking: {@code io} guards the latch shadow and the transfers; edges are delivered outside it.
 */
final class Pcf8574 implements GpioController {
    private static final Logger LOG = LoggerFactory.getLogger(Pcf8574.class);

    private final String device;
    private final I2C i2c;
    final String where;
    private final String[] names;
    private final Object io = new Object();
    private volatile GpioChip chip;

    private int latch = 0xFF;   // guarded by io
    private int watched;        // input lines, guarded by io
    private int reported;       // level last delivered per watched line, guarded by io

    Pcf8574(String device, I2C i2c, String where, String[] names) {
        this.device = device;
        this.i2c = i2c;
        this.where = where;
        this.names = names;
    }

    void attach(GpioChip c) {
        this.chip = c;
    }

    /** All lines quasi-inputs (latch 0xFF), then a read: a chip that does not acknowledge fails here. */
    void init() {
        synchronized (io) {
            try {
                i2c.write((byte) 0xFF);
                reported = i2c.read() & 0xFF;
                latch = 0xFF;
            } catch (com.pi4j.io.exception.IOException e) {
                throw new IllegalStateException("device " + device + ": no PCF8574 answers at " + where + ": "
                        + e.getMessage(), e);
            }
        }
    }

    void resetQuietly() {
        synchronized (io) {
            try {
                i2c.write((byte) 0xFF);
                latch = 0xFF;
            } catch (RuntimeException e) {
                LOG.warn("{}: could not release the PCF8574 at {} on remove: {}", device, where, e.toString());
            }
        }
    }

    @Override
    public int lineCount() {
        return 8;
    }

    @Override
    public String lineName(int line) {
        return names.length == 8 ? names[line] : "P" + line;
    }

    private String lineLabel(int line) {
        return "device " + device + " line " + line + " (" + lineName(line) + ")";
    }

    private void checkBias(int line, LineConfig config) {
        if (config.bias() == LineConfig.Bias.PULL_DOWN || config.bias() == LineConfig.Bias.DISABLED) {
            throw new IllegalArgumentException(lineLabel(line) + ": "
                    + (config.bias() == LineConfig.Bias.PULL_DOWN ? "pull-down" : "bias-disabled")
                    + " is not available (PCF8574 lines are quasi-bidirectional with a fixed weak pull-up)");
        }
    }

    @Override
    public void requestInput(int line, LineConfig config) {
        checkBias(line, config);
        int bit = 1 << line;
        int changed;
        int levels;
        synchronized (io) {
            latch |= bit;             // weak pull-up: the line follows what drives it
            i2c.write((byte) latch);
            levels = i2c.read() & 0xFF;
            changed = (levels ^ reported) & watched;
            reported = (reported ^ changed) & ~bit | levels & bit;
            watched |= bit;
        }
        deliver(changed, levels, System.nanoTime());
    }

    @Override
    public void requestOutput(int line, LineConfig config, boolean high) {
        checkBias(line, config);
        if (config.drive() == LineConfig.Drive.OPEN_SOURCE) {
            throw new IllegalArgumentException(lineLabel(line) + ": open-source is not available (PCF8574 lines "
                    + "sink current strongly and source it only weakly)");
        }
        int bit = 1 << line;
        synchronized (io) {
            watched &= ~bit;
            latch = high ? latch | bit : latch & ~bit;
        }
        writeLatch();
    }

    @Override
    public boolean read(int line) {
        return (readAndDeliver(System.nanoTime()) >> line & 1) != 0;
    }

    @Override
    public void write(int line, boolean high) {
        int bit = 1 << line;
        synchronized (io) {
            latch = high ? latch | bit : latch & ~bit;
        }
        writeLatch();
    }

    @Override
    public void release(int line) {
        int bit = 1 << line;
        synchronized (io) {
            watched &= ~bit;
            latch |= bit;
        }
        writeLatch();
    }

    /** Writes the latch; the write cleared INT, so watched inputs are read right after (their changes delivered). */
    private void writeLatch() {
        boolean resync;
        synchronized (io) {
            i2c.write((byte) latch);
            resync = watched != 0;
        }
        if (resync) {
            readAndDeliver(System.nanoTime());
        }
    }

    /** INT's threaded IRQ: read the port (which clears INT) and deliver the watched lines that changed. */
    void service(long stampNanos) {
        readAndDeliver(stampNanos);
    }

    private int readAndDeliver(long stampNanos) {
        int levels;
        int changed;
        synchronized (io) {
            levels = i2c.read() & 0xFF;
            changed = (levels ^ reported) & watched;
            reported ^= changed;
        }
        deliver(changed, levels, stampNanos);
        return levels;
    }

    private void deliver(int lines, int levels, long stampNanos) {
        GpioChip c = chip;
        if (c != null) {
            c.handleNestedIrqs(lines, levels, stampNanos);
        }
    }

    /** The latch (diagnostics). */
    int latch() {
        synchronized (io) {
            return latch;
        }
    }

    @Override
    public String toString() {
        return "PCF8574[" + device + " at " + where + "]";
    }
}
