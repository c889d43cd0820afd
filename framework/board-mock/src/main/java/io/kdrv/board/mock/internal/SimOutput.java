package io.kdrv.board.mock.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputConfig;
import com.pi4j.io.gpio.digital.DigitalOutputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutput;
import io.kdrv.board.LineProperties;
import io.kdrv.driver.LineConfig;

/** Pi4J's mock output, reporting its shutdown (after the shutdown level was applied and recorded). */
public final class SimOutput extends MockDigitalOutput {
    private final SimHooks hooks;

    SimOutput(DigitalOutputProvider provider, DigitalOutputConfig config, SimHooks hooks) {
        super(provider, config);
        this.hooks = hooks;
    }

    /** @return the line configuration the board requested (bias, drive, active-low) */
    public LineConfig lineConfig() {
        return LineProperties.fromProperties(config().properties());
    }

    /** @return the GPIO line */
    public int line() {
        return config().address();
    }

    @Override
    public DigitalOutput shutdown(Context context) throws ShutdownException {
        try {
            return super.shutdown(context);
        } finally {
            hooks.outputClosed(this);
        }
    }
}
