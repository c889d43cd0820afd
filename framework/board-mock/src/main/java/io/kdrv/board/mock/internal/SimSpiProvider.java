package io.kdrv.board.mock.internal;

import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiConfig;
import com.pi4j.io.spi.SpiProviderBase;

/** A Pi4J SPI provider whose devices talk to the {@link io.kdrv.board.mock.SpiChip}s attached to the mock board. */
public final class SimSpiProvider extends SpiProviderBase {
    /** Provider id in the Pi4J context. */
    public static final String ID = "kdrv-sim-spi";
    private final SpiSim sim;

    public SimSpiProvider(SpiSim sim) {
        super(ID, "kdrv register-model SPI");
        this.sim = sim;
    }

    @Override
    public int getPriority() {
        return 1000;
    }

    @Override
    public Spi create(SpiConfig config) {
        SimSpi spi = new SimSpi(this, config, sim);
        try {
            context.registry().add(spi);
        } catch (RuntimeException e) {
            spi.close();
            throw e;
        }
        return spi;
    }
}
