package io.kdrv.drivers.pca9685.internal;

import static io.kdrv.drivers.pca9685.internal.Pca9685Registers.*;

import com.pi4j.io.i2c.I2C;
import com.pi4j.io.pwm.PwmPolarity;
import io.kdrv.driver.PwmController;
import io.kdrv.driver.PwmState;
import io.kdrv.drivers.pca9685.Pca9685;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One bound PCA9685: the {@link Pca9685} handle and the {@link PwmController} the core hands its channels out
 * through. All bus exchanges hold {@code lock}, which covers I2C transfers only (no framework or driver call), so a
 * consumer's change, the servo API and remove never interleave their register writes.
 */
final class Pca9685Controller implements Pca9685, PwmController {
    private final I2C i2c;
    private final String device;
    private final String where; // "device pca0 (i2c bus 1 address 0x40)"
    private final Pca9685Config config;
    private final Object lock = new Object();
    private int prescale;                              // guarded by lock
    private final boolean[] active = new boolean[CHANNELS]; // guarded by lock: not full off

    Pca9685Controller(I2C i2c, String device, int bus, int address, Pca9685Config config) {
        this.i2c = i2c;
        this.device = device;
        this.where = "device " + device + " (i2c bus " + bus + " address " + hex(address) + ")";
        this.config = config;
    }

    String where() {
        return where;
    }

    /**
     * Probe: proves a PCA9685 answers, turns every output off, sets MODE2, the prescaler and auto-increment.
     *
     * @throws IOException the chip does not answer, or PRE_SCALE reads below 3 (no PCA9685 forces that)
     */
    void init() throws IOException {
        synchronized (lock) {
            int mode1 = read(MODE1);
            int pre = read(PRE_SCALE);
            if (pre < PRE_SCALE_MIN) {
                throw new IOException(where + ": not a PCA9685: PRE_SCALE reads " + hex(pre) + " (MODE1 "
                        + hex(mode1) + "), the chip forces it to at least 3");
            }
            // Sleep first (only then is PRE_SCALE writable), auto-increment on so a channel is one block write.
            write(MODE1, (mode1 & ~MODE1_RESTART) | MODE1_SLEEP | MODE1_AI);
            write(ALL_LED_ON_L, 0, 0, 0, FULL); // every output full off before anything is driven
            java.util.Arrays.fill(active, false);
            write(MODE2, (config.inverted() ? MODE2_INVRT : 0) | (config.openDrain() ? 0 : MODE2_OUTDRV));
            write(PRE_SCALE, Pca9685.prescaleFor(config.frequency()));
            prescale = read(PRE_SCALE);
            wake();
        }
    }

    /** remove / unplug: every output full off, then sleep (oscillator off). Caller holds lock. */
    void shutdown() throws IOException {
        synchronized (lock) {
            write(ALL_LED_ON_L, 0, 0, 0, FULL);
            java.util.Arrays.fill(active, false);
            write(MODE1, (read(MODE1) & ~MODE1_RESTART) | MODE1_SLEEP);
        }
    }

    /** Clears SLEEP, waits for the oscillator, then restarts the channels if the chip asks for it (RESTART set). */
    private void wake() throws IOException {
        int mode1 = read(MODE1);
        write(MODE1, mode1 & ~(MODE1_SLEEP | MODE1_RESTART));
        waitOscillator();
        if ((read(MODE1) & MODE1_RESTART) != 0) {
            write(MODE1, (mode1 & ~MODE1_SLEEP) | MODE1_RESTART); // writing 1 clears it and resumes the channels
        }
    }

    /** The data sheet's 500 us oscillator start-up: a bounded wait for time to pass, not a synchronisation. */
    private static void waitOscillator() {
        long end = System.nanoTime() + OSCILLATOR_STARTUP_NANOS + 100_000;
        for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    /** Sleep, new PRE_SCALE, wake (+ restart). Caller holds lock. */
    private void setPrescale(int p) throws IOException {
        int mode1 = read(MODE1);
        write(MODE1, (mode1 & ~MODE1_RESTART) | MODE1_SLEEP);
        write(PRE_SCALE, p);
        prescale = read(PRE_SCALE);
        wake();
    }

    // ------------------------------------------------------------------------------------------ Pca9685

    @Override
    public String device() {
        return device;
    }

    @Override
    public int prescale() {
        synchronized (lock) {
            return prescale;
        }
    }

    @Override
    public void setCounts(int channel, int on, int off) throws IOException {
        checkChannel(channel);
        if (on < 0 || on >= COUNTS || off < 0 || off >= COUNTS) {
            throw new IllegalArgumentException(where + ": channel " + channel + ": counts must be 0..4095, got ON "
                    + on + " OFF " + off);
        }
        synchronized (lock) {
            writeChannel(channel, on, off);
        }
    }

    @Override
    public void setFull(int channel, boolean on) throws IOException {
        checkChannel(channel);
        synchronized (lock) {
            writeChannel(channel, on ? FULL << 8 : 0, on ? 0 : FULL << 8);
        }
    }

    @Override
    public void setDutyCycle(int channel, double percent) throws IOException {
        checkChannel(channel);
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException(where + ": channel " + channel + ": duty cycle must be 0..100 %, got "
                    + percent);
        }
        synchronized (lock) {
            writeOffCount(channel, (int) Math.round(COUNTS * percent / 100.0));
        }
    }

    @Override
    public int countsFor(double micros) {
        if (!(micros >= 0)) {
            throw new IllegalArgumentException(where + ": pulse width must be >= 0 us, got " + micros);
        }
        double periodMicros = 1e6 / frequency();
        return (int) Math.min(COUNTS, Math.round(micros * COUNTS / periodMicros));
    }

    @Override
    public void setPulseWidthMicros(int channel, double micros) throws IOException {
        checkChannel(channel);
        synchronized (lock) {
            writeOffCount(channel, countsFor(micros));
        }
    }

    @Override
    public double servoPulseMicros(double degrees) {
        if (!(degrees >= 0 && degrees <= config.servoRange())) {
            throw new IllegalArgumentException(where + ": servo angle must be 0.." + config.servoRange()
                    + " degrees, got " + degrees);
        }
        return config.servoMinMicros() + (config.servoMaxMicros() - config.servoMinMicros()) * degrees
                / config.servoRange();
    }

    @Override
    public void setServoAngle(int channel, double degrees) throws IOException {
        setPulseWidthMicros(channel, servoPulseMicros(degrees));
    }

    // ------------------------------------------------------------------------------------------ PwmController

    @Override
    public int channels() {
        return CHANNELS;
    }

    /**
     * A consumer's channel state. One prescaler serves all 16 channels: like Linux's pca9685 driver, a new
     * frequency is accepted only while no other channel is active.
     */
    @Override
    public void apply(int channel, PwmState state) throws IOException {
        checkChannel(channel);
        synchronized (lock) {
            if (!state.enabled()) {
                writeChannel(channel, 0, FULL << 8);
                return;
            }
            int p = Pca9685.prescaleFor(state.frequency());
            if (p != prescale) {
                List<Integer> others = new ArrayList<>();
                for (int c = 0; c < CHANNELS; c++) {
                    if (active[c] && c != channel) {
                        others.add(c);
                    }
                }
                if (!others.isEmpty()) {
                    throw new IllegalStateException(String.format("%s: channel %d cannot run at %d Hz: the PCA9685's"
                            + " one prescaler runs %.1f Hz for active channels %s", where, channel, state.frequency(),
                            Pca9685.frequencyOf(prescale), others));
                }
                setPrescale(p);
            }
            double duty = state.polarity() == PwmPolarity.INVERSED ? 100 - state.dutyCycle() : state.dutyCycle();
            writeOffCount(channel, (int) Math.round(COUNTS * duty / 100.0));
        }
    }

    // ------------------------------------------------------------------------------------------ registers

    /** OFF count 0 = full off, 4096 = full on, else ON 0 / OFF count. Caller holds lock. */
    private void writeOffCount(int channel, int off) throws IOException {
        if (off <= 0) {
            writeChannel(channel, 0, FULL << 8);
        } else if (off >= COUNTS) {
            writeChannel(channel, FULL << 8, 0);
        } else {
            writeChannel(channel, 0, off);
        }
    }

    /** One block write of ON_L, ON_H, OFF_L, OFF_H (13-bit values: bit 12 = the FULL bit). Caller holds lock. */
    private void writeChannel(int channel, int on, int off) throws IOException {
        write(led(channel), on & 0xFF, on >> 8 & 0x1F, off & 0xFF, off >> 8 & 0x1F);
        active[channel] = (off >> 8 & FULL) == 0;
    }

    private void checkChannel(int channel) {
        if (channel < 0 || channel >= CHANNELS) {
            throw new IllegalArgumentException(where + ": channel must be 0..15, got " + channel);
        }
    }

    private int read(int reg) throws IOException {
        try {
            return i2c.readRegister(reg) & 0xFF;
        } catch (RuntimeException e) { // Pi4J reports bus errors (NACK, no device) unchecked
            throw new IOException(where + ": reading register " + hex(reg) + " failed: " + e.getMessage(), e);
        }
    }

    private void write(int reg, int... values) throws IOException {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        int n;
        try {
            n = i2c.writeRegister(reg, b, 0, b.length);
        } catch (RuntimeException e) {
            throw new IOException(where + ": writing register " + hex(reg) + " failed: " + e.getMessage(), e);
        }
        if (n < b.length) {
            throw new IOException(where + ": writing register " + hex(reg) + " wrote " + n + " of " + b.length
                    + " bytes");
        }
    }

    @Override
    public String toString() {
        return "Pca9685[" + where + ", prescale " + prescale() + "]";
    }
}
