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
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PWM part of {@link PinBoard}: one claimant per SoC PWM chip and channel, Pi4J {@link Pwm}s from the
 * context's PWM provider (looked up on first use, so a platform without PWM still runs everything else and only
 * {@code openPwm} fails, naming the platform). The chip travels to the provider as config property
 * {@link PwmProperties#CHIP}; a released channel is shut down by Pi4J with shutdown value 0 (off) and, on Linux,
 * unexported by the provider.
 *
 * <p>Locking: {@code lock} guards the claim map and is held while Pi4J creates or shuts down a channel (a few sysfs
 * writes; Pi4J never calls back into the board). Its own lock, not PinBoard's: PWM claims never wait on GPIO ones.
 */
final class PwmClaims {
    private static final Logger LOG = LoggerFactory.getLogger(PwmClaims.class);

    private final String platform;
    private final Context pi4j;
    private final Object lock = new Object();
    private final Map<Integer, Claim> claims = new TreeMap<>(); // key chip << 16 | channel; guarded by lock
    private PwmProvider provider;                               // guarded by lock, looked up on first open
    private boolean closed;                                     // guarded by lock

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
        int key = chip << 16 | channel;
        Claim claim;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("kdrv board (platform " + platform + ") is closed");
            }
            Claim held = claims.get(key);
            if (held != null) {
                throw new IllegalStateException("PWM chip " + chip + " channel " + channel
                        + " is already claimed by device " + held.owner);
            }
            PwmProvider p = provider();
            Pwm io;
            try {
                io = p.create(Pwm.newConfigBuilder(pi4j)
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
                throw new BoardException(platform, "cannot open PWM chip " + chip + " channel " + channel
                        + " for device " + dev + ": " + e.getMessage(), e);
            }
            claim = new Claim(key, chip, channel, dev, io);
            claims.put(key, claim);
        }
        Claim c = claim;
        return new Handle<>() {
            @Override
            public Pwm get() {
                return c.io;
            }

            @Override
            public void close() {
                release(c);
            }
        };
    }

    private PwmProvider provider() { // caller holds lock
        if (provider == null) {
            try {
                provider = pi4j.providers().get(IOType.PWM);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("platform " + platform + " has no PWM (its Pi4J context has no "
                        + "PWM provider)", e);
            }
        }
        return provider;
    }

    private void release(Claim c) {
        synchronized (lock) {
            if (c.released) {
                return;
            }
            c.released = true;
            try {
                if (!pi4j.isShutdown()) {
                    pi4j.shutdown(c.io.id()); // off (shutdown value 0), unexport, out of the registry
                }
            } catch (RuntimeException e) {
                LOG.warn("kdrv board: shutting down Pi4J PWM {} failed: {}", c.io.id(), e.toString(), e);
            }
            claims.remove(c.key, c);
        }
    }

    /** @return the claimed channels with their current state, sorted by chip and channel */
    List<PwmInfo> infos() {
        synchronized (lock) {
            List<PwmInfo> out = new ArrayList<>(claims.size());
            for (Claim c : claims.values()) {
                int hz;
                int duty;
                try {
                    hz = c.io.getFrequency();
                    duty = c.io.getDutyCycle();
                } catch (RuntimeException e) {
                    hz = -1;
                    duty = -1;
                }
                out.add(new PwmInfo(c.chip, c.channel, c.owner, c.io.isOn(), hz, duty));
            }
            return out;
        }
    }

    /** Releases every claim; later opens fail. Before the Pi4J context shuts down. */
    void close() {
        List<Claim> left;
        synchronized (lock) {
            closed = true;
            left = new ArrayList<>(claims.values());
        }
        if (!left.isEmpty()) {
            LOG.info("kdrv board: closing platform {} with {} PWM channel(s) still claimed", platform, left.size());
        }
        for (Claim c : left) {
            release(c);
        }
    }

    private static final class Claim {
        final int key;
        final int chip;
        final int channel;
        final String owner;
        final Pwm io;
        boolean released; // guarded by lock

        Claim(int key, int chip, int channel, String owner, Pwm io) {
            this.key = key;
            this.chip = chip;
            this.channel = channel;
            this.owner = owner;
            this.io = io;
        }
    }
}
