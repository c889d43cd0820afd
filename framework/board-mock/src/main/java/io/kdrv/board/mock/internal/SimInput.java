package io.kdrv.board.mock.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;

/**
 * Pi4J's mock input, reporting its shutdown. Levels are driven through {@link MockDigitalInput#mockState}, which
 * dispatches to listeners on the caller's thread and only on a real change: the real Pi4J listener path.
 */
public final class SimInput extends MockDigitalInput {
    private final SimHooks hooks;

    SimInput(DigitalInputProvider provider, DigitalInputConfig config, SimHooks hooks) {
        super(provider, config);
        this.hooks = hooks;
    }

    /** @return the GPIO line */
    public int line() {
        return config().address();
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
