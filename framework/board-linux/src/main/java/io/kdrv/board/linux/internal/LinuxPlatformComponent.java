package io.kdrv.board.linux.internal;

import com.pi4j.context.Context;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.W1Bus;
import io.kdrv.board.linux.LinuxPlatforms;
import java.nio.file.Path;
import java.util.Optional;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * The {@code linux} platform as an OSGi service (PID {@code kdrv.board.linux}): any Linux board, or a VM with
 * gpio-sim, with the chip chosen by configuration. A configuration change re-registers the service, so the board
 * re-selects and reopens on the new chip.
 */
@Component(service = BoardPlatform.class, configurationPid = "kdrv.board.linux",
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = BoardPlatform.PLATFORM + "=" + LinuxPlatforms.LINUX)
@Designate(ocd = LinuxPlatformConfig.class)
public final class LinuxPlatformComponent implements BoardPlatform {
    /** Framework property naming the chip when the configuration does not. */
    public static final String CHIP_PROPERTY = "kdrv.board.linux.chip";

    private BoardPlatform delegate;

    @Activate
    void activate(BundleContext bc, LinuxPlatformConfig config) {
        delegate = LinuxPlatforms.chip(LinuxPlatforms.LINUX, chipSpec(config.chip(), bc.getProperty(CHIP_PROPERTY)),
                Path.of(config.dev_dir()), Path.of(config.pwm_dir()), java.util.List.of(config.pwm_chips()),
                Path.of(config.w1_root()));
    }

    static String chipSpec(String configured, String property) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        if (property != null && !property.isBlank()) {
            return property.trim();
        }
        return "gpiochip0";
    }

    @Override
    public String name() {
        return LinuxPlatforms.LINUX;
    }

    @Override
    public int lineCount() {
        return delegate.lineCount();
    }

    @Override
    public Context newContext() {
        return delegate.newContext();
    }

    @Override
    public Optional<W1Bus> w1Bus() {
        return delegate.w1Bus();
    }

    @Override
    public String toString() {
        return String.valueOf(delegate);
    }
}
