/**
 * The kdrv board: Pi4J-backed GPIO lines, threaded IRQs, I2C/SPI and pin ownership ({@link io.kdrv.board.KdrvBoard},
 * {@link io.kdrv.board.Boards}).
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package io.kdrv.board;
