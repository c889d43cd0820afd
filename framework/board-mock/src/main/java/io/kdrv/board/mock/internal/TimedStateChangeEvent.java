package io.kdrv.board.mock.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import io.kdrv.board.spi.TimestampedEdge;

/** A level change that carries the simulated edge's own time, so the IRQ top half does not read the clock. */
@SuppressWarnings({"rawtypes", "unchecked"})
final class TimedStateChangeEvent extends DigitalStateChangeEvent implements TimestampedEdge {
    private final long timestampNanos;

    TimedStateChangeEvent(DigitalInput source, DigitalState state, long timestampNanos) {
        super(source, state);
        this.timestampNanos = timestampNanos;
    }

    @Override
    public long timestampNanos() {
        return timestampNanos;
    }
}
