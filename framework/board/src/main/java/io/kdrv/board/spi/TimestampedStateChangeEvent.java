package io.kdrv.board.spi;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;

/**
 * A Pi4J level change that carries its edge's own time ({@link TimestampedEdge}), for providers that dispatch edges
 * to listeners themselves: the mock board's simulated inputs, and the lines of drivers' GPIO controllers (the time
 * of the controller's interrupt). Immutable.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
public final class TimestampedStateChangeEvent extends DigitalStateChangeEvent implements TimestampedEdge {
    private final long timestampNanos;

    /** @param timestampNanos when the edge happened, {@link System#nanoTime()} base */
    public TimestampedStateChangeEvent(DigitalInput source, DigitalState state, long timestampNanos) {
        super(source, state);
        this.timestampNanos = timestampNanos;
    }

    @Override
    public long timestampNanos() {
        return timestampNanos;
    }
}
