package io.kdrv.board;

/**
 * Snapshot of one claimed port other than a GPIO line or an I2C device, as shown by {@code gpio:list}.
 *
 * @param kind  {@code serial} or {@code w1}
 * @param port  the serial device path as the node named it, or the 1-Wire slave id
 * @param owner name of the device that claimed it
 */
public record PortInfo(String kind, String port, String owner) {
}
