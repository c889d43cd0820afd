package io.kdrv.board.mock;

import com.pi4j.io.pwm.PwmPolarity;

/**
 * One recorded state of a simulated PWM channel: what the driver had programmed after a change.
 *
 * @param enabled   whether the channel was outputting
 * @param frequency in Hz
 * @param dutyCycle in percent (Pi4J's integer duty cycle)
 * @param polarity  normal or inversed
 * @param nanos     when the change happened ({@link System#nanoTime()} base)
 */
public record PwmChange(boolean enabled, int frequency, int dutyCycle, PwmPolarity polarity, long nanos) {
    /** @return this state stamped {@code t} (tests compare states with {@code withNanos(0)}) */
    public PwmChange withNanos(long t) {
        return new PwmChange(enabled, frequency, dutyCycle, polarity, t);
    }

    /** @return whether frequency, duty cycle, polarity and enable equal {@code o}'s (the time ignored) */
    public boolean sameState(PwmChange o) {
        return o != null && enabled == o.enabled && frequency == o.frequency && dutyCycle == o.dutyCycle
                && polarity == o.polarity;
    }
}
