package io.kdrv.board.mock.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import io.kdrv.board.LineProperties;
import io.kdrv.board.spi.TimestampedStateChangeEvent;
import io.kdrv.driver.LineConfig;

/**
 * Pi4J's mock input, reporting its shutdown. Levels are driven through {@link MockDigitalInput#mockState}, which
 * dispatches to listeners on the caller's thread and only on a real change: the real Pi4J listener path.
 */
public final class SimInput extends MockDigitalInput {
    private final SimHooks hooks;
    /** Timestamp for the edge being dispatched by {@link #mockState(DigitalState, long)}; 0 = none. */
    private long stampNanos; // confined to the caller of mockState, which holds the MockBoard line's lock

    SimInput(DigitalInputProvider provider, DigitalInputConfig config, SimHooks hooks) {
        super(provider, config);
        this.hooks = hooks;
    }

    /** @return the line configuration the board requested (bias, active-low) */
    public LineConfig lineConfig() {
        return LineProperties.fromProperties(config().properties());
    }

    /** @return the GPIO line */
    public int line() {
        return config().address();
    }

    /**
     * {@link #mockState(DigitalState)} for an edge that happened at {@code timestampNanos} ({@code System.nanoTime}
     * base): listeners get an event carrying that time ({@link io.kdrv.board.spi.TimestampedEdge}).
     */
    public void mockState(DigitalState level, long timestampNanos) {
        stampNanos = timestampNanos;
        try {
            mockState(level);
        } finally {
            stampNanos = 0;
        }
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    protected void dispatch(DigitalStateChangeEvent event) {
        long stamp = stampNanos;
        super.dispatch(stamp == 0 ? event : new TimestampedStateChangeEvent(this, event.state(), stamp));
    }

    @Override
    public DigitalInput shutdown(Context context) throws ShutdownException {
        try {
            return super.shutdown(context);
        } finally {
            hooks.inputClosed(this);
        }
    }
}
