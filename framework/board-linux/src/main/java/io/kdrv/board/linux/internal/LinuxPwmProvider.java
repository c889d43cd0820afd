package io.kdrv.board.linux.internal;

import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmConfig;
import com.pi4j.io.pwm.PwmProviderBase;
import io.kdrv.board.BoardException;
import io.kdrv.board.PwmProperties;
import java.nio.file.Path;

/** Pi4J PWM provider on the kernel's sysfs PWM interface (id {@value #ID}); see {@link SysfsPwm}. */
public final class LinuxPwmProvider extends PwmProviderBase {
    public static final String ID = "linux-pwm";
    private final String platform;
    private final SysfsPwm sysfs;

    public LinuxPwmProvider(String platform, SysfsPwm sysfs) {
        super(ID, "kdrv Linux sysfs PWM");
        this.platform = platform;
        this.sysfs = sysfs;
    }

    @Override
    public int getPriority() {
        return 1000;
    }

    /**
     * Exports the channel (chip: config property {@link PwmProperties#CHIP}, channel: the address).
     *
     * @throws IllegalArgumentException no such chip or channel
     * @throws IllegalStateException    the channel is exported by someone else (EBUSY)
     * @throws BoardException           the export failed or timed out
     */
    @Override
    public Pwm create(PwmConfig config) {
        SysfsPwm.Chip chip = sysfs.chip(PwmProperties.chip(config));
        int channel = config.address();
        Path dir;
        try {
            dir = sysfs.export(chip, channel);
        } catch (java.io.IOException e) {
            throw new BoardException(platform, e.getMessage(), e);
        }
        LinuxPwm pwm;
        try {
            pwm = new LinuxPwm(this, config, sysfs, chip, channel, dir);
            context.registry().add(pwm);
        } catch (java.io.IOException | RuntimeException e) {
            try {
                sysfs.unexport(chip, channel);
            } catch (java.io.IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new BoardException(platform, e.getMessage(), e);
        }
        return pwm;
    }
}
