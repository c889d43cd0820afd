package io.kdrv.drivers.hcsr04.sim;

import io.kdrv.board.mock.LevelChange;
import io.kdrv.board.mock.MockBoard;
import java.util.function.Consumer;

/**
 * A timing model of an HC-SR04 on the mock board. It watches the trigger output; on a falling edge that ends a
 * high pulse of at least 10 µs it answers, like the sensor, with an echo pulse on the echo input: rising
 * {@link #echoDelayNanos()} after the trigger's falling edge (the 8-cycle 40 kHz burst), high for the sound's
 * round trip {@code 2 * distance / speedOfSound}. The echo's edges are injected with these model timestamps
 * ({@link MockBoard#setInputAt}), so a driver that measures the width from IRQ edge timestamps gets it to the
 * nanosecond however loaded the machine is. Out of range ({@link #outOfRange()}, or a distance outside 2 cm..4 m):
 * no echo at all. A trigger shorter than 10 µs is ignored (counted).
 *
 * <pre>{@code
 * HcSr04Sim sim = HcSr04Sim.attach(mock, 23, 24).distance(1.25);   // trigger GPIO 23, echo GPIO 24
 * }</pre>
 *
 * <p>Thread-safe. The echo is driven on the thread that wrote the trigger (the driver's poller), synchronously.
 */
public final class HcSr04Sim {
    /** Datasheet range. */
    public static final double MIN_RANGE_M = 0.02;
    public static final double MAX_RANGE_M = 4.0;
    private static final long MIN_TRIGGER_NANOS = 10_000;

    private final MockBoard mock;
    private final int triggerLine;
    private final int echoLine;
    private final Consumer<LevelChange> watcher = this::onTrigger;
    private volatile double distance = 1.0;
    private volatile double speedOfSound = 343.2;
    private volatile long echoDelayNanos = 460_000;
    private long triggerRise; // guarded by this: timestamp of the trigger's last rising edge, 0 = none
    private volatile long triggers;
    private volatile long echoes;
    private volatile long shortTriggers;

    private HcSr04Sim(MockBoard mock, int triggerLine, int echoLine) {
        this.mock = mock;
        this.triggerLine = triggerLine;
        this.echoLine = echoLine;
    }

    /** Wires a simulated sensor to {@code trigger} (an output of the driver) and {@code echo} (its input). */
    public static HcSr04Sim attach(MockBoard mock, int trigger, int echo) {
        HcSr04Sim sim = new HcSr04Sim(mock, trigger, echo);
        mock.setInput(echo, false);
        mock.addOutputWatcher(trigger, sim.watcher);
        return sim;
    }

    /** Unplugs the sensor: triggers are no longer answered. */
    public void detach() {
        mock.removeOutputWatcher(triggerLine, watcher);
    }

    /** Sets the target distance in metres; outside 2 cm..4 m there is no echo. */
    public HcSr04Sim distance(double meters) {
        this.distance = meters;
        return this;
    }

    /** No target in range: no echo. */
    public HcSr04Sim outOfRange() {
        return distance(Double.POSITIVE_INFINITY);
    }

    /** The speed of sound of the simulated air, m/s (343.2 = 20 °C). */
    public HcSr04Sim speedOfSound(double metersPerSecond) {
        this.speedOfSound = metersPerSecond;
        return this;
    }

    /** Delay from the trigger's falling edge to the echo's rising edge. */
    public long echoDelayNanos() {
        return echoDelayNanos;
    }

    /** The echo width the model produces for {@code meters} at the model's speed of sound. */
    public long echoWidthNanos(double meters) {
        return Math.round(2 * meters / speedOfSound * 1e9);
    }

    /** Valid triggers seen (a falling edge after at least 10 µs high). */
    public long triggers() {
        return triggers;
    }

    /** Echo pulses produced. */
    public long echoes() {
        return echoes;
    }

    /** Trigger pulses shorter than 10 µs (ignored, like the sensor does). */
    public long shortTriggers() {
        return shortTriggers;
    }

    private void onTrigger(LevelChange c) {
        long rise;
        synchronized (this) {
            if (c.high()) {
                triggerRise = c.timestampNanos();
                return;
            }
            rise = triggerRise;
            triggerRise = 0;
        }
        if (rise == 0) {
            return; // a falling edge without a rising one (the line's first level)
        }
        if (c.timestampNanos() - rise < MIN_TRIGGER_NANOS) {
            shortTriggers++;
            return;
        }
        triggers++;
        double d = distance;
        if (!(d >= MIN_RANGE_M && d <= MAX_RANGE_M)) {
            return;
        }
        long start = c.timestampNanos() + echoDelayNanos;
        mock.setInputAt(echoLine, true, start);
        mock.setInputAt(echoLine, false, start + echoWidthNanos(d));
        echoes++;
    }
}
