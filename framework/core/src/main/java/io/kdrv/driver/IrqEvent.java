package io.kdrv.driver;

import com.pi4j.io.gpio.digital.DigitalState;

/**
 * One GPIO edge delivered to an {@link IrqHandler}.
 *
 * @param line      the GPIO line (BCM number)
 * @param state     the level after the edge (HIGH = rising)
 * @param timestampNanos {@link System#nanoTime()} taken in the top half, when the edge was seen
 * @param sequence  1-based count of edges seen on this IRQ (including dropped ones), so gaps show overflow
 */
public record IrqEvent(int line, DigitalState state, long timestampNanos, long sequence) {
    public boolean rising() {
        return state == DigitalState.HIGH;
    }
}
