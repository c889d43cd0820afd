package io.kdrv.drivers.pca9685;

import java.io.IOException;

/**
 * A bound NXP PCA9685 (16 channels, 12-bit, one prescaler for all channels), obtained from the driver
 * ({@code Pca9685Driver.chip(device)}). Other drivers normally use its channels as PWM consumers
 * ({@code "pwms": ["pca0:3"]}, a Pi4J {@code Pwm}); this handle is for direct use: raw counts, pulse widths and
 * the servo helper.
 *
 * <h2>Arithmetic (data sheet section 7.3.5)</h2>
 * {@code prescale = round(25 MHz / (4096 * f)) - 1}, 3..255 (24..1526 Hz); the actual frequency is
 * {@code 25 MHz / (4096 * (prescale + 1))}. A channel is high from count ON to count OFF of each 4096-count period;
 * bit 4 of ON_H is full on, bit 4 of OFF_H full off (full off wins).
 *
 * <p>Thread-safe: every method is one bus exchange under the chip's lock; methods block while the bus is written
 * and throw {@link IOException} naming the device, bus and address when the chip does not answer. Using a channel
 * here that a consumer also claimed is the caller's business (the last write wins).
 */
public interface Pca9685 {
    int CHANNELS = 16;
    /** Counts per period (12 bits). */
    int COUNTS = 4096;
    /** The internal oscillator. */
    double OSCILLATOR_HZ = 25_000_000;
    int MIN_FREQUENCY = 24;
    int MAX_FREQUENCY = 1526;

    /**
     * @return {@code round(25 MHz / (4096 * hz)) - 1}
     * @throws IllegalArgumentException {@code hz} outside 24..1526
     */
    static int prescaleFor(double hz) {
        if (!(hz >= MIN_FREQUENCY && hz <= MAX_FREQUENCY)) {
            throw new IllegalArgumentException("PCA9685 frequency must be " + MIN_FREQUENCY + ".." + MAX_FREQUENCY
                    + " Hz, got " + hz);
        }
        return Math.max(3, (int) Math.round(OSCILLATOR_HZ / (COUNTS * hz)) - 1);
    }

    /** @return the output frequency of {@code prescale}: {@code 25 MHz / (4096 * (prescale + 1))} */
    static double frequencyOf(int prescale) {
        return OSCILLATOR_HZ / (COUNTS * (prescale + 1.0));
    }

    /** @return the device name (node {@code name}) */
    String device();

    /** @return the PRE_SCALE value in force */
    int prescale();

    /** @return the actual output frequency in Hz */
    default double frequency() {
        return frequencyOf(prescale());
    }

    /**
     * Writes {@code channel}'s ON and OFF counts (0..4095): high from {@code on} to {@code off}.
     *
     * @throws IllegalArgumentException a channel outside 0..15 or a count outside 0..4095
     */
    void setCounts(int channel, int on, int off) throws IOException;

    /** Full on (bit 4 of ON_H) or, with false, full off (bit 4 of OFF_H). */
    void setFull(int channel, boolean on) throws IOException;

    /**
     * Sets {@code channel} to {@code percent} (0..100) of the period: 0 is full off, 100 full on, otherwise
     * ON = 0 and OFF = round(4096 * percent / 100).
     */
    void setDutyCycle(int channel, double percent) throws IOException;

    /** @return the OFF count of a pulse {@code micros} long at the current frequency (0..4096, 4096 = full on) */
    int countsFor(double micros);

    /** Sets {@code channel} to pulses {@code micros} long at the current frequency ({@link #countsFor}). */
    void setPulseWidthMicros(int channel, double micros) throws IOException;

    /**
     * The servo mapping of this chip's node keys: {@code degrees} 0..{@code servo-range-deg} maps linearly to
     * {@code servo-min-us}..{@code servo-max-us}.
     *
     * @return the pulse width in microseconds
     * @throws IllegalArgumentException an angle outside 0..{@code servo-range-deg}
     */
    double servoPulseMicros(double degrees);

    /** Moves the servo on {@code channel} to {@code degrees}: {@link #servoPulseMicros} &rarr; {@link #countsFor}. */
    void setServoAngle(int channel, double degrees) throws IOException;
}
