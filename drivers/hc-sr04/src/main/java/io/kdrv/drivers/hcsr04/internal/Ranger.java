package io.kdrv.drivers.hcsr04.internal;

import com.pi4j.io.gpio.digital.DigitalOutput;
import io.kdrv.driver.Irq;
import io.kdrv.driver.IrqEvent;
import io.kdrv.drivers.hcsr04.DistanceReading;
import io.kdrv.drivers.hcsr04.DistanceSensor;
import io.kdrv.drivers.hcsr04.HcSr04Events;
import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.PeriodicTimer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound HC-SR04: the measurement loop of its {@code hcsr04/<device>} kthread and the echo IRQ's bottom half.
 *
 * <p>Measurement state machine (field {@code phase}, guarded by {@code this}; all transitions in {@link #next}):
 * <pre>
 *   IDLE   --arm (poller, before the trigger)--> ARMED
 *   ARMED  --echo rising-->                      ECHO       (rise timestamp kept)
 *   ECHO   --echo falling-->                     DONE       (fall timestamp kept; completes the poller's wait)
 *   any    --disarm (poller, after the wait)-->  IDLE
 * </pre>
 * Every other edge is stray (before a trigger, a second rise, a fall without a rise, an edge stamped before the
 * measurement was armed) and only counted.
 */
final class Ranger implements DistanceSensor {
    private static final Logger LOG = LoggerFactory.getLogger(Ranger.class);
    /** Datasheet: the trigger must be high for at least 10 µs. */
    static final long TRIGGER_NANOS = 10_000;
    private static final long LOG_EVERY_NTH_ERROR = 100;

    enum Phase { IDLE, ARMED, ECHO, DONE }

    enum Input { ARM, RISE, FALL, DISARM }

    private final String device;
    private final String triggerLine; // line names as the board file writes them ("17", "expander0:3")
    private final String echoLine;
    private final DigitalOutput trigger;
    private final Duration period;
    private final Duration timeout;
    private final Consumer<Map<String, Object>> sink;
    private final Completion echoDone = new Completion();
    private volatile Irq irq;
    private volatile double speedOfSound;

    private Phase phase = Phase.IDLE; // guarded by this
    private long riseNanos;           // guarded by this
    private long fallNanos;           // guarded by this
    private long armedNanos;          // guarded by this: when the current measurement was armed

    private volatile DistanceReading latest;
    private volatile String lastError;
    private volatile boolean failed;
    private volatile long measurements;
    private volatile long timeouts;
    private volatile long strayEdges;

    Ranger(String device, String triggerLine, String echoLine, DigitalOutput trigger, double speedOfSound, Duration period,
            Duration timeout, Consumer<Map<String, Object>> sink) {
        this.device = device;
        this.triggerLine = triggerLine;
        this.echoLine = echoLine;
        this.trigger = trigger;
        this.speedOfSound = speedOfSound;
        this.period = period;
        this.timeout = timeout;
        this.sink = sink;
    }

    void irq(Irq irq) {
        this.irq = irq;
    }

    static double speedOfSound(double celsius) {
        if (!(celsius >= -100 && celsius <= 100)) {
            throw new IllegalArgumentException("air temperature must be -100..100 °C, got " + celsius);
        }
        return 331.3 * Math.sqrt(1 + celsius / 273.15);
    }

    /** The one transition table; returns the new phase or null when {@code in} is not allowed in {@code from}. */
    private static Phase next(Phase from, Input in) {
        return switch (in) {
            case ARM -> from == Phase.IDLE ? Phase.ARMED : null;
            case RISE -> from == Phase.ARMED ? Phase.ECHO : null;
            case FALL -> from == Phase.ECHO ? Phase.DONE : null;
            case DISARM -> Phase.IDLE;
        };
    }

    /** Poller kthread body. */
    int run() throws InterruptedException {
        PeriodicTimer timer = new PeriodicTimer(period);
        do {
            measureOnce();
        } while (timer.waitNextPeriod());
        return 0;
    }

    /** Bottom half of the echo IRQ, on kthread {@code irq/<echo>-<device>}. */
    void onEcho(IrqEvent e) {
        boolean complete = false;
        synchronized (this) {
            Phase to = next(phase, e.rising() ? Input.RISE : Input.FALL);
            // An edge from before this trigger (a late echo of a measurement that timed out) is not ours.
            if (to == null || e.timestampNanos() < armedNanos) {
                strayEdges++;
                return;
            }
            phase = to;
            if (e.rising()) {
                riseNanos = e.timestampNanos();
            } else {
                fallNanos = e.timestampNanos();
                complete = true;
            }
        }
        if (complete) {
            echoDone.complete();
        }
    }

    /** One trigger and the wait for its echo; blocks up to {@code timeout-ms}, returns early on kthread stop. */
    private void measureOnce() {
        long seq = measurements + 1;
        measurements = seq; // single writer: the poller
        echoDone.reinit();
        synchronized (this) {
            phase = next(phase, Input.ARM); // always IDLE here: every measurement ends with DISARM
            armedNanos = System.nanoTime();
        }
        long triggeredAt = System.nanoTime();
        pulseTrigger();
        boolean echoed = echoDone.waitForCompletionTimeout(timeout);
        long rise;
        long fall;
        synchronized (this) {
            echoed &= phase == Phase.DONE;
            rise = riseNanos;
            fall = fallNanos;
            phase = next(phase, Input.DISARM);
        }
        if (Kthread.shouldStop()) {
            return; // remove during the wait: not a failed measurement
        }
        if (echoed) {
            double c = speedOfSound;
            long width = fall - rise;
            DistanceReading r = new DistanceReading(device, width * 1e-9 * c / 2, width, c, rise, seq);
            latest = r;
            failed = false;
            publish(seq, triggeredAt, r.distanceMeters(), width, c, null);
        } else {
            long n = ++timeouts; // single writer: the poller
            String why = "hc-sr04 " + device + ": no echo on GPIO " + echoLine + " within " + timeout.toMillis()
                    + " ms of the trigger on GPIO " + triggerLine + " (no target in range, or sensor absent)";
            lastError = why;
            failed = true;
            if (n == 1 || n % LOG_EVERY_NTH_ERROR == 0) {
                LOG.warn("{} ({} timeouts so far)", why, n);
            }
            publish(seq, triggeredAt, Double.NaN, -1, speedOfSound, why);
        }
    }

    /**
     * The datasheet's 10 µs trigger pulse. The high time is a short spin (like the kernel's udelay(10)): a sleep
     * cannot be that short; a longer pulse on a loaded machine is harmless, the sensor starts on the falling edge.
     */
    private void pulseTrigger() {
        trigger.high();
        long end = System.nanoTime() + TRIGGER_NANOS;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        trigger.low();
    }

    private void publish(long seq, long triggeredAt, double distance, long width, double c, String error) {
        Map<String, Object> props = new HashMap<>();
        props.put(HcSr04Events.DEVICE, device);
        props.put(HcSr04Events.DISTANCE, distance);
        props.put(HcSr04Events.SPEED_OF_SOUND, c);
        props.put(HcSr04Events.TIMESTAMP, System.currentTimeMillis() - (System.nanoTime() - triggeredAt) / 1_000_000);
        props.put(HcSr04Events.SEQUENCE, seq);
        if (error == null) {
            props.put(HcSr04Events.ECHO_NANOS, width);
        } else {
            props.put(HcSr04Events.ERROR, error);
        }
        sink.accept(props);
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public Optional<DistanceReading> latest() {
        return Optional.ofNullable(latest);
    }

    @Override
    public boolean failed() {
        return failed;
    }

    @Override
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    @Override
    public long measurements() {
        return measurements;
    }

    @Override
    public long timeouts() {
        return timeouts;
    }

    /** Echo edges that belonged to no measurement (diagnostics). */
    long strayEdges() {
        return strayEdges;
    }

    @Override
    public double speedOfSound() {
        return speedOfSound;
    }

    @Override
    public void setTemperature(double celsius) {
        speedOfSound = speedOfSound(celsius);
    }

    @Override
    public String toString() {
        Irq i = irq;
        return "hc-sr04 " + device + " (trigger GPIO " + triggerLine + ", echo GPIO " + echoLine + ", "
                + measurements + " measurements, " + timeouts + " timeouts, " + strayEdges + " stray edges"
                + (i == null ? "" : ", " + i.overflows() + " IRQ overflows") + ")";
    }
}
