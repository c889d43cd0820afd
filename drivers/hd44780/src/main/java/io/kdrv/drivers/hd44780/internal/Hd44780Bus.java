package io.kdrv.drivers.hd44780.internal;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.locks.LockSupport;

/**
 * The HD44780's 4-bit parallel interface on output lines (RS, E, D4..D7, optional RW held low), write only.
 *
 * <p>A byte is two nibbles, high first; each nibble is latched by the controller on the falling edge of E. Timing
 * follows the datasheet's bus timing (E high at least PW<sub>EH</sub>, E cycle at least t<sub>cycE</sub>) and,
 * after each byte, the instruction's execution time; the busy flag is never read (R/W stays low), as in Linux's
 * hd44780 driver. Every wait sleeps ({@link LockSupport#parkNanos}, re-parked until the deadline), so a wait is
 * at least as long as asked and never spins. A line is written only when its level changes: on an I2C expander
 * every write is a bus transfer.
 *
 * <p>Not thread-safe: the caller serialises (the panel's transfer lock).
 */
final class Hd44780Bus {
    private final String device;
    private final DigitalOutput rs;
    private final DigitalOutput e;
    private final DigitalOutput[] data = new DigitalOutput[4];
    private final DigitalOutput backlight; // null: none
    private final boolean[] level = new boolean[7]; // last level written per gpios entry, all low after claim
    private boolean backlightLevel;

    /** @param lines the claimed {@code gpios} outputs in node order: RS, E, D4, D5, D6, D7[, RW], all low */
    Hd44780Bus(String device, DigitalOutput[] lines, DigitalOutput backlight) {
        this.device = device;
        this.rs = lines[Hd44780Config.RS];
        this.e = lines[Hd44780Config.E];
        System.arraycopy(lines, Hd44780Config.D4, data, 0, 4);
        this.backlight = backlight;
    }

    /** Writes one nibble (bits 0..3 on D4..D7) with register select {@code rsHigh}, latched by an E pulse. */
    void nibble(boolean rsHigh, int value) throws IOException {
        set(rs, Hd44780Config.RS, rsHigh);
        for (int bit = 0; bit < 4; bit++) {
            set(data[bit], Hd44780Config.D4 + bit, (value >> bit & 1) != 0);
        }
        // The data set-up time t_DSW (195 ns) and address set-up time t_AS (60 ns) are within PW_EH: the
        // controller samples the data lines on the falling edge.
        set(e, Hd44780Config.E, true);
        waitAtLeast(Hd44780Commands.ENABLE_HIGH_NS);
        set(e, Hd44780Config.E, false);
        waitAtLeast(Hd44780Commands.ENABLE_CYCLE_NS - Hd44780Commands.ENABLE_HIGH_NS);
    }

    /** Writes a byte as two nibbles, then waits {@code execNanos} (the instruction's execution time). */
    void write(boolean rsHigh, int value, long execNanos) throws IOException {
        nibble(rsHigh, value >> 4 & 0xF);
        nibble(rsHigh, value & 0xF);
        waitAtLeast(execNanos);
    }

    /** An instruction (RS low) and its execution time: clear display and return home are the long ones. */
    void instruction(int code) throws IOException {
        boolean slow = code == Hd44780Commands.CLEAR_DISPLAY || (code & 0xFE) == Hd44780Commands.RETURN_HOME;
        write(false, code, slow ? Hd44780Commands.DRIVER_CLEAR_NS : Hd44780Commands.DRIVER_EXEC_NS);
    }

    /** A data byte (RS high) to the RAM the address counter points at. */
    void data(int code) throws IOException {
        write(true, code, Hd44780Commands.DRIVER_EXEC_NS);
    }

    boolean hasBacklight() {
        return backlight != null;
    }

    void setBacklight(boolean on) throws IOException {
        if (backlight == null) {
            throw new IllegalStateException("device " + device + ": no 'backlight' line in the node");
        }
        if (on != backlightLevel) {
            write(backlight, "backlight", on);
            backlightLevel = on;
        }
    }

    private void set(DigitalOutput out, int index, boolean high) throws IOException {
        if (level[index] != high) {
            write(out, Hd44780Config.LINE_NAMES[index] + " (gpios[" + index + "])", high);
            level[index] = high;
        }
    }

    private void write(DigitalOutput out, String what, boolean high) throws IOException {
        try {
            out.state(high ? DigitalState.HIGH : DigitalState.LOW);
        } catch (RuntimeException ex) { // Pi4J reports I/O errors unchecked (an expander line: an I2C NACK)
            throw new IOException("device " + device + ": writing line " + what + " failed: " + ex.getMessage(), ex);
        }
    }

    /**
     * Sleeps at least {@code nanos}: parked until the deadline (a park may return early, so park again).
     *
     * @throws InterruptedIOException when the thread is interrupted (its status stays set): a half-written
     *         instruction is left to the next initialisation
     */
    static void waitAtLeast(long nanos) throws InterruptedIOException {
        long deadline = System.nanoTime() + nanos;
        for (long left = nanos; left > 0; left = deadline - System.nanoTime()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while waiting for the HD44780");
            }
            LockSupport.parkNanos(left);
        }
    }
}
