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
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SPI part of {@link PinBoard}: one claimant per bus and chip select ({@link PortClaims}, its own instance, so
 * SPI claims never wait on GPIO or I2C ones), Pi4J {@link Spi} devices from the context's SPI provider (looked up on
 * first use, so a platform without SPI still runs its GPIO and I2C and only {@code openSpi} fails, naming the
 * platform). Pi4J creates and shuts down the device outside the claim lock.
 */
final class SpiClaims {
    private static final Logger LOG = LoggerFactory.getLogger(SpiClaims.class);

    /** One claimed device, what {@link #infos} lists. */
    private record Open(SpiSettings settings, String owner, Spi io) {
    }

    private final String platform;
    private final Context pi4j;
    private final PortClaims claims = new PortClaims();
    private volatile SpiProvider provider; // looked up on first open

    SpiClaims(String platform, Context pi4j) {
        this.platform = platform;
        this.pi4j = pi4j;
    }

    Handle<Spi> open(Device owner, SpiSettings s) {
        String dev = Objects.requireNonNull(owner, "owner").name();
        Objects.requireNonNull(s, "settings");
        String what = "SPI bus " + s.bus() + " chip select " + s.chipSelect();
        Handle<Open> h = claims.claim(String.format("spi:%02d.%02d", s.bus(), s.chipSelect()), "spi",
                s.bus() + "." + s.chipSelect(), what, dev, () -> new Open(s, dev, create(dev, s, what)),
                o -> PortClaims.shutdown(pi4j, o.io(), LOG));
        return new Handle<>() {
            @Override
            public Spi get() {
                return h.get().io();
            }

            @Override
            public void close() {
                h.close();
            }
        };
    }

    private Spi create(String dev, SpiSettings s, String what) {
        SpiProvider p = provider();
        try {
            return p.create(Spi.newConfigBuilder(pi4j)
                    .id("kdrv-spi-" + s.bus() + "-" + s.chipSelect())
                    .name(dev + " SPI " + s.bus() + "." + s.chipSelect())
                    .bus(s.bus())
                    .address(s.chipSelect())
                    .mode(s.mode())
                    .baud(s.maxSpeedHz())
                    .build());
        } catch (RuntimeException e) {
            throw new BoardException(platform, "cannot open " + what + " for device " + dev + ": " + e.getMessage(),
                    e);
        }
    }

    private SpiProvider provider() {
        SpiProvider p = provider;
        if (p == null) {
            try {
                provider = p = pi4j.providers().get(IOType.SPI);
            } catch (RuntimeException e) {
                throw new BoardException(platform, "the Pi4J context has no SPI provider", e);
            }
        }
        return p;
    }

    /** @return the claimed devices, sorted by bus and chip select */
    List<SpiInfo> infos() {
        List<SpiInfo> out = new ArrayList<>();
        for (Open o : claims.opened(Open.class)) {
            SpiSettings s = o.settings();
            out.add(new SpiInfo(s.bus(), s.chipSelect(), s.mode(), s.maxSpeedHz(), o.owner()));
        }
        return out;
    }

    /** Releases every claim; later opens fail. Before the Pi4J context shuts down. */
    void close() {
        int left = claims.closeAll();
        if (left > 0) {
            LOG.info("kdrv board: closed platform {} with {} SPI device(s) still claimed", platform, left);
        }
    }
}
