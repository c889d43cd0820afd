package io.kdrv.drivers.bme280.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.drivers.bme280.Bme280Calibration;
import org.junit.jupiter.api.Test;

/**
 * The integer formulas against the datasheet's worked example and against the datasheet's floating-point
 * formulas (an independent formulation of the same compensation).
 */
class Bme280CompensationTest {
    /** Datasheet example trimming (temperature and pressure) plus typical humidity trimming of a real part. */
    static final Bme280Calibration DATASHEET = new Bme280Calibration(27504, 26435, -1000,
            36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000,
            75, 362, 0, 313, 50, 30);

    @Test
    void temperatureMatchesDatasheetExample() {
        int tFine = Bme280Compensation.tFine(DATASHEET, 519888);
        assertEquals(128422, tFine);
        assertEquals(2508, Bme280Compensation.temperatureCenti(tFine)); // 25.08 °C
    }

    @Test
    void pressureMatchesDatasheetExample() {
        int tFine = Bme280Compensation.tFine(DATASHEET, 519888);
        long q24_8 = Bme280Compensation.pressureQ24_8(DATASHEET, 415148, tFine);
        double pa = q24_8 / 256.0;
        assertEquals(100653.27, pa, 0.5, "datasheet example: ~100653 Pa");
    }

    @Test
    void pressureGuardsDivisionByZero() {
        Bme280Calibration zeroP1 = new Bme280Calibration(27504, 26435, -1000,
                0, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000, 75, 362, 0, 313, 50, 30);
        assertEquals(0, Bme280Compensation.pressureQ24_8(zeroP1, 415148, 128422));
    }

    @Test
    void integerFormulasAgreeWithFloatingPointFormulas() {
        for (int adcT = 400_000; adcT <= 600_000; adcT += 20_000) {
            int tFine = Bme280Compensation.tFine(DATASHEET, adcT);
            double tFloat = FloatReference.temperature(DATASHEET, adcT);
            assertEquals(tFloat, Bme280Compensation.temperatureCenti(tFine) / 100.0, 0.011, "adcT " + adcT);
            for (int adcP = 250_000; adcP <= 550_000; adcP += 50_000) {
                double pFloat = FloatReference.pressure(DATASHEET, adcP, tFine);
                double pInt = Bme280Compensation.pressureQ24_8(DATASHEET, adcP, tFine) / 256.0;
                assertEquals(pFloat, pInt, 1.0, "adcT " + adcT + " adcP " + adcP);
            }
            for (int adcH = 20_000; adcH <= 45_000; adcH += 2_500) {
                double hFloat = FloatReference.humidity(DATASHEET, adcH, tFine);
                double hInt = Bme280Compensation.humidityQ22_10(DATASHEET, adcH, tFine) / 1024.0;
                assertEquals(hFloat, hInt, 0.05, "adcT " + adcT + " adcH " + adcH);
            }
        }
    }

    @Test
    void humidityIsClampedToZeroAndHundredPercent() {
        int tFine = Bme280Compensation.tFine(DATASHEET, 519888);
        assertEquals(0, Bme280Compensation.humidityQ22_10(DATASHEET, 0, tFine));
        assertEquals(100 * 1024, Bme280Compensation.humidityQ22_10(DATASHEET, 65535, tFine));
    }

    @Test
    void rawValuesDecodeTwentyAndSixteenBitFields() {
        // adc_P = 0x6559C (415132), adc_T = 0x7EED0 (519888), adc_H = 0x7A12
        byte[] data = {0x65, 0x59, (byte) 0xC0, 0x7E, (byte) 0xED, 0x00, 0x7A, 0x12};
        int[] raw = Bme280Compensation.rawValues(data);
        assertEquals(0x6559C, raw[0]);
        assertEquals(519888, raw[1]);
        assertEquals(0x7A12, raw[2]);
    }

    @Test
    void inverseRoundTripsWithinResolution() {
        for (double t = -20; t <= 60; t += 7.3) {
            int adcT = Bme280Inverse.adcT(DATASHEET, t);
            int tFine = Bme280Compensation.tFine(DATASHEET, adcT);
            assertEquals(t, Bme280Compensation.temperatureCenti(tFine) / 100.0, 0.01, "T " + t);
            for (double p = 80_000; p <= 110_000; p += 3_700) {
                int adcP = Bme280Inverse.adcP(DATASHEET, p, tFine);
                assertEquals(p, Bme280Compensation.pressureQ24_8(DATASHEET, adcP, tFine) / 256.0, 2.0, "P " + p);
            }
            for (double h = 5; h <= 95; h += 8.9) {
                int adcH = Bme280Inverse.adcH(DATASHEET, h, tFine);
                assertEquals(h, Bme280Compensation.humidityQ22_10(DATASHEET, adcH, tFine) / 1024.0, 0.05, "H " + h);
            }
        }
        assertTrue(Bme280Inverse.nearest(0, 100, x -> -x, -42.4) == 42);
    }

    /** The datasheet's double-precision compensation (section 8.1), written independently of the integer code. */
    static final class FloatReference {
        static double tFine(Bme280Calibration c, int adcT) {
            double var1 = (adcT / 16384.0 - c.t1() / 1024.0) * c.t2();
            double x = adcT / 131072.0 - c.t1() / 8192.0;
            double var2 = x * x * c.t3();
            return var1 + var2;
        }

        static double temperature(Bme280Calibration c, int adcT) {
            return tFine(c, adcT) / 5120.0;
        }

        static double pressure(Bme280Calibration c, int adcP, int tFine) {
            double var1 = tFine / 2.0 - 64000.0;
            double var2 = var1 * var1 * c.p6() / 32768.0;
            var2 = var2 + var1 * c.p5() * 2.0;
            var2 = var2 / 4.0 + c.p4() * 65536.0;
            var1 = (c.p3() * var1 * var1 / 524288.0 + c.p2() * var1) / 524288.0;
            var1 = (1.0 + var1 / 32768.0) * c.p1();
            double p = 1048576.0 - adcP;
            p = (p - var2 / 4096.0) * 6250.0 / var1;
            var1 = c.p9() * p * p / 2147483648.0;
            var2 = p * c.p8() / 32768.0;
            return p + (var1 + var2 + c.p7()) / 16.0;
        }

        static double humidity(Bme280Calibration c, int adcH, int tFine) {
            double h = tFine - 76800.0;
            h = (adcH - (c.h4() * 64.0 + c.h5() / 16384.0 * h))
                    * (c.h2() / 65536.0 * (1.0 + c.h6() / 67108864.0 * h * (1.0 + c.h3() / 67108864.0 * h)));
            h = h * (1.0 - c.h1() * h / 524288.0);
            return Math.max(0, Math.min(100, h));
        }
    }
}
