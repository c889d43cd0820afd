package io.kdrv.board.mock;

import com.pi4j.io.gpio.digital.DigitalState;

/**
 * One recorded level of a mock output line.
 *
 * @param level          the level the output took
 * @param timestampNanos {@link System#nanoTime()} when it was recorded
 */
public record LevelChange(DigitalState level, long timestampNanos) {
    /** @return true for {@link DigitalState#HIGH} */
    public boolean high() {
        return level == DigitalState.HIGH;
    }
}
