package io.kdrv.board;

/**
 * Snapshot of one claimed SPI device, as shown by {@code gpio:list}.
 *
 * @param bus        SPI bus ({@code /dev/spidev<bus>.<cs>})
 * @param chipSelect chip select
 * @param mode       SPI mode 0..3
 * @param maxSpeedHz clock in Hz
 * @param owner      name of the device that claimed it
 */
public record SpiInfo(int bus, int chipSelect, int mode, int maxSpeedHz, String owner) {
}
