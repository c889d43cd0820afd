package io.kdrv.driver;

import com.pi4j.io.pwm.PwmPolarity;
import java.util.Objects;

/**
 * The state of one PWM channel: what the board programs into a SoC channel and what the core asks a
 * {@link PwmController} to apply to one of its channels. Also the initial settings of a channel that
 * {@link Device#pwm} opens (then {@code enabled} is false).
 *
 * @param enabled   whether the channel outputs its waveform (false: the output is at its inactive level)
 * @param frequency in Hz, &gt; 0
 * @param dutyCycle the active fraction in percent, 0..100
 * @param polarity  {@link PwmPolarity#NORMAL} (active high) or {@link PwmPolarity#INVERSED}
 */
public record PwmState(boolean enabled, int frequency, double dutyCycle, PwmPolarity polarity) {
    /**
     * @throws IllegalArgumentException a frequency &le; 0 or a duty cycle outside 0..100
     */
    public PwmState {
        Objects.requireNonNull(polarity, "polarity");
        if (frequency <= 0) {
            throw new IllegalArgumentException("PWM frequency must be > 0 Hz, got " + frequency);
        }
        if (!(dutyCycle >= 0 && dutyCycle <= 100)) {
            throw new IllegalArgumentException("PWM duty cycle must be 0..100 %, got " + dutyCycle);
        }
    }

    /** @return this state with {@code enabled} set as given */
    public PwmState withEnabled(boolean on) {
        return new PwmState(on, frequency, dutyCycle, polarity);
    }

    /** @return the period in nanoseconds, rounded ({@code 1e9 / frequency}) */
    public long periodNanos() {
        return Math.round(1e9 / frequency);
    }

    /** @return the active time in nanoseconds, rounded ({@code period * dutyCycle / 100}) */
    public long dutyNanos() {
        return Math.round(periodNanos() * dutyCycle / 100.0);
    }
}
