package io.kdrv.drivers.bme280.internal;

/**
 * BME280 register map and field encodings (datasheet BST-BME280-DS002, section 5). Shared by the driver and the
 * simulated chip so both speak the same map.
 */
public final class Bme280Registers {
    /** First calibration block, {@code 0x88..0xA1}. */
    public static final int CALIB00 = 0x88;
    /** Chip identification; reads {@link #CHIP_ID_BME280}. */
    public static final int ID = 0xD0;
    /** Soft reset: writing {@link #RESET_WORD} resets the chip. */
    public static final int RESET = 0xE0;
    /** Second calibration block, {@code 0xE1..0xE7}. */
    public static final int CALIB26 = 0xE1;
    /** Humidity oversampling {@code osrs_h[2:0]}; takes effect only after a write to {@link #CTRL_MEAS}. */
    public static final int CTRL_HUM = 0xF2;
    /** Status: bit 3 {@code measuring}, bit 0 {@code im_update} (NVM copy running). */
    public static final int STATUS = 0xF3;
    /** {@code osrs_t[7:5]}, {@code osrs_p[4:2]}, {@code mode[1:0]}. */
    public static final int CTRL_MEAS = 0xF4;
    /** {@code t_sb[7:5]}, {@code filter[4:2]}, {@code spi3w_en[0]}; writes are only reliable in sleep mode. */
    public static final int CONFIG = 0xF5;
    /** First data register ({@code press_msb}); the burst {@code 0xF7..0xFE} is one consistent sample. */
    public static final int DATA = 0xF7;
    /** Number of data bytes, {@code 0xF7..0xFE}. */
    public static final int DATA_LENGTH = 8;

    public static final int CHIP_ID_BME280 = 0x60;
    public static final int RESET_WORD = 0xB6;
    public static final int STATUS_MEASURING = 1 << 3;
    public static final int STATUS_IM_UPDATE = 1;

    public static final int MODE_SLEEP = 0b00;
    public static final int MODE_FORCED = 0b01;
    public static final int MODE_NORMAL = 0b11;

    private Bme280Registers() {
    }

    /**
     * The 3-bit oversampling code for an oversampling factor.
     *
     * @param factor 0 (skip), 1, 2, 4, 8 or 16
     * @return the code 0..5
     * @throws IllegalArgumentException for any other factor
     */
    public static int osrsCode(int factor) {
        return switch (factor) {
            case 0 -> 0;
            case 1 -> 1;
            case 2 -> 2;
            case 4 -> 3;
            case 8 -> 4;
            case 16 -> 5;
            default -> throw new IllegalArgumentException("oversampling " + factor + " not one of 0, 1, 2, 4, 8, 16");
        };
    }

    /**
     * The oversampling factor of a 3-bit code (codes 6 and 7 also mean x16).
     *
     * @param code 0..7
     * @return 0 (skipped), 1, 2, 4, 8 or 16
     */
    public static int osrsFactor(int code) {
        return code == 0 ? 0 : 1 << Math.min(code - 1, 4);
    }

    /**
     * The 3-bit IIR filter code for a filter coefficient.
     *
     * @param coefficient 0 (off), 2, 4, 8 or 16
     * @return the code 0..4
     * @throws IllegalArgumentException for any other coefficient
     */
    public static int filterCode(int coefficient) {
        return switch (coefficient) {
            case 0 -> 0;
            case 2 -> 1;
            case 4 -> 2;
            case 8 -> 3;
            case 16 -> 4;
            default -> throw new IllegalArgumentException("filter " + coefficient + " not one of 0, 2, 4, 8, 16");
        };
    }

    /** Normal-mode standby times in microseconds, indexed by the {@code t_sb} code. */
    private static final int[] STANDBY_MICROS = {500, 62_500, 125_000, 250_000, 500_000, 1_000_000, 10_000, 20_000};

    /**
     * The {@code t_sb} code of the longest normal-mode standby time that does not exceed {@code maxMillis}, so the
     * chip produces at least one fresh sample per poll.
     *
     * @param maxMillis upper bound in milliseconds
     * @return the code 0..7
     */
    public static int standbyCode(long maxMillis) {
        int best = 0; // 0.5 ms is the shortest standby the chip offers
        for (int code = 0; code < STANDBY_MICROS.length; code++) {
            if (STANDBY_MICROS[code] <= maxMillis * 1000 && STANDBY_MICROS[code] > STANDBY_MICROS[best]) {
                best = code;
            }
        }
        return best;
    }

    /**
     * The standby time of a {@code t_sb} code.
     *
     * @param code 0..7
     * @return microseconds
     */
    public static int standbyMicros(int code) {
        return STANDBY_MICROS[code & 7];
    }

    /**
     * The datasheet's maximum measurement time (section 9.1, t_measure,max) for the given oversampling factors.
     *
     * @return microseconds, rounded up
     */
    public static int maxMeasurementMicros(int osrsT, int osrsP, int osrsH) {
        // 1.25 ms + 2.3 ms * osrs_t + (2.3 ms * osrs_p + 0.575 ms) + (2.3 ms * osrs_h + 0.575 ms); the 0.575 ms
        // terms only apply to enabled measurements.
        int us = 1250 + 2300 * osrsT;
        if (osrsP > 0) {
            us += 2300 * osrsP + 575;
        }
        if (osrsH > 0) {
            us += 2300 * osrsH + 575;
        }
        return us;
    }
}
