package io.kdrv.board;

import com.pi4j.context.Context;
import io.kdrv.driver.spi.Board;
import java.util.List;

/**
 * A running board: the {@link Board} the driver core hands resources out of, plus introspection and life cycle.
 * Obtained from {@link Boards#open(BoardPlatform)} in plain Java, or as an OSGi service (registered under both
 * {@code io.kdrv.driver.spi.Board} and this interface by the board bundle).
 *
 * <p>Thread-safe. {@link #close()} releases every claimed line and I2C device (freeing IRQs first) and shuts the
 * Pi4J context down; handles closed afterwards do nothing, and opening new resources fails with
 * {@link IllegalStateException}.
 */
public interface KdrvBoard extends Board, AutoCloseable {
    /** @return the platform this board runs on */
    BoardPlatform boardPlatform();

    /** @return the claimed GPIO lines, sorted by line */
    List<LineInfo> lines();

    /** @return the claimed I2C devices, sorted by bus and address */
    List<I2cInfo> i2cDevices();

    /** @return the claimed SPI devices, sorted by bus and chip select (none on a board without SPI) */
    default List<SpiInfo> spiDevices() {
        return List.of();
    }

    /** @return the claimed SoC PWM channels with their state, sorted by chip and channel (none without PWM) */
    default List<PwmInfo> pwmChannels() {
        return List.of();
    }

    /** @return the claimed serial ports and 1-Wire slaves, sorted by kind and port; none by default */
    default List<PortInfo> ports() {
        return List.of();
    }

    /**
     * The Pi4J context, for diagnostics. Do not create I/O through it: such I/O bypasses pin ownership and is not
     * released on unplug.
     *
     * @return the context
     */
    Context pi4j();

    /** @return true once {@link #close()} was called */
    boolean isClosed();

    /** Releases everything and shuts the Pi4J context down. Idempotent. Blocks while IRQ kthreads stop (bounded). */
    @Override
    void close();
}
