package io.kdrv.board.mock.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProviderImpl;

/** Pi4J's mock input provider (id {@code mock-digital-input}), creating {@link SimInput}s that report to the board. */
public final class SimInputProvider extends MockDigitalInputProviderImpl {
    private final SimHooks hooks;

    public SimInputProvider(SimHooks hooks) {
        this.hooks = hooks;
    }

    @Override
    public DigitalInput create(DigitalInputConfig config) {
        SimInput input = new SimInput(this, config, hooks);
        context.registry().add(input);
        // No listener can be attached yet, so this only sets the starting level the simulation holds.
        input.mockState(hooks.inputOpened(input));
        return input;
    }
}
