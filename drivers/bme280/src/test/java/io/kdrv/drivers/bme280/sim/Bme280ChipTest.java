package io.kdrv.drivers.bme280.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.drivers.bme280.Bme280Calibration;
import io.kdrv.drivers.bme280.internal.Bme280Compensation;
import io.kdrv.drivers.bme280.internal.Bme280Registers;
import org.junit.jupiter.api.Test;

/** The register model on its own, through RegisterChip's transfer methods (what the mock I2C provider calls). */
class Bme280ChipTest {
    private final Bme280Chip chip = new Bme280Chip();

    private int read(int reg) {
        byte[] b = new byte[1];
        chip.readRegisters(reg, b, 0, 1);
        return b[0] & 0xFF;
    }

    private byte[] read(int reg, int len) {
        byte[] b = new byte[len];
        assertEquals(len, chip.readRegisters(reg, b, 0, len));
        return b;
    }

    private void write(int reg, int value) {
        chip.writeRegisters(reg, new byte[] {(byte) value}, 0, 1);
    }

    /** Compensates the data registers with the trimming read back from the chip, like the driver does. */
    private double[] compensatedData() {
        Bme280Calibration cal = Bme280Calibration.parse(read(0x88, 26), read(0xE1, 7));
        int[] raw = Bme280Compensation.rawValues(read(0xF7, 8));
        int tFine = Bme280Compensation.tFine(cal, raw[1]);
        return new double[] {
            Bme280Compensation.temperatureCenti(tFine) / 100.0,
            raw[0] == Bme280Compensation.SKIPPED_20BIT ? Double.NaN
                    : Bme280Compensation.pressureQ24_8(cal, raw[0], tFine) / 256.0,
            raw[2] == Bme280Compensation.SKIPPED_16BIT ? Double.NaN
                    : Bme280Compensation.humidityQ22_10(cal, raw[2], tFine) / 1024.0};
    }

    @Test
    void identifiesAsBme280AndExposesItsTrimming() {
        assertEquals(0x60, read(0xD0));
        write(0xD0, 0x12); // read-only
        assertEquals(0x60, read(0xD0));
        assertEquals(Bme280Chip.DEFAULT_CALIBRATION, Bme280Calibration.parse(read(0x88, 26), read(0xE1, 7)));
        chip.chipId(0x58);
        assertEquals(0x58, read(0xD0));
    }

    @Test
    void forcedConversionProducesTheSimulatedValuesAndReturnsToSleep() {
        chip.set(31.25, 98_765.4, 63.2);
        write(0xF2, 0x01);                 // osrs_h x1
        write(0xF4, 0b001_001_01);         // osrs_t x1, osrs_p x1, forced
        assertEquals(0, chip.mode(), "back to sleep after the forced conversion");
        assertEquals(0, read(0xF3) & Bme280Registers.STATUS_MEASURING);
        double[] v = compensatedData();
        assertEquals(31.25, v[0], 0.01);
        assertEquals(98_765.4, v[1], 1.0);
        assertEquals(63.2, v[2], 0.05);
        assertEquals(1, chip.conversions());
    }

    @Test
    void forcedModeKeepsTheLastConversionUntilTheNext() {
        write(0xF2, 0x01);
        write(0xF4, 0b001_001_01);
        chip.setTemperature(-10.5);
        assertEquals(22.5, compensatedData()[0], 0.01, "no new conversion yet");
        write(0xF4, 0b001_001_01);
        assertEquals(-10.5, compensatedData()[0], 0.01);
    }

    @Test
    void normalModeFollowsTheEnvironmentAtOnce() {
        write(0xF2, 0x01);
        write(0xF4, 0b001_001_11);
        assertEquals(3, chip.mode());
        chip.set(5.0, 85_000, 12.5);
        double[] v = compensatedData();
        assertEquals(5.0, v[0], 0.01);
        assertEquals(85_000, v[1], 1.0);
        assertEquals(12.5, v[2], 0.05);
    }

    @Test
    void ctrlHumTakesEffectOnlyAfterCtrlMeasAndSkippedMeasurementsReadAsSkipped() {
        write(0xF2, 0x00);                 // humidity off
        write(0xF4, 0b001_000_01);         // pressure off too
        double[] v = compensatedData();
        assertTrue(Double.isNaN(v[1]));
        assertTrue(Double.isNaN(v[2]));
        write(0xF2, 0x01);                 // humidity on, but not latched until ctrl_meas is written
        assertTrue(Double.isNaN(compensatedData()[2]));
        write(0xF4, 0b001_000_01);
        assertEquals(45.0, compensatedData()[2], 0.05);
    }

    @Test
    void softResetClearsControlAndDataRegisters() {
        write(0xF2, 0x01);
        write(0xF5, 0xA0);
        write(0xF4, 0b001_001_11);
        write(0xE0, 0x42);                 // not the reset word: ignored
        assertEquals(0, chip.resets());
        write(0xE0, 0xB6);
        assertEquals(1, chip.resets());
        assertEquals(0, read(0xF4));
        assertEquals(0, read(0xF5));
        assertEquals(0, read(0xF2));
        assertEquals(0, read(0xE0), "reset register reads 0");
        int[] raw = Bme280Compensation.rawValues(read(0xF7, 8));
        assertEquals(Bme280Compensation.SKIPPED_20BIT, raw[0]);
        assertEquals(Bme280Compensation.SKIPPED_20BIT, raw[1]);
        assertEquals(Bme280Compensation.SKIPPED_16BIT, raw[2]);
    }

    @Test
    void rejectsValuesOutsideTheSensorRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> chip.setHumidity(101));
        assertTrue(e.getMessage().contains("humidity"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> chip.setTemperature(Double.NaN));
    }
}
