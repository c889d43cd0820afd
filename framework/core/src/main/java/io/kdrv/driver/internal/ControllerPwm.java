package io.kdrv.driver.internal;

import com.pi4j.io.exception.IOException;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmBase;
import com.pi4j.io.pwm.PwmConfigBuilder;
import com.pi4j.io.pwm.PwmType;
import io.kdrv.driver.PwmState;

/**
 * A channel of a driver's PWM controller as a Pi4J {@link Pwm}: Pi4J's stored frequency, duty cycle and on state,
 * each change passed to {@link io.kdrv.driver.PwmController#apply}. Not part of a Pi4J context ({@link #provider()}
 * is null). Used by one consumer thread at a time, like Pi4J's own PWM; no lock is held while the controller runs.
 */
final class ControllerPwm extends PwmBase {
    private final PwmControllers.Entry controller;
    private final int channel;
    private final String owner;
    private volatile boolean released;

    ControllerPwm(PwmControllers.Entry controller, int channel, String owner, PwmState initial) {
        super(null, PwmConfigBuilder.newInstance(null)
                .disallowInheritProperties() // no context to inherit from
                .id("kdrv-pwm-" + controller.device + "-" + channel)
                .name(owner + " PWM " + controller.device + ":" + channel)
                .address(channel)
                .pwmType(PwmType.HARDWARE)
                .polarity(initial.polarity())
                .frequency(initial.frequency())
                .dutyCycle((int) Math.round(initial.dutyCycle()))
                .build());
        this.controller = controller;
        this.channel = channel;
        this.owner = owner;
        this.frequency = initial.frequency();
        this.dutyCycle = (int) Math.round(initial.dutyCycle());
        this.polarity = initial.polarity();
    }

    /** Programs the initial (disabled) state when the channel is claimed. */
    void applyInitial() {
        apply(false);
    }

    @Override
    public Pwm on() {
        apply(true);
        onState = true;
        return this;
    }

    @Override
    public Pwm off() {
        apply(false);
        onState = false;
        return this;
    }

    @Override
    public void setDutyCycle(Integer duty) {
        super.setDutyCycle(duty); // clamps to 0..100
        if (onState) {
            apply(true);
        }
    }

    @Override
    public void setFrequency(int hz) {
        if (hz <= 0) {
            throw new IllegalArgumentException(where() + ": frequency must be > 0 Hz, got " + hz);
        }
        super.setFrequency(hz);
        if (onState) {
            apply(true);
        }
    }

    /** Devres release: disable the channel (best effort: the controller may be gone), then refuse further use. */
    void release() {
        if (released) {
            return;
        }
        try {
            if (controller.live()) {
                apply(false);
            }
            onState = false;
        } finally {
            released = true;
        }
    }

    private void apply(boolean enabled) {
        if (released) {
            throw new IllegalStateException(where() + " was released");
        }
        if (!controller.live()) {
            throw new IllegalStateException(where() + ": PWM controller " + controller.device + " is no longer bound");
        }
        try {
            controller.controller.apply(channel, new PwmState(enabled, frequency, dutyCycle, polarity));
        } catch (java.io.IOException e) {
            throw new IOException(where() + ": " + e.getMessage(), e);
        }
    }

    private String where() {
        return "device " + owner + ": PWM " + controller.device + ":" + channel;
    }

    @Override
    public String toString() {
        return "Pwm[" + controller.device + ":" + channel + ", " + (onState ? "on" : "off") + ", " + frequency + " Hz, "
                + dutyCycle + " %]";
    }
}
