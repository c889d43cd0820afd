package io.kdrv.board.mock.internal;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputConfig;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProviderImpl;

/**
 * Pi4J's mock output provider (id {@code mock-digital-output}), creating {@link SimOutput}s whose level changes
 * are recorded through a Pi4J state-change listener.
 */
public final class SimOutputProvider extends MockDigitalOutputProviderImpl {
    private final SimHooks hooks;

    public SimOutputProvider(SimHooks hooks) {
        this.hooks = hooks;
    }

    @Override
    public DigitalOutput create(DigitalOutputConfig config) {
        SimOutput output = new SimOutput(this, config, hooks);
        context.registry().add(output); // initialises it: the initial level is set before the listener exists
        hooks.outputOpened(output);
        output.addListener(event -> hooks.outputChanged(output, event.state()));
        return output;
    }
}
