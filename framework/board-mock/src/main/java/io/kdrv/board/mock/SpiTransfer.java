package io.kdrv.board.mock;

import java.util.HexFormat;

/**
 * One SPI transfer recorded by the {@link MockBoard} ({@link MockBoard#spiTransfers}): chip select asserted,
 * {@code mosi.length} bytes clocked full duplex, chip select released.
 *
 * @param bus        SPI bus
 * @param chipSelect chip select
 * @param mode       SPI mode the controller used
 * @param speedHz    clock the controller used
 * @param mosi       bytes sent to the chip (a copy)
 * @param miso       bytes received from it (a copy; zeros when no chip was attached)
 * @param nanoTime   {@link System#nanoTime()} when the transfer started
 */
public record SpiTransfer(int bus, int chipSelect, int mode, int speedHz, byte[] mosi, byte[] miso, long nanoTime) {
    /** Copies the arrays, so a record never changes. */
    public SpiTransfer {
        mosi = mosi.clone();
        miso = miso.clone();
    }

    @Override
    public byte[] mosi() {
        return mosi.clone();
    }

    @Override
    public byte[] miso() {
        return miso.clone();
    }

    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "SpiTransfer[spi" + bus + "." + chipSelect + " mode " + mode + " " + speedHz + " Hz mosi "
                + hex.formatHex(mosi) + " miso " + hex.formatHex(miso) + "]";
    }
}
