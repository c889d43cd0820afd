package io.kdrv.board;

/**
 * Snapshot of one claimed I2C device, as shown by {@code gpio:list}.
 *
 * @param bus     I2C bus number ({@code /dev/i2c-<bus>})
 * @param address 7-bit device address
 * @param owner   name of the device that claimed it
 */
public record I2cInfo(int bus, int address, String owner) {
}
