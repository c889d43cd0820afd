/**
 * The kdrv board: Pi4J-backed GPIO lines, threaded IRQs, I2C/SPI and pin ownership ({@link io.kdrv.board.KdrvBoard},
 * {@link io.kdrv.board.Boards}).
 *
 * <p>0.3.0: {@code KdrvBoard.spiDevices()} and {@code SpiInfo}; {@link io.kdrv.board.LineInfo#label()} (lines of
 * drivers' GPIO controllers, {@code "expander0:3"}).
 */
@org.osgi.annotation.versioning.Version("0.3.0")
package io.kdrv.board;
