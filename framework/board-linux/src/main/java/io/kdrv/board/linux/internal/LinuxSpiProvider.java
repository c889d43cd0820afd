package io.kdrv.board.linux.internal;

import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiConfig;
import com.pi4j.io.spi.SpiProviderBase;

/** Pi4J SPI provider on {@code /dev/spidev<bus>.<cs>} (id {@value #ID}). */
public final class LinuxSpiProvider extends SpiProviderBase {
    public static final String ID = "linux-spi";
    private final String platform;
    private final String devDir;

    public LinuxSpiProvider(String platform, String devDir) {
        super(ID, "kdrv Linux spidev");
        this.platform = platform;
        this.devDir = devDir;
    }

    @Override
    public int getPriority() {
        return 1000;
    }

    @Override
    public Spi create(SpiConfig config) {
        SpiDev dev = SpiDev.open(platform, devDir, config.bus().getBus(), config.address(), config.mode().getMode(),
                config.baud());
        LinuxSpi spi = new LinuxSpi(this, config, dev);
        try {
            context.registry().add(spi);
        } catch (RuntimeException e) {
            dev.close();
            throw e;
        }
        return spi;
    }
}
