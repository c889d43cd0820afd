package io.kdrv.board.linux.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputBase;
import com.pi4j.io.gpio.digital.DigitalOutputConfig;
import com.pi4j.io.gpio.digital.DigitalOutputProvider;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.linux.GpioChip;
import io.kdrv.board.linux.LineConfig;
import io.kdrv.board.linux.LineRequest;

/**
 * A Pi4J output on one requested line. The line is requested with its initial level already set (the kernel's
 * output-values attribute), so it never glitches through the other level; shutdown drives the shutdown state and
 * then releases the line.
 */
public final class LinuxDigitalOutput extends DigitalOutputBase {
    private final LineRequest request;

    LinuxDigitalOutput(DigitalOutputProvider provider, DigitalOutputConfig config, String platform, GpioChip chip) {
        super(provider, config);
        boolean initial = config.initialState() == DigitalState.HIGH;
        LineConfig lc = PropertyKeys.apply(LineConfig.output(initial), config.properties());
        this.request = chip.request(config.address(), lc, Consumers.of(config));
    }

    /** @return the line request (for tests and the board's line configuration) */
    public LineRequest request() {
        return request;
    }

    @Override
    public DigitalOutput state(DigitalState state) {
        request.setValue(state == DigitalState.HIGH);
        return super.state(state);
    }

    @Override
    public DigitalOutput shutdown(Context context) throws ShutdownException {
        try {
            return super.shutdown(context);
        } finally {
            request.close();
        }
    }

    void releaseQuietly() {
        request.close();
    }
}
