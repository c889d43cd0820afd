package io.kdrv.board.internal;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputBase;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputBase;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.spi.TimestampedStateChangeEvent;
import io.kdrv.driver.spi.ControllerLine;

/**
 * Pi4J I/O on a line of a driver's GPIO controller: consumers get an ordinary {@link DigitalInput} /
 * {@link DigitalOutput}; reads and writes go to the controller ({@link io.kdrv.driver.GpioController}, physical
 * levels) with active-low applied here, and edges the controller delivers reach the input's listeners (the threaded
 * IRQ's top half) as timestamped events. Not registered in the Pi4J context: the board owns their life cycle.
 */
final class ControllerIo {
    private ControllerIo() {
    }

    /** "buttons GPIO expander0:3 (GPA3)": the controller's line name, when it has one, in the Pi4J I/O name. */
    static String ioName(String owner, ControllerLine line) {
        String n = line.ops().lineName(line.offset());
        return owner + " GPIO " + line.label() + (n == null || n.isBlank() ? "" : " (" + n + ")");
    }

    private static DigitalState level(boolean high) {
        return high ? DigitalState.HIGH : DigitalState.LOW;
    }

    /** An input; {@link #edge} is the line's edge sink (called on the controller's interrupt thread). */
    static final class Input extends DigitalInputBase implements ControllerLine.EdgeSink {
        private final ControllerLine line;
        private final boolean activeLow;
        private boolean lastHigh; // logical; guarded by this

        Input(Context pi4j, ControllerLine line, String owner, boolean activeLow, boolean physicalHigh) {
            super(null, DigitalInput.newConfigBuilder(pi4j).id("kdrv-gpio-" + line.label())
                    .name(ControllerIo.ioName(owner, line)).address(line.number()).build());
            this.line = line;
            this.activeLow = activeLow;
            this.lastHigh = physicalHigh ^ activeLow;
        }

        @Override
        public DigitalState state() {
            return level(line.ops().read(line.offset()) ^ activeLow);
        }

        @Override
        public void edge(boolean physicalHigh, long timestampNanos) {
            boolean high = physicalHigh ^ activeLow;
            synchronized (this) {
                if (high == lastHigh) {
                    return; // a repeated level is no edge (like MockDigitalInput.mockState)
                }
                lastHigh = high;
            }
            dispatch(new TimestampedStateChangeEvent(this, level(high), timestampNanos));
        }
    }

    /** An output; the level written last is what {@link #state()} reports (logical). */
    static final class Output extends DigitalOutputBase {
        private final ControllerLine line;
        private final boolean activeLow;

        Output(Context pi4j, ControllerLine line, String owner, boolean activeLow, DigitalState initial) {
            super(null, DigitalOutput.newConfigBuilder(pi4j).id("kdrv-gpio-" + line.label())
                    .name(ControllerIo.ioName(owner, line)).address(line.number()).initial(initial)
                    .shutdown(initial).build());
            this.line = line;
            this.activeLow = activeLow;
            this.state = initial;
        }

        boolean activeLow() {
            return activeLow;
        }

        @Override
        public DigitalOutput state(DigitalState s) {
            line.ops().write(line.offset(), (s == DigitalState.HIGH) ^ activeLow);
            return super.state(s);
        }
    }
}
