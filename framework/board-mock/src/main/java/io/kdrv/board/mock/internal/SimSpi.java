package io.kdrv.board.mock.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.exception.IOException;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiBase;
import com.pi4j.io.spi.SpiConfig;
import com.pi4j.io.spi.SpiProvider;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One SPI device handle on the mock board: every Pi4J transfer is one {@link io.kdrv.board.mock.SpiChip} transfer
 * with chip select asserted for its length; {@code write} discards what came back, {@code read} clocks out zeros.
 */
final class SimSpi extends SpiBase {
    private final SpiSim sim;
    private final int bus;
    private final int cs;
    private final int mode;
    private final int speedHz;
    private final AtomicBoolean counted = new AtomicBoolean(true); // counted as open in sim until closed once

    SimSpi(SpiProvider provider, SpiConfig config, SpiSim sim) {
        super(provider, config);
        this.sim = sim;
        this.bus = config.bus().getBus();
        this.cs = config.address();
        this.mode = config.mode().getMode();
        this.speedHz = config.baud();
        sim.opened(SpiSim.key(bus, cs));
        this.isOpen = true;
    }

    private void ensureOpen() {
        if (!isOpen) {
            throw new IOException("mock SPI bus " + bus + " chip select " + cs + " is closed");
        }
    }

    @Override
    public int transfer(byte[] write, int writeOffset, byte[] read, int readOffset, int numberOfBytes) {
        ensureOpen();
        if (numberOfBytes < 0) {
            throw new IllegalArgumentException("negative transfer length " + numberOfBytes);
        }
        byte[] mosi = new byte[numberOfBytes];
        if (write != null) {
            Objects.checkFromIndexSize(writeOffset, numberOfBytes, write.length);
            System.arraycopy(write, writeOffset, mosi, 0, numberOfBytes);
        }
        byte[] miso = new byte[numberOfBytes];
        sim.transfer(bus, cs, mode, speedHz, mosi, miso);
        if (read != null) {
            Objects.checkFromIndexSize(readOffset, numberOfBytes, read.length);
            System.arraycopy(miso, 0, read, readOffset, numberOfBytes);
        }
        return numberOfBytes;
    }

    @Override
    public int write(byte b) {
        return transfer(new byte[] {b}, 0, null, 0, 1);
    }

    @Override
    public int write(byte[] data, int offset, int length) {
        return transfer(data, offset, null, 0, length);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        transfer(null, 0, one, 0, 1);
        return one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        return transfer(null, 0, buffer, offset, length);
    }

    private void uncount() {
        if (counted.compareAndSet(true, false)) {
            sim.closed(SpiSim.key(bus, cs));
        }
    }

    @Override
    public void close() {
        super.close();
        uncount();
    }

    @Override
    public Spi shutdown(Context context) throws ShutdownException {
        try {
            return super.shutdown(context);
        } finally {
            isOpen = false;
            uncount();
        }
    }
}
