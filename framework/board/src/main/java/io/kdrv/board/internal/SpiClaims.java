package io.kdrv.board.internal;

import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiProvider;
import io.kdrv.board.BoardException;
import io.kdrv.board.SpiInfo;
import io.kdrv.driver.Device;
import io.kdrv.driver.spi.Board.Handle;
import io.kdrv.driver.spi.SpiSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPI part of {@link PinBoard}: one claimant per bus and chip select, Pi4J {@link Spi} devices from the
 * context's SPI provider (looked up on first use, so a platform without SPI still runs its GPIO and I2C and only
 * {@code openSpi} fails, naming the platform).
 *
 * <p>Locking: {@code lock} guards the claim map and is held while Pi4J creates or shuts down a device (quick; Pi4J
 * never calls back into the board). Its own lock, not PinBoard's: SPI claims never wait on GPIO or I2C ones.
 */
final class SpiClaims {
    private static final Logger LOG = LoggerFactory.getLogger(SpiClaims.class);

    private final String platform;
    private final Context pi4j;
    private final Object lock = new Object();
    private final Map<Integer, Claim> claims = new TreeMap<>(); // key bus << 8 | cs; guarded by lock
    private SpiProvider provider;                               // guarded by lock, looked up on first open
    private boolean closed;                                     // guarded by lock

    SpiClaims(String platform, Context pi4j) {
        this.platform = platform;
        this.pi4j = pi4j;
    }

    Handle<Spi> open(Device owner, SpiSettings s) {
        String dev = Objects.requireNonNull(owner, "owner").name();
        Objects.requireNonNull(s, "settings");
        int key = s.bus() << 8 | s.chipSelect();
        Claim claim;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("kdrv board (platform " + platform + ") is closed");
            }
            Claim held = claims.get(key);
            if (held != null) {
                throw new IllegalStateException("SPI bus " + s.bus() + " chip select " + s.chipSelect()
                        + " is already claimed by device " + held.owner);
            }
            SpiProvider p = provider();
            Spi io;
            try {
                io = p.create(Spi.newConfigBuilder(pi4j)
                        .id("kdrv-spi-" + s.bus() + "-" + s.chipSelect())
                        .name(dev + " SPI " + s.bus() + "." + s.chipSelect())
                        .bus(s.bus())
                        .address(s.chipSelect())
                        .mode(s.mode())
                        .baud(s.maxSpeedHz())
                        .build());
            } catch (RuntimeException e) {
                throw new BoardException(platform, "cannot open SPI bus " + s.bus() + " chip select "
                        + s.chipSelect() + " for device " + dev + ": " + e.getMessage(), e);
            }
            claim = new Claim(key, s, dev, io);
            claims.put(key, claim);
        }
        Claim c = claim;
        return new Handle<>() {
            @Override
            public Spi get() {
                return c.io;
            }

            @Override
            public void close() {
                release(c);
            }
        };
    }

    private SpiProvider provider() { // caller holds lock
        if (provider == null) {
            try {
                provider = pi4j.providers().get(IOType.SPI);
            } catch (RuntimeException e) {
                throw new BoardException(platform, "the Pi4J context has no SPI provider", e);
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
                    pi4j.shutdown(c.io.id()); // closes the device and removes it from the registry
                }
            } catch (RuntimeException e) {
                LOG.warn("kdrv board: shutting down Pi4J SPI {} failed: {}", c.io.id(), e.toString(), e);
            }
            claims.remove(c.key, c);
        }
    }

    /** @return the claimed devices, sorted by bus and chip select */
    List<SpiInfo> infos() {
        synchronized (lock) {
            List<SpiInfo> out = new ArrayList<>(claims.size());
            for (Claim c : claims.values()) {
                SpiSettings s = c.settings;
                out.add(new SpiInfo(s.bus(), s.chipSelect(), s.mode(), s.maxSpeedHz(), c.owner));
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
            LOG.info("kdrv board: closing platform {} with {} SPI device(s) still claimed", platform, left.size());
        }
        for (Claim c : left) {
            release(c);
        }
    }

    private static final class Claim {
        final int key;
        final SpiSettings settings;
        final String owner;
        final Spi io;
        boolean released; // guarded by lock

        Claim(int key, SpiSettings settings, String owner, Spi io) {
            this.key = key;
            this.settings = settings;
            this.owner = owner;
            this.io = io;
        }
    }
}
