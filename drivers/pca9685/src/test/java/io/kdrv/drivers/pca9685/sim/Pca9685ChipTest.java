package io.kdrv.drivers.pca9685.sim;

import static io.kdrv.drivers.pca9685.internal.Pca9685Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The register model against the data sheet, without the driver. */
@Timeout(30)
class Pca9685ChipTest {
    private final Pca9685Chip chip = new Pca9685Chip();

    private void write(int reg, int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) values[i];
        }
        chip.writeRegisters(reg, b, 0, b.length);
    }

    @Test
    void powerOnState() {
        assertEquals(0x11, chip.mode1());
        assertEquals(0x04, chip.mode2());
        assertEquals(0x1E, chip.prescale());
        assertTrue(chip.allOff());
        assertFalse(chip.running(), "asleep at power-on");
    }

    @Test
    void preScaleIsWritableOnlyInSleepAndNeverBelowThree() {
        write(PRE_SCALE, 121);
        assertEquals(121, chip.prescale(), "asleep: accepted");
        write(PRE_SCALE, 1);
        assertEquals(3, chip.prescale(), "forced to 3");
        write(MODE1, MODE1_AI); // wake
        write(PRE_SCALE, 60);
        assertEquals(3, chip.prescale(), "awake: blocked");
        assertEquals(1, chip.prescaleWritesIgnored());
    }

    @Test
    void autoIncrementOnlyWithAiAndAllLedWritesEveryChannel() {
        write(MODE1, MODE1_SLEEP); // AI off: a block write stays on one register
        write(led(2), 0x11, 0x22);
        assertEquals(0x22, chip.peek(led(2)));
        assertEquals(0, chip.peek(led(2) + 1));
        write(MODE1, MODE1_SLEEP | MODE1_AI);
        write(led(2), 0x11, 0x02, 0x33, 0x04);
        assertEquals(0x211, chip.on(2));
        assertEquals(0x433, chip.off(2));
        write(ALL_LED_ON_L, 0, 0, 0, FULL);
        assertTrue(chip.allOff());
        byte[] one = new byte[1];
        chip.readRegisters(ALL_LED_OFF_H, one, 0, 1);
        assertEquals(0, one[0], "ALL_LED registers read 0");
    }

    @Test
    void sleepWithRunningChannelsSetsRestartWhichResumesThemAfterTheOscillatorStarts() {
        write(MODE1, MODE1_AI); // awake
        write(led(0), 0, 0, 0x00, 0x08); // 2048: 50 %
        assertTrue(chip.running());
        assertEquals(0.5, chip.duty(0), 1e-9);
        write(MODE1, MODE1_AI | MODE1_SLEEP);
        assertTrue((chip.mode1() & MODE1_RESTART) != 0, "RESTART reads 1 after sleeping with a channel on");
        assertEquals(0, chip.duty(0), "stopped in sleep");
        write(MODE1, MODE1_AI); // wake: still stopped until RESTART
        assertFalse(chip.running());
        long woke = System.nanoTime();
        write(MODE1, MODE1_AI | MODE1_RESTART);
        if (System.nanoTime() - woke < OSCILLATOR_STARTUP_NANOS) {
            assertEquals(1, chip.restartsIgnored(), "too early: ignored");
            long end = woke + OSCILLATOR_STARTUP_NANOS + 50_000;
            for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
                LockSupport.parkNanos(left); // lets the simulated oscillator start, not a synchronisation
            }
            write(MODE1, MODE1_AI | MODE1_RESTART);
        }
        assertTrue(chip.running());
        assertEquals(0, chip.mode1() & MODE1_RESTART, "writing 1 cleared it");
        assertEquals(0.5, chip.duty(0), 1e-9);
    }

    @Test
    void fullOffWinsOverFullOn() {
        write(MODE1, MODE1_AI);
        write(led(4), 0, FULL, 0, FULL);
        assertTrue(chip.fullOff(4));
        assertFalse(chip.fullOn(4));
        assertEquals(0, chip.duty(4));
        write(led(4), 0, FULL, 0, 0);
        assertTrue(chip.fullOn(4));
        assertEquals(1, chip.duty(4));
    }
}
