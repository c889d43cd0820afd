package io.kdrv.board;

import com.pi4j.io.pwm.PwmConfig;

/**
 * How the board tells a platform's Pi4J PWM provider which PWM chip a channel is on: Pi4J's {@code PwmConfig}
 * has only an address (the channel), so the chip travels as config property {@value #CHIP}. Providers that read
 * it: the mock board and kdrv-board-linux ({@code /sys/class/pwm}). Stateless and thread-safe.
 */
public final class PwmProperties {
    /** The board's PWM chip number (decimal), 0 when absent. */
    public static final String CHIP = "kdrv.pwm-chip";

    private PwmProperties() {
    }

    /** @return the chip of {@code config}, 0 when the property is absent */
    public static int chip(PwmConfig config) {
        String v = config.properties().get(CHIP);
        return v == null ? 0 : Integer.parseInt(v.strip());
    }
}
