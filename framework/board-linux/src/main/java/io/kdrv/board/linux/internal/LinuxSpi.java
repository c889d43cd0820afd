package io.kdrv.board.linux.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiBase;
import com.pi4j.io.spi.SpiConfig;
import com.pi4j.io.spi.SpiProvider;

/** A Pi4J SPI device on {@code /dev/spidev<bus>.<cs>}: every Pi4J transfer is one {@link SpiDev#transfer}. */
final class LinuxSpi extends SpiBase {
    private final SpiDev dev;

    LinuxSpi(SpiProvider provider, SpiConfig config, SpiDev dev) {
        super(provider, config);
        this.dev = dev;
        this.isOpen = true;
    }

    SpiDev dev() {
        return dev;
    }

    @Override
    public int transfer(byte[] write, int writeOffset, byte[] read, int readOffset, int numberOfBytes) {
        dev.transfer(write, writeOffset, read, readOffset, numberOfBytes);
        return numberOfBytes;
    }

    @Override
    public int write(byte b) {
        dev.transfer(new byte[] {b}, 0, null, 0, 1);
        return 1;
    }

    @Override
    public int write(byte[] data, int offset, int length) {
        dev.transfer(data, offset, null, 0, length);
        return length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        dev.transfer(null, 0, one, 0, 1);
        return one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        dev.transfer(null, 0, buffer, offset, length);
        return length;
    }

    @Override
    public void close() {
        super.close();
        dev.close();
    }

    @Override
    public Spi shutdown(Context context) throws ShutdownException {
        try {
            return super.shutdown(context);
        } finally {
            isOpen = false;
            dev.close();
        }
    }
}
