package io.kdrv.board.mock.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmBase;
import com.pi4j.io.pwm.PwmConfig;
import com.pi4j.io.pwm.PwmProvider;
import io.kdrv.board.PwmProperties;

/** A simulated SoC PWM channel: Pi4J's stored state, each change reported to the mock board's PWM model. */
public final class SimPwm extends PwmBase {
    private final PwmSim sim;

    SimPwm(PwmProvider provider, PwmConfig config, PwmSim sim) {
        super(provider, config);
        this.sim = sim;
    }

    /** @return the board PWM chip */
    public int chip() {
        return PwmProperties.chip(config());
    }

    /** @return the channel on the chip */
    public int channel() {
        return config().address();
    }

    @Override
    public Pwm on() {
        onState = true;
        sim.changed(this);
        return this;
    }

    @Override
    public Pwm off() {
        onState = false;
        sim.changed(this);
        return this;
    }

    @Override
    public void setDutyCycle(Integer duty) {
        super.setDutyCycle(duty);
        sim.changed(this);
    }

    @Override
    public void setFrequency(int hz) {
        if (hz <= 0) {
            throw new IllegalArgumentException("mock board: PWM " + chip() + ":" + channel()
                    + ": frequency must be > 0 Hz, got " + hz);
        }
        super.setFrequency(hz);
        sim.changed(this);
    }

    int frequencyNow() {
        return frequency;
    }

    int dutyNow() {
        return dutyCycle;
    }

    @Override
    public Pwm shutdown(Context context) throws ShutdownException {
        try {
            return super.shutdown(context); // off(): recorded
        } finally {
            sim.closed(this);
        }
    }
}
