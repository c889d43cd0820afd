package io.kdrv.drivers.sht31.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.exception.IOException;
import io.kdrv.drivers.sht31.Sht31Crc;
import io.kdrv.drivers.sht31.internal.Sht31Commands;
import org.junit.jupiter.api.Test;

/** The command-set model on its own, through RegisterChip's plain transfers (what the mock I2C provider calls). */
class Sht31ChipTest {
    private final Sht31Chip chip = new Sht31Chip();

    private void command(int c) {
        chip.write(new byte[] {(byte) (c >> 8), (byte) c}, 0, 2);
    }

    private int[] read(int n) {
        byte[] b = new byte[n];
        chip.readFromPointer(b, 0, n);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = b[i] & 0xFF;
        }
        return out;
    }

    @Test
    void singleShotAnswersTwoWordsWithTheirCrcs() {
        chip.set(25.0, 50.0);
        command(Sht31Commands.SINGLE_HIGH);
        int[] b = read(6);
        int t = b[0] << 8 | b[1];
        int rh = b[3] << 8 | b[4];
        assertEquals(Sht31Commands.rawTemperature(25.0), t);
        assertEquals(Sht31Commands.rawHumidity(50.0), rh);
        assertEquals(Sht31Crc.crc(t), b[2]);
        assertEquals(Sht31Crc.crc(rh), b[5]);
        assertEquals(25.0, -45 + 175.0 * t / 65535, 175.0 / 65535);
    }

    @Test
    void readWithNothingPendingIsNacked() {
        assertThrows(IOException.class, () -> read(6));
        command(Sht31Commands.SINGLE_LOW);
        read(6);
        assertThrows(IOException.class, () -> read(1), "the answer is consumed");
        command(Sht31Commands.FETCH); // not in periodic mode: no data
        assertThrows(IOException.class, () -> read(6));
    }

    @Test
    void periodicModeBreakHeaterStatusAndFaults() {
        command(0x2130); // 1 mps, high repeatability
        assertTrue(chip.periodic());
        assertEquals(1.0, chip.periodicRate());
        command(Sht31Commands.SINGLE_HIGH); // refused in periodic mode
        assertTrue((chip.status() & Sht31Commands.STATUS_COMMAND_FAILED) != 0);
        command(Sht31Commands.FETCH);
        assertEquals(6, read(6).length);
        command(Sht31Commands.BREAK);
        assertFalse(chip.periodic());

        command(Sht31Commands.HEATER_ON);
        command(Sht31Commands.READ_STATUS);
        int[] st = read(3);
        assertTrue((st[0] << 8 & Sht31Commands.STATUS_HEATER) != 0);
        assertEquals(Sht31Crc.crc(st[0], st[1]), st[2]);

        chip.corruptNextAnswers(1);
        command(Sht31Commands.READ_STATUS);
        st = read(3);
        assertNotEquals(Sht31Crc.crc(st[0], st[1]), st[2]);

        chip.nackNextCommands(1);
        assertThrows(IOException.class, () -> command(Sht31Commands.HEATER_OFF));
        assertTrue(chip.heater(), "a refused command has no effect");
    }
}
