package io.kdrv.drivers.sht31.internal;

/** SHT3x-DIS command words and timings (Sensirion datasheet, section 4). Used by the driver and the sim chip. */
public final class Sht31Commands {
    /** Single shot, clock stretching disabled: high, medium, low repeatability. */
    public static final int SINGLE_HIGH = 0x2400;
    public static final int SINGLE_MEDIUM = 0x240B;
    public static final int SINGLE_LOW = 0x2416;
    /** Fetch data of periodic mode. */
    public static final int FETCH = 0xE000;
    /** Break: stop periodic mode, back to single shot. */
    public static final int BREAK = 0x3093;
    public static final int SOFT_RESET = 0x30A2;
    public static final int HEATER_ON = 0x306D;
    public static final int HEATER_OFF = 0x3066;
    public static final int READ_STATUS = 0xF32D;
    public static final int CLEAR_STATUS = 0x3041;

    /** Status register bits. */
    public static final int STATUS_ALERT = 1 << 15;
    public static final int STATUS_HEATER = 1 << 13;
    public static final int STATUS_RESET = 1 << 4;
    public static final int STATUS_COMMAND_FAILED = 1 << 1;

    /** Periodic rates in measurements per second, in the datasheet's table order. */
    private static final double[] MPS = {0.5, 1, 2, 4, 10};
    /** Periodic commands [rate][repeatability high, medium, low]. */
    private static final int[][] PERIODIC = {
        {0x2032, 0x2024, 0x202F},
        {0x2130, 0x2126, 0x212D},
        {0x2236, 0x2220, 0x222B},
        {0x2334, 0x2322, 0x2329},
        {0x2737, 0x2721, 0x272A}};
    /** Maximum measurement duration in microseconds for high, medium, low repeatability. */
    private static final int[] MAX_MEASUREMENT_US = {15_500, 6_500, 4_500};

    private Sht31Commands() {
    }

    /** @param repeatability 0 high, 1 medium, 2 low */
    public static int singleShot(int repeatability) {
        return new int[] {SINGLE_HIGH, SINGLE_MEDIUM, SINGLE_LOW}[repeatability];
    }

    /**
     * @param mps           0.5, 1, 2, 4 or 10
     * @param repeatability 0 high, 1 medium, 2 low
     * @throws IllegalArgumentException for another rate, naming the allowed ones
     */
    public static int periodic(double mps, int repeatability) {
        return PERIODIC[rateIndex(mps)][repeatability];
    }

    static int rateIndex(double mps) {
        for (int i = 0; i < MPS.length; i++) {
            if (MPS[i] == mps) {
                return i;
            }
        }
        throw new IllegalArgumentException(mps + " measurements per second is not one of 0.5, 1, 2, 4, 10");
    }

    /** @return the periodic rate of {@code command}, or -1 if it is not a periodic-mode start command */
    public static double periodicRate(int command) {
        for (int i = 0; i < PERIODIC.length; i++) {
            for (int c : PERIODIC[i]) {
                if (c == command) {
                    return MPS[i];
                }
            }
        }
        return -1;
    }

    /** Datasheet maximum duration of one measurement (plus 0.5 ms margin). */
    public static int maxMeasurementMicros(int repeatability) {
        return MAX_MEASUREMENT_US[repeatability];
    }

    /** Raw word for a temperature: the inverse of {@code T = -45 + 175 * raw / 65535}, clamped to 16 bits. */
    public static int rawTemperature(double celsius) {
        return clamp((int) Math.round((celsius + 45.0) * 65535.0 / 175.0));
    }

    /** Raw word for a humidity: the inverse of {@code RH = 100 * raw / 65535}, clamped to 16 bits. */
    public static int rawHumidity(double percent) {
        return clamp((int) Math.round(percent * 65535.0 / 100.0));
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(0xFFFF, v));
    }

    static String hex4(int v) {
        return String.format("0x%04X", v);
    }
}
