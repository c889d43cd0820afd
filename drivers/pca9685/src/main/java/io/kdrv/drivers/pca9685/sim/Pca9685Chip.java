package io.kdrv.drivers.pca9685.sim;

import static io.kdrv.drivers.pca9685.internal.Pca9685Registers.*;

import com.pi4j.io.exception.IOException;
import io.kdrv.board.mock.RegisterChip;
import io.kdrv.drivers.pca9685.Pca9685;

/**
 * A register model of the NXP PCA9685 for the mock board ({@code MockBoard.attach(bus, 0x40, chip)}), from the data
 * sheet (rev. 4, section 7.3).
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>Power-on values: MODE1 0x11 (SLEEP, ALLCALL), MODE2 0x04 (OUTDRV), every LEDn_OFF_H 0x10 (full off),
 *       PRE_SCALE 0x1E (200 Hz), SUBADR1..3 0xE2/0xE4/0xE8, ALLCALLADR 0xE0.</li>
 *   <li>MODE1: AI enables register auto-increment in block transfers (without it a block transfer stays on one
 *       register; with it the pointer rolls over from LED15_OFF_H 0x45 to MODE1). Setting SLEEP stops the
 *       oscillator: outputs stop, and RESTART reads 1 if any channel was running. Writing RESTART=1 clears it and
 *       resumes the channels, but only while awake and at least 500 us after SLEEP was cleared (the oscillator's
 *       start-up; an earlier write is ignored and counted); writing 0 leaves it.</li>
 *   <li>PRE_SCALE is writable only while SLEEP is set (writes while awake are ignored and counted); the hardware
 *       forces values below 3 to 3.</li>
 *   <li>ALL_LED_ON/OFF_L/H write the same value to the register of every channel; they read 0.</li>
 *   <li>A channel outputs only while the oscillator runs (awake, no RESTART pending): full off (OFF_H bit 4) wins
 *       over full on (ON_H bit 4); otherwise high from count ON to count OFF of each 4096-count period.</li>
 *   <li>Fault injection: {@link #nackNext(int)} (transfers are not acknowledged and have no effect).</li>
 * </ul>
 * Thread-safe: every method synchronizes on the chip, like {@link RegisterChip}.
 */
public class Pca9685Chip extends RegisterChip {
    private long wokeAt;            // System.nanoTime() when SLEEP was last cleared
    private boolean running;        // the oscillator runs and no RESTART is pending
    private int nack;
    private int prescaleWritesIgnored;
    private int restartsIgnored;

    /** A PCA9685 in its power-on state. */
    public Pca9685Chip() {
        super("pca9685");
        poke(MODE1, MODE1_RESET);
        poke(MODE2, MODE2_RESET);
        poke(SUBADR1, 0xE2);
        poke(SUBADR2, 0xE4);
        poke(SUBADR3, 0xE8);
        poke(ALLCALLADR, 0xE0);
        for (int c = 0; c < Pca9685.CHANNELS; c++) {
            poke(led(c) + 3, FULL);
        }
        poke(PRE_SCALE, PRE_SCALE_RESET);
    }

    /** The next {@code n} byte transfers are not acknowledged (they fail like a NACK and change nothing). */
    public synchronized void nackNext(int n) {
        nack = n;
    }

    @Override
    protected int onRead(int reg) {
        nackCheck(reg);
        if (reg >= ALL_LED_ON_L && reg <= ALL_LED_OFF_H) {
            return 0;
        }
        return peek(reg);
    }

    @Override
    protected void onWrite(int reg, int value) {
        nackCheck(reg);
        switch (reg) {
            case MODE1 -> writeMode1(value);
            case PRE_SCALE -> {
                if ((peek(MODE1) & MODE1_SLEEP) == 0) {
                    prescaleWritesIgnored++; // data sheet: blocked while the oscillator runs
                } else {
                    poke(PRE_SCALE, Math.max(PRE_SCALE_MIN, value));
                }
            }
            case ALL_LED_ON_L, ALL_LED_ON_H, ALL_LED_OFF_L, ALL_LED_OFF_H -> {
                for (int c = 0; c < Pca9685.CHANNELS; c++) {
                    poke(led(c) + (reg - ALL_LED_ON_L), value);
                }
            }
            default -> {
                if (reg <= LED15_OFF_H) {
                    poke(reg, value);
                } // reserved 0x46..0xF9 and TestMode 0xFF: ignored
            }
        }
    }

    private void writeMode1(int value) {
        int old = peek(MODE1);
        boolean wasAsleep = (old & MODE1_SLEEP) != 0;
        boolean asleep = (value & MODE1_SLEEP) != 0;
        int restart = old & MODE1_RESTART;
        if (!wasAsleep && asleep) {
            if (running && anyChannelOn()) {
                restart = MODE1_RESTART;
            }
            running = false;
        } else if (wasAsleep && !asleep) {
            wokeAt = System.nanoTime();
            running = restart == 0;
        } else if (!asleep && (value & MODE1_RESTART) != 0 && restart != 0) {
            if (System.nanoTime() - wokeAt >= OSCILLATOR_STARTUP_NANOS) {
                restart = 0;
                running = true;
            } else {
                restartsIgnored++;
            }
        }
        poke(MODE1, (value & ~MODE1_RESTART) | restart);
    }

    private boolean anyChannelOn() {
        for (int c = 0; c < Pca9685.CHANNELS; c++) {
            if ((peek(led(c) + 3) & FULL) == 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected int nextRegister(int reg) {
        if ((peek(MODE1) & MODE1_AI) == 0) {
            return reg;
        }
        return reg == LED15_OFF_H ? MODE1 : (reg + 1) & 0xFF;
    }

    private void nackCheck(int reg) {
        if (nack > 0) {
            nack--;
            throw new IOException("pca9685 sim: register " + hex(reg) + " not acknowledged (NACK)");
        }
    }

    // ------------------------------------------------------------------------------------------ observations

    public synchronized int mode1() {
        return peek(MODE1);
    }

    public synchronized int mode2() {
        return peek(MODE2);
    }

    public synchronized int prescale() {
        return peek(PRE_SCALE);
    }

    /** @return whether the oscillator runs and the channels output (awake, no RESTART pending) */
    public synchronized boolean running() {
        return running && (peek(MODE1) & MODE1_SLEEP) == 0;
    }

    /** @return the output frequency of PRE_SCALE: 25 MHz / (4096 (prescale + 1)) */
    public synchronized double frequency() {
        return Pca9685.frequencyOf(prescale());
    }

    /** @return channel {@code c}'s 13-bit ON value (bit 12 = full on) */
    public synchronized int on(int c) {
        return peek(led(c)) | peek(led(c) + 1) << 8;
    }

    /** @return channel {@code c}'s 13-bit OFF value (bit 12 = full off) */
    public synchronized int off(int c) {
        return peek(led(c) + 2) | peek(led(c) + 3) << 8;
    }

    public synchronized boolean fullOff(int c) {
        return (peek(led(c) + 3) & FULL) != 0;
    }

    public synchronized boolean fullOn(int c) {
        return !fullOff(c) && (peek(led(c) + 1) & FULL) != 0;
    }

    /**
     * @return the fraction (0..1) of each period channel {@code c} is high as programmed (MODE2 INVRT not
     *         applied), 0 while the oscillator does not run
     */
    public synchronized double duty(int c) {
        if (!running() || fullOff(c)) {
            return 0;
        }
        if (fullOn(c)) {
            return 1;
        }
        int on = on(c) & 0xFFF;
        int off = off(c) & 0xFFF;
        return on == off ? 0 : Math.floorMod(off - on, Pca9685.COUNTS) / (double) Pca9685.COUNTS;
    }

    /** @return channel {@code c}'s pulse width in microseconds ({@link #duty} times the period) */
    public synchronized double pulseMicros(int c) {
        return duty(c) * 1e6 / frequency();
    }

    /** @return whether every channel is full off */
    public synchronized boolean allOff() {
        return !anyChannelOn();
    }

    public synchronized int prescaleWritesIgnored() {
        return prescaleWritesIgnored;
    }

    public synchronized int restartsIgnored() {
        return restartsIgnored;
    }
}
