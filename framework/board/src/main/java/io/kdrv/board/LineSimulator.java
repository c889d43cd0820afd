package io.kdrv.board;

import java.time.Duration;

/**
 * Drives input lines of a simulated board. Registered as an OSGi service by the mock board bundle; used by the
 * {@code gpio:set} and {@code gpio:pulse} shell commands. Real platforms have no simulator.
 *
 * <p>Thread-safe. Changes are delivered synchronously to the line's Pi4J listeners (an IRQ top half) on the
 * calling thread.
 */
public interface LineSimulator {
    /**
     * Sets the level of input {@code line}. A real change fires the line's listeners; setting the current level
     * does nothing. The level is kept for a line nobody has opened yet and applies when it is opened.
     *
     * @throws IllegalArgumentException when the board has no such line, or the line is claimed as an output
     */
    void setInput(int line, boolean high);

    /**
     * Drives {@code line} to the opposite of its current level for {@code width}, then back: two edges.
     *
     * @param width how long the pulse lasts; {@link Duration#ZERO} for back-to-back edges
     * @throws IllegalArgumentException as for {@link #setInput}
     */
    void pulse(int line, Duration width);
}
