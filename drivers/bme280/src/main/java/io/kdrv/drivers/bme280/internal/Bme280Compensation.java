package io.kdrv.drivers.bme280.internal;

import io.kdrv.drivers.bme280.Bme280Calibration;

/**
 * The BME280 datasheet's fixed-point compensation formulas (BST-BME280-DS002, section 4.2.3 and appendix 8.2):
 * 32-bit temperature producing {@code t_fine}, 64-bit pressure in Q24.8 Pa and 32-bit humidity in Q22.10 %RH.
 *
 * <p>The arithmetic mirrors the reference C code operation by operation, including its right shifts of negative
 * numbers (arithmetic in both C on the targets Bosch supports and Java's {@code >>}) and its int32 wrap-around, so
 * results are bit-exact with the vendor driver. Stateless and thread-safe.
 */
public final class Bme280Compensation {
    /** Raw value the chip reports for a skipped temperature or pressure measurement (oversampling 0). */
    public static final int SKIPPED_20BIT = 0x80000;
    /** Raw value the chip reports for a skipped humidity measurement. */
    public static final int SKIPPED_16BIT = 0x8000;
    /** Upper clamp of the humidity intermediate: 100 %RH in Q22.10 shifted left by 12. */
    private static final int H_MAX = 419_430_400;

    private Bme280Compensation() {
    }

    /**
     * {@code t_fine}, the fine temperature shared by the pressure and humidity formulas.
     *
     * @param cal   calibration
     * @param adcT  raw 20-bit temperature
     * @return t_fine
     */
    public static int tFine(Bme280Calibration cal, int adcT) {
        int var1 = (((adcT >> 3) - (cal.t1() << 1)) * cal.t2()) >> 11;
        int d = (adcT >> 4) - cal.t1();
        int var2 = (((d * d) >> 12) * cal.t3()) >> 14;
        return var1 + var2;
    }

    /**
     * Temperature in 0.01 °C ({@code 5123} = 51.23 °C) from {@code t_fine}.
     *
     * @param tFine see {@link #tFine}
     * @return centi-degrees Celsius
     */
    public static int temperatureCenti(int tFine) {
        return (tFine * 5 + 128) >> 8;
    }

    /**
     * Pressure in Pa as unsigned Q24.8 ({@code 24674867} = 24674867/256 = 96386.2 Pa).
     *
     * @param cal   calibration
     * @param adcP  raw 20-bit pressure
     * @param tFine see {@link #tFine}
     * @return Q24.8 pascal, 0 when the calibration would divide by zero (the datasheet's guard)
     */
    public static long pressureQ24_8(Bme280Calibration cal, int adcP, int tFine) {
        long var1 = (long) tFine - 128000;
        long var2 = var1 * var1 * cal.p6();
        var2 = var2 + ((var1 * cal.p5()) << 17);
        var2 = var2 + ((long) cal.p4() << 35);
        var1 = ((var1 * var1 * cal.p3()) >> 8) + ((var1 * cal.p2()) << 12);
        var1 = (((1L << 47) + var1) * cal.p1()) >> 33;
        if (var1 == 0) {
            return 0; // avoid the division by zero the datasheet guards against
        }
        long p = 1048576 - adcP;
        p = (((p << 31) - var2) * 3125) / var1;
        var1 = ((long) cal.p9() * (p >> 13) * (p >> 13)) >> 25;
        var2 = ((long) cal.p8() * p) >> 19;
        p = ((p + var1 + var2) >> 8) + ((long) cal.p7() << 4);
        return p & 0xFFFF_FFFFL; // the C code returns it as uint32
    }

    /**
     * Relative humidity in %RH as unsigned Q22.10 ({@code 47445} = 47445/1024 = 46.333 %RH), clamped to 0..100 %.
     *
     * @param cal   calibration
     * @param adcH  raw 16-bit humidity
     * @param tFine see {@link #tFine}
     * @return Q22.10 percent
     */
    public static int humidityQ22_10(Bme280Calibration cal, int adcH, int tFine) {
        int v = tFine - 76800;
        v = ((((adcH << 14) - (cal.h4() << 20) - (cal.h5() * v)) + 16384) >> 15)
                * (((((((v * cal.h6()) >> 10) * (((v * cal.h3()) >> 11) + 32768)) >> 10) + 2097152)
                        * cal.h2() + 8192) >> 14);
        v = v - (((((v >> 15) * (v >> 15)) >> 7) * cal.h1()) >> 4);
        v = Math.max(v, 0);
        v = Math.min(v, H_MAX);
        return v >> 12;
    }

    /**
     * Decodes the 8 data bytes read from {@code 0xF7..0xFE} into raw ADC values.
     *
     * @param data at least 8 bytes: press_msb, press_lsb, press_xlsb, temp_msb, temp_lsb, temp_xlsb, hum_msb, hum_lsb
     * @return {adc_P, adc_T, adc_H}
     */
    public static int[] rawValues(byte[] data) {
        int adcP = (data[0] & 0xFF) << 12 | (data[1] & 0xFF) << 4 | (data[2] & 0xFF) >> 4;
        int adcT = (data[3] & 0xFF) << 12 | (data[4] & 0xFF) << 4 | (data[5] & 0xFF) >> 4;
        int adcH = (data[6] & 0xFF) << 8 | (data[7] & 0xFF);
        return new int[] {adcP, adcT, adcH};
    }
}
