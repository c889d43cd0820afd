package io.kdrv.driver;

import com.pi4j.io.gpio.digital.DigitalState;

/**
 * One GPIO edge delivered to an {@link IrqHandler}.
 *
 * @param line      the GPIO line (BCM number; on a driver's GPIO controller its global number, {@link
 *                  GpioChip#number}: name it to users with {@link Device#gpioName})
 * @param state     the level after the edge (HIGH = rising)
 * @param timestampNanos when the edge happened, in the {@link System#nanoTime()} time base: the kernel's
 *                  CLOCK_MONOTONIC timestamp on a GPIO character device, the top half's clock on the mock board
 * @param sequence  1-based count of edges on this line (including dropped ones: the kernel's per-line sequence
 *                  number on a GPIO character device), so gaps show edges lost or dropped
 */
public record IrqEvent(int line, DigitalState state, long timestampNanos, long sequence) {
    public boolean rising() {
        return state == DigitalState.HIGH;
    }
}
