package io.kdrv.drivers.gpiokeys;

import java.util.List;

/**
 * A bound gpio-keys device as seen from outside the driver: its keys with their current state and press counts.
 * Available as the device's driver data ({@code device.driverData(GpioKeys.class)}) and from the driver component
 * while the device is bound.
 *
 * <p>Thread-safety: all methods may be called from any thread; they never block.
 */
public interface GpioKeys {
    /** The device node's name. */
    String device();

    /** A snapshot of every key, in node order. */
    List<Key> keys();

    /** Presses of all keys since probe. */
    long totalPresses();

    /**
     * A snapshot of one key.
     *
     * @param line    GPIO line
     * @param code    key code
     * @param label   label
     * @param pressed the last reported state
     * @param presses presses since probe
     */
    record Key(int line, int code, String label, boolean pressed, long presses) {
    }
}
