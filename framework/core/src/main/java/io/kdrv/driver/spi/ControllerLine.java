package io.kdrv.driver.spi;

import io.kdrv.driver.GpioController;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One line of a GPIO controller registered by a driver ({@link io.kdrv.driver.Device#registerGpioController}), as
 * the core hands it to the board to claim ({@link Board#openInput(io.kdrv.driver.Device, ControllerLine,
 * io.kdrv.driver.LineConfig)}). The board owns the claim (pin ownership, the Pi4J I/O, {@code gpio:list}); the
 * controller driver owns the hardware. Implemented by the core; thread-safe.
 */
@ProviderType
public interface ControllerLine {
    /** The controller's name (its device's node name). */
    String controller();

    /** The line on the controller. */
    int offset();

    /** The global line number ({@link io.kdrv.driver.GpioChip#number}). */
    int number();

    /** {@code "<controller>:<offset>"}: the name used in claims, errors, kthread names and {@code gpio:list}. */
    default String label() {
        return controller() + ":" + offset();
    }

    /** The controller's operations (physical levels; see {@link GpioController}). */
    GpioController ops();

    /** Receives the edges the controller driver delivers for this line. */
    @FunctionalInterface
    interface EdgeSink {
        /** Called on the controller's interrupt thread; must not block. */
        void edge(boolean high, long timestampNanos);
    }

    /**
     * Connects {@code sink} to this line's edges (replacing any earlier one), or disconnects with {@code null}.
     * The board connects it when it claims the line and disconnects it on release.
     */
    void connectEdges(EdgeSink sink);
}
