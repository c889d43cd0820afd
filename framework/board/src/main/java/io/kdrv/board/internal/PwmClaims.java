package io.kdrv.board.internal;

import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmProvider;
import com.pi4j.io.pwm.PwmType;
import io.kdrv.board.BoardException;
import io.kdrv.board.PwmInfo;
import io.kdrv.board.PwmProperties;
import io.kdrv.driver.Device;
import io.kdrv.driver.PwmState;
import io.kdrv.driver.spi.Board.Handle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PWM part of {@link PinBoard}: one claimant per SoC PWM chip and channel ({@link PortClaims}, its own instance,
 * so PWM claims never wait on GPIO ones), Pi4J {@link Pwm}s from the context's PWM provider (looked up on first use,
 * so a platform without PWM still runs everything else and only {@code openPwm} fails, naming the platform). The
 * chip travels to the provider as config property {@link PwmProperties#CHIP}; a released channel is shut down by
 * Pi4J with shutdown value 0 (off) and, on Linux, unexported by the provider. Pi4J creates and shuts down channels
 * (a few sysfs writes) outside the claim lock.
 */
final class PwmClaims {
    private static final Logger LOG = LoggerFactory.getLogger(PwmClaims.class);

    /** One claimed channel, what {@link #infos} lists. */
    private record Open(int chip, int channel, String owner, Pwm io) {
    }

    private final String platform;
    private final Context pi4j;
    private final PortClaims claims = new PortClaims();
    private volatile PwmProvider provider; // looked up on first open

    PwmClaims(String platform, Context pi4j) {
        this.platform = platform;
        this.pi4j = pi4j;
    }

    /**
     * @throws IllegalArgumentException no such chip or channel, or no PWM on this platform (named)
     * @throws IllegalStateException    claimed by another device (named), or the board is closed
     */
    Handle<Pwm> open(Device owner, int chip, int channel, PwmState initial) {
        String dev = Objects.requireNonNull(owner, "owner").name();
        Objects.requireNonNull(initial, "initial");
        if (chip < 0 || chip > 0xFFFF || channel < 0 || channel > 0xFFFF) {
            throw new IllegalArgumentException("device " + dev + ": invalid PWM chip " + chip + " channel " + channel);
        }
        String what = "PWM chip " + chip + " channel " + channel;
        Handle<Open> h = claims.claim(String.format("pwm:%05d:%05d", chip, channel), "pwm", chip + ":" + channel,
                what, dev, () -> new Open(chip, channel, dev, create(dev, chip, channel, initial, what)),
                o -> PortClaims.shutdown(pi4j, o.io(), LOG)); // off (shutdown value 0), unexport, out of the registry
        return new Handle<>() {
            @Override
            public Pwm get() {
                return h.get().io();
            }

            @Override
            public void close() {
                h.close();
            }
        };
    }

    private Pwm create(String dev, int chip, int channel, PwmState initial, String what) {
        PwmProvider p = provider();
        try {
            return p.create(Pwm.newConfigBuilder(pi4j)
                    .id("kdrv-pwm-" + chip + "-" + channel)
                    .name(dev + " PWM " + chip + ":" + channel)
                    .address(channel)
                    .load(Map.of(PwmProperties.CHIP, Integer.toString(chip)))
                    .pwmType(PwmType.HARDWARE)
                    .frequency(initial.frequency())
                    .dutyCycle((int) Math.round(initial.dutyCycle()))
                    .polarity(initial.polarity())
                    .shutdown(0) // Pi4J turns it off on shutdown: nothing keeps running after unplug
                    .build());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("device " + dev + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new BoardException(platform, "cannot open " + what + " for device " + dev + ": " + e.getMessage(),
                    e);
        }
    }

    private PwmProvider provider() {
        PwmProvider p = provider;
        if (p == null) {
            try {
                provider = p = pi4j.providers().get(IOType.PWM);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("platform " + platform + " has no PWM (its Pi4J context has no "
                        + "PWM provider)", e);
            }
        }
        return p;
    }

    /** @return the claimed channels with their current state, sorted by chip and channel */
    List<PwmInfo> infos() {
        List<PwmInfo> out = new ArrayList<>();
        for (Open o : claims.opened(Open.class)) {
            int hz;
            int duty;
            try {
                hz = o.io().getFrequency();
                duty = o.io().getDutyCycle();
            } catch (RuntimeException e) {
                hz = -1;
                duty = -1;
            }
            out.add(new PwmInfo(o.chip(), o.channel(), o.owner(), o.io().isOn(), hz, duty));
        }
        return out;
    }

    /** Releases every claim; later opens fail. Before the Pi4J context shuts down. */
    void close() {
        int left = claims.closeAll();
        if (left > 0) {
            LOG.info("kdrv board: closed platform {} with {} PWM channel(s) still claimed", platform, left);
        }
    }
}
