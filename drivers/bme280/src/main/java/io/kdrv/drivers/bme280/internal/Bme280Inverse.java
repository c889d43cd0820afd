package io.kdrv.drivers.bme280.internal;

import io.kdrv.drivers.bme280.Bme280Calibration;
import java.util.function.IntToDoubleFunction;

/**
 * Raw ADC values that the compensation formulas turn into given physical values: the inverse used by the
 * simulated chip. The formulas have no closed-form inverse, but each is monotonic in its ADC input over the range
 * a real calibration produces, so a binary search over the ADC range finds the best raw value.
 */
public final class Bme280Inverse {
    private static final int ADC20_MAX = (1 << 20) - 1;
    private static final int ADC16_MAX = (1 << 16) - 1;
    /**
     * Upper end of the pressure search. Near full scale the pressure formula goes negative and wraps as an
     * unsigned 32-bit value (the datasheet code's return type), so it is monotonic only below about 0xF6000;
     * 0xF0000 still covers the specified range (300 hPa is about 0xCA000 at 25 °C with typical trimming).
     */
    private static final int ADC_P_SEARCH_MAX = 0xF0000;

    private Bme280Inverse() {
    }

    /** Raw 20-bit temperature whose compensated value is closest to {@code celsius}. */
    public static int adcT(Bme280Calibration cal, double celsius) {
        return nearest(0, ADC20_MAX, adc -> Bme280Compensation.temperatureCenti(Bme280Compensation.tFine(cal, adc))
                / 100.0, celsius);
    }

    /** Raw 20-bit pressure whose compensated value at {@code tFine} is closest to {@code pascal}. */
    public static int adcP(Bme280Calibration cal, double pascal, int tFine) {
        return nearest(0, ADC_P_SEARCH_MAX, adc -> Bme280Compensation.pressureQ24_8(cal, adc, tFine) / 256.0, pascal);
    }

    /** Raw 16-bit humidity whose compensated value at {@code tFine} is closest to {@code percent}. */
    public static int adcH(Bme280Calibration cal, double percent, int tFine) {
        return nearest(0, ADC16_MAX, adc -> Bme280Compensation.humidityQ22_10(cal, adc, tFine) / 1024.0, percent);
    }

    /**
     * The x in [lo, hi] whose f(x) is closest to target, for f monotonic (either direction) on [lo, hi].
     */
    static int nearest(int lo, int hi, IntToDoubleFunction f, double target) {
        boolean increasing = f.applyAsDouble(hi) >= f.applyAsDouble(lo);
        // Invariant: the first x with f(x) "past" target (>= when increasing, <= when decreasing) is in [a, b].
        int a = lo;
        int b = hi;
        while (a < b) {
            int mid = (a + b) >>> 1;
            double v = f.applyAsDouble(mid);
            boolean past = increasing ? v >= target : v <= target;
            if (past) {
                b = mid;
            } else {
                a = mid + 1;
            }
        }
        // a is the first x past target; its predecessor may be closer.
        if (a > lo && Math.abs(f.applyAsDouble(a - 1) - target) <= Math.abs(f.applyAsDouble(a) - target)) {
            return a - 1;
        }
        return a;
    }
}
