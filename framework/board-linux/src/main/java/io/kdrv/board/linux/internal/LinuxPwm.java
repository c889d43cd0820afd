package io.kdrv.board.linux.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.exception.IOException;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmBase;
import com.pi4j.io.pwm.PwmConfig;
import com.pi4j.io.pwm.PwmPolarity;
import com.pi4j.io.pwm.PwmProvider;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One exported sysfs PWM channel as a Pi4J {@link Pwm}: {@code on()} programs period, duty cycle and polarity and
 * sets {@code enable}; changes while on are written at once; {@code shutdown} (the board releasing it) disables
 * and unexports. Used from one thread at a time (the board's claim); errors name the sysfs file.
 */
final class LinuxPwm extends PwmBase {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxPwm.class);
    private final SysfsPwm sysfs;
    private final SysfsPwm.Chip chip;
    private final int channel;
    private final Path dir;
    private long periodNs;      // as last written (or read after export)
    private long dutyNs;
    private PwmPolarity written;

    LinuxPwm(PwmProvider provider, PwmConfig config, SysfsPwm sysfs, SysfsPwm.Chip chip, int channel, Path dir)
            throws java.io.IOException {
        super(provider, config);
        this.sysfs = sysfs;
        this.chip = chip;
        this.channel = channel;
        this.dir = dir;
        this.periodNs = sysfs.readLong(dir, "period");
        this.dutyNs = sysfs.readLong(dir, "duty_cycle");
        sysfs.write(dir, "enable", "0"); // a channel left enabled by a previous user starts disabled
    }

    @Override
    public Pwm on() {
        try {
            program();
            sysfs.write(dir, "enable", "1");
        } catch (java.io.IOException e) {
            throw new IOException(e.getMessage(), e);
        }
        onState = true;
        return this;
    }

    @Override
    public Pwm off() {
        try {
            sysfs.write(dir, "enable", "0");
        } catch (java.io.IOException e) {
            throw new IOException(e.getMessage(), e);
        }
        onState = false;
        return this;
    }

    @Override
    public void setDutyCycle(Integer duty) {
        super.setDutyCycle(duty);
        reprogramIfOn();
    }

    @Override
    public void setFrequency(int hz) {
        if (hz <= 0) {
            throw new IllegalArgumentException(dir + ": frequency must be > 0 Hz, got " + hz);
        }
        super.setFrequency(hz);
        reprogramIfOn();
    }

    @Override
    public int getActualFrequency() {
        return periodNs > 0 ? (int) Math.round(1e9 / periodNs) : frequency;
    }

    private void reprogramIfOn() {
        if (onState) {
            try {
                program();
            } catch (java.io.IOException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
    }

    /**
     * Writes period and duty in an order the kernel accepts (it rejects a duty cycle longer than the period with
     * EINVAL), and the polarity, which can only change while the channel is disabled.
     */
    private void program() throws java.io.IOException {
        long period = Math.round(1e9 / frequency);
        long duty = Math.round(period * dutyCycle / 100.0);
        if (polarity != written) {
            if (onState) {
                sysfs.write(dir, "enable", "0");
            }
            sysfs.write(dir, "polarity", polarity == PwmPolarity.INVERSED ? "inversed" : "normal");
            written = polarity;
        }
        if (duty > periodNs) {
            sysfs.write(dir, "period", Long.toString(period));
            sysfs.write(dir, "duty_cycle", Long.toString(duty));
        } else {
            sysfs.write(dir, "duty_cycle", Long.toString(duty));
            sysfs.write(dir, "period", Long.toString(period));
        }
        periodNs = period;
        dutyNs = duty;
    }

    @Override
    public Pwm shutdown(Context context) throws ShutdownException {
        try {
            return super.shutdown(context); // shutdown value 0: off()
        } catch (RuntimeException e) {
            LOG.warn("PWM {}: disabling on release failed: {}", dir, e.getMessage());
            return this;
        } finally {
            try {
                sysfs.unexport(chip, channel);
            } catch (java.io.IOException e) {
                LOG.warn("PWM {}: {}", dir, e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "LinuxPwm[" + dir + ", " + (onState ? "on" : "off") + ", period " + periodNs + " ns, duty " + dutyNs
                + " ns]";
    }
}
