package io.kdrv.board.mock.internal;

import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmConfig;
import com.pi4j.io.pwm.PwmProviderBase;

/** The mock board's Pi4J PWM provider (id {@code kdrv-mock-pwm}): {@link SimPwm} channels on {@link PwmSim}'s chips. */
public final class SimPwmProvider extends PwmProviderBase {
    private final PwmSim sim;

    public SimPwmProvider(PwmSim sim) {
        super("kdrv-mock-pwm", "kdrv mock PWM");
        this.sim = sim;
    }

    /** @throws IllegalArgumentException no such chip or channel (named) */
    @Override
    public Pwm create(PwmConfig config) {
        SimPwm pwm = new SimPwm(this, config, sim);
        sim.check(pwm.chip(), pwm.channel());
        context.registry().add(pwm); // initialises it from the config
        sim.opened(pwm);
        return pwm;
    }
}
