package io.kdrv.drivers.pca9685.internal;

/** PCA9685 register map and bits (NXP PCA9685 product data sheet, rev. 4, section 7.3). Used by driver and sim. */
public final class Pca9685Registers {
    public static final int MODE1 = 0x00;
    public static final int MODE2 = 0x01;
    public static final int SUBADR1 = 0x02;
    public static final int SUBADR2 = 0x03;
    public static final int SUBADR3 = 0x04;
    public static final int ALLCALLADR = 0x05;
    /** LED0_ON_L; channel n's four registers start at {@code LED0_ON_L + 4n}: ON_L, ON_H, OFF_L, OFF_H. */
    public static final int LED0_ON_L = 0x06;
    /** The last LED register (LED15_OFF_H); auto-increment rolls over from here to MODE1. */
    public static final int LED15_OFF_H = 0x45;
    public static final int ALL_LED_ON_L = 0xFA;
    public static final int ALL_LED_ON_H = 0xFB;
    public static final int ALL_LED_OFF_L = 0xFC;
    public static final int ALL_LED_OFF_H = 0xFD;
    public static final int PRE_SCALE = 0xFE;

    /** MODE1 bits. */
    public static final int MODE1_RESTART = 0x80;
    public static final int MODE1_EXTCLK = 0x40;
    public static final int MODE1_AI = 0x20;
    public static final int MODE1_SLEEP = 0x10;
    public static final int MODE1_ALLCALL = 0x01;
    /** MODE2 bits. */
    public static final int MODE2_INVRT = 0x10;
    public static final int MODE2_OCH = 0x08;
    public static final int MODE2_OUTDRV = 0x04;

    /** Bit 4 of LEDn_ON_H: full on; of LEDn_OFF_H: full off (full off wins). */
    public static final int FULL = 0x10;

    /** Power-on values. */
    public static final int MODE1_RESET = MODE1_SLEEP | MODE1_ALLCALL;
    public static final int MODE2_RESET = MODE2_OUTDRV;
    public static final int PRE_SCALE_RESET = 0x1E;
    /** The hardware forces PRE_SCALE to at least 3. */
    public static final int PRE_SCALE_MIN = 3;
    /** Oscillator start-up after SLEEP is cleared, before RESTART may be written. */
    public static final long OSCILLATOR_STARTUP_NANOS = 500_000;

    private Pca9685Registers() {
    }

    /** @return the first register (LEDn_ON_L) of {@code channel} */
    public static int led(int channel) {
        return LED0_ON_L + 4 * channel;
    }

    public static String hex(int v) {
        return String.format("0x%02X", v);
    }
}
