package io.kdrv.board.linux.internal;

import com.pi4j.context.Context;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.W1Bus;
import io.kdrv.board.Boards;
import io.kdrv.board.linux.LinuxPlatforms;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * The {@code raspberrypi} platform as an OSGi service: the board bundle prefers it to its built-in Pi4J gpiod
 * platform. The chip is chosen by label each time the board opens (see {@link LinuxPlatforms#raspberryPi()}).
 */
@Component(service = BoardPlatform.class, property = BoardPlatform.PLATFORM + "=" + Boards.RASPBERRY_PI)
public final class RaspberryPiPlatformComponent implements BoardPlatform {
    private final BoardPlatform delegate = LinuxPlatforms.raspberryPi();

    @Override
    public String name() {
        return delegate.name();
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
        return delegate.toString();
    }
}
