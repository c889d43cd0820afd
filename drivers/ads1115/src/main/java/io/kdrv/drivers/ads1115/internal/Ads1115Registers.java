package io.kdrv.drivers.ads1115.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/** ADS1115 register map, config-register fields and their codes (TI datasheet SBAS444, section 9.6). */
public final class Ads1115Registers {
    public static final int CONVERSION = 0x00;
    public static final int CONFIG = 0x01;
    public static final int LO_THRESH = 0x02;
    public static final int HI_THRESH = 0x03;

    /** Config bit 15: write 1 = start a single conversion; read 0 = converting, 1 = idle. */
    public static final int OS = 1 << 15;
    public static final int MUX_SHIFT = 12;
    public static final int PGA_SHIFT = 9;
    /** Config bit 8: 1 = single-shot (power-down between conversions), 0 = continuous. */
    public static final int MODE_SINGLE = 1 << 8;
    public static final int DR_SHIFT = 5;
    /** Config bit 3: ALERT/RDY active high. */
    public static final int COMP_POL = 1 << 3;
    /** Config bits 1:0 = 11: comparator and ALERT/RDY disabled (pin high-Z). */
    public static final int COMP_QUE_DISABLE = 0b11;
    /** Power-on config: OS idle, AIN0-AIN1, ±2.048 V, single-shot, 128 SPS, comparator off. */
    public static final int CONFIG_DEFAULT = 0x8583;
    public static final int LO_THRESH_DEFAULT = 0x8000;
    public static final int HI_THRESH_DEFAULT = 0x7FFF;
    /** Thresholds that turn ALERT/RDY into a conversion-ready pin: hi MSB = 1, lo MSB = 0. */
    public static final int LO_THRESH_READY = 0x0000;
    public static final int HI_THRESH_READY = 0x8000;

    /** Channel names by MUX code 0..7: differential pairs, then single-ended against GND. */
    public static final List<String> MUX = List.of("ain0-ain1", "ain0-ain3", "ain1-ain3", "ain2-ain3",
            "ain0", "ain1", "ain2", "ain3");
    /** Full-scale range in volts by PGA code 0..5 (codes 6 and 7 are ±0.256 V too). */
    private static final double[] FSR = {6.144, 4.096, 2.048, 1.024, 0.512, 0.256};
    /** Samples per second by DR code 0..7. */
    private static final int[] SPS = {8, 16, 32, 64, 128, 250, 475, 860};

    private Ads1115Registers() {
    }

    /** @throws IllegalArgumentException naming the allowed names */
    public static int muxCode(String channel) {
        int code = MUX.indexOf(channel.trim().toLowerCase(Locale.ROOT));
        if (code < 0) {
            throw new IllegalArgumentException("'" + channel + "' is not one of " + String.join(", ", MUX));
        }
        return code;
    }

    /** @throws IllegalArgumentException naming the allowed ranges */
    public static int pgaCode(double fullScale) {
        for (int i = 0; i < FSR.length; i++) {
            if (FSR[i] == fullScale) {
                return i;
            }
        }
        throw new IllegalArgumentException(fullScale + " V is not a full-scale range: use 6.144, 4.096, 2.048, 1.024,"
                + " 0.512 or 0.256");
    }

    public static double fullScale(int pgaCode) {
        return FSR[Math.min(pgaCode & 0b111, FSR.length - 1)];
    }

    /** @throws IllegalArgumentException naming the allowed rates */
    public static int drCode(int sps) {
        for (int i = 0; i < SPS.length; i++) {
            if (SPS[i] == sps) {
                return i;
            }
        }
        throw new IllegalArgumentException(sps + " SPS is not a data rate: use 8, 16, 32, 64, 128, 250, 475 or 860");
    }

    /** Nominal conversion time 1/DR, plus the datasheet's 10 % rate tolerance. */
    public static Duration conversionTime(int sps) {
        return Duration.ofNanos(1_100_000_000L / sps);
    }

    /** Volts for a signed 16-bit conversion code: one LSB is fullScale / 32768. */
    public static double volts(int code, double fullScale) {
        return (short) code * fullScale / 32768.0;
    }
}
