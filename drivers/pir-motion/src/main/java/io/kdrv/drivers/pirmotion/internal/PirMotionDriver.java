package io.kdrv.drivers.pirmotion.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.driver.IrqEvent;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.Sensor;
import io.kdrv.driver.SensorChannel;
import io.kdrv.drivers.pirmotion.MotionEvents;
import io.kdrv.drivers.pirmotion.MotionSensor;
import io.kdrv.kthread.KthreadDelayedWork;
import io.kdrv.kthread.KthreadWork;
import io.kdrv.kthread.KthreadWorker;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for PIR motion sensors with a digital output such as the HC-SR501 (compatible {@code pir-motion}).
 *
 * <p>The sensor's output goes high while it sees motion. probe requests a threaded IRQ on both edges of node key
 * {@code gpios} and creates worker kthread {@code pir/<device>}. A rising edge starts a motion; a falling edge ends
 * it, at once or, with {@code hold-ms}, only if the output stays low for that long (a rising edge within the hold
 * continues the same motion), timed by delayed work on the worker. Events are queued in state order and posted
 * by the worker alone, so subscribers see start/end strictly alternating even though the IRQ kthread and the hold
 * timer both produce them. Everything is device-managed.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = Driver.COMPATIBLE + "=pir-motion")
public final class PirMotionDriver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(PirMotionDriver.class);

    static final String GPIOS = "gpios";
    static final String HOLD_MS = "hold-ms";

    /** The node keys this driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(
            NodeKey.ofIntArray(GPIOS).required().min(0).description("the sensor output line (exactly one)"),
            NodeKey.ofLong(HOLD_MS).defaultValue(0L).min(0).description("motion stays reported this long after the output drops"));

    /** Optional and dynamic: without Event Admin events are logged, and its arrival does not restart the driver. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Map<String, Pir> bound = new ConcurrentHashMap<>();

    /** Used by Declarative Services. */
    public PirMotionDriver() {
    }

    /** For use without OSGi (tests, plain Java): events go to {@code eventAdmin}, or only to the log when null. */
    public PirMotionDriver(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public Binding binding() {
        return BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        int[] lines = dev.getIntArray(GPIOS);
        if (lines.length != 1) {
            throw new DeviceConfigException(dev.name(), GPIOS, "needs exactly one GPIO line (the sensor output), got "
                    + lines.length);
        }
        long holdMs = dev.getLong(HOLD_MS); // declared: default 0, >= 0
        DigitalInput input = dev.gpioInput(GPIOS, 0);
        KthreadWorker worker = dev.createWorker("pir/%s", dev.name());
        // Sensor channels: motion (0/1) and the motion count, published with every event (kdrv:read, kdrv/sensor/<dev>).
        Sensor sensor = dev.sensor(SensorChannel.of(MotionEvents.MOTION, "1"), SensorChannel.of("motions", "1"));
        Pir pir = new Pir(dev.name(), dev.gpioName(GPIOS, 0), Duration.ofMillis(holdMs), worker, sensor);
        boolean high = input.state() == DigitalState.HIGH;
        if (!high) {
            sensor.publish(System.currentTimeMillis(), 0, 0); // idle at probe: a first reading (a motion in progress publishes its start)
        }
        pir.initial(high, System.nanoTime());
        // devres releases in reverse: the IRQ goes first (no edge re-arms the hold), then this cancels an armed hold
        // timer, then the worker is destroyed with nothing pending (a hold firing between the worker's drain and its
        // stop would be dropped with a WARN on every remove and every clean stop).
        dev.addAction(pir::cancelHoldSync);
        dev.requestThreadedIrq(input, Edge.BOTH, pir::onEdge);
        dev.setDriverData(pir);
        bound.put(dev.name(), pir);
        dev.addAction(() -> bound.remove(dev.name(), pir));
        LOG.info("{}: PIR on line {}, hold {} ms", dev.name(), dev.gpioName(GPIOS, 0), holdMs);
    }

    /**
     * The state of a bound device.
     *
     * @param device device node name
     * @return the sensor, empty when no such device is bound to this driver
     */
    public Optional<MotionSensor> sensor(String device) {
        return Optional.ofNullable(bound.get(device));
    }

    private void post(Map<String, Object> props) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(MotionEvents.TOPIC, props));
        } else {
            LOG.info("{} (no Event Admin): {}", MotionEvents.TOPIC, props);
        }
    }

    /** The edge's wall-clock time: the IRQ stamps edges with {@code nanoTime}, events carry epoch milliseconds. */
    static long epochMillis(long nanoTimestamp) {
        return System.currentTimeMillis() - (System.nanoTime() - nanoTimestamp) / 1_000_000;
    }

    /**
     * One sensor's motion state machine: IDLE --rise--> MOTION(line high) --fall--> MOTION(holding)
     * --hold expired--> IDLE, and MOTION(holding) --rise--> MOTION(line high). State is guarded by {@code this};
     * events are queued under the same lock, so their order is the state order.
     */
    final class Pir implements MotionSensor {
        private final String device;
        private final String line; // as the board file writes it ("17", "expander0:3")
        private final long holdNanos;
        private final KthreadWorker worker;
        private final KthreadDelayedWork holdExpired = new KthreadDelayedWork(this::onHoldExpired);
        private final KthreadWork postWork = new KthreadWork(this::postQueued);
        private final Queue<Map<String, Object>> queue = new ConcurrentLinkedQueue<>();

        private boolean lineHigh;      // guarded by this
        private volatile boolean motion;
        private long motionStart;      // guarded by this: nanoTime of the first rising edge
        private long lastFall;         // guarded by this: nanoTime of the last falling edge
        private volatile long lastDurationMillis;
        private volatile long motions;

        private final Sensor sensor;

        Pir(String device, String line, Duration hold, KthreadWorker worker, Sensor sensor) {
            this.sensor = sensor;
            this.device = device;
            this.line = line;
            this.holdNanos = hold.toNanos();
            this.worker = worker;
        }

        /** Remove: the pending end of a motion is not posted (the device is going); blocks until a running hold ends. */
        void cancelHoldSync() {
            worker.cancelDelayedWorkSync(holdExpired);
        }

        /** Probe: a sensor already high is a motion in progress. */
        synchronized void initial(boolean high, long now) {
            if (high) {
                lineHigh = true;
                startMotion(now);
            }
        }

        /** Bottom half, on kthread {@code irq/<line>-<device>}. */
        void onEdge(IrqEvent e) {
            boolean armHold = false;
            synchronized (this) {
                if (e.rising() == lineHigh) {
                    return; // same level again (e.g. an edge lost to FIFO overflow): nothing changed
                }
                lineHigh = e.rising();
                if (lineHigh) {
                    if (!motion) {
                        startMotion(e.timestampNanos());
                    } // else: re-triggered within the hold: the same motion goes on
                } else {
                    lastFall = e.timestampNanos();
                    if (holdNanos == 0) {
                        endMotion();
                    } else {
                        armHold = true;
                    }
                }
            }
            if (armHold) {
                // (Re)starts the hold from this falling edge; a rise before it expires makes the work a no-op.
                worker.modDelayedWork(holdExpired, Duration.ofNanos(holdNanos));
            }
        }

        /** Delayed work on the worker kthread: the output stayed low for the whole hold. */
        private void onHoldExpired() {
            synchronized (this) {
                if (!lineHigh && motion) {
                    endMotion();
                }
            }
        }

        private void startMotion(long at) {
            motion = true;
            motionStart = at;
            motions++;
            enqueue(true, at, lastDurationMillis);
        }

        private void endMotion() {
            motion = false;
            lastDurationMillis = Math.max(0, (lastFall - motionStart) / 1_000_000);
            enqueue(false, lastFall, lastDurationMillis);
        }

        private void enqueue(boolean start, long atNanos, long durationMillis) {
            queue.add(Map.of(
                    MotionEvents.DEVICE, device,
                    MotionEvents.MOTION, start,
                    MotionEvents.TIMESTAMP, epochMillis(atNanos),
                    MotionEvents.DURATION, durationMillis,
                    MotionEvents.COUNT, motions));
            worker.queueWork(postWork); // false when already pending: that run drains this entry too
        }

        /** Work on the worker kthread: posts queued events in order, from this one thread. */
        private void postQueued() {
            for (Map<String, Object> props; (props = queue.poll()) != null;) {
                sensor.publish((Long) props.get(MotionEvents.TIMESTAMP),
                        (Boolean) props.get(MotionEvents.MOTION) ? 1 : 0, (Long) props.get(MotionEvents.COUNT));
                post(props);
            }
        }

        @Override
        public String device() {
            return device;
        }

        @Override
        public boolean motion() {
            return motion;
        }

        @Override
        public long motions() {
            return motions;
        }

        @Override
        public long lastDurationMillis() {
            return lastDurationMillis;
        }

        @Override
        public String toString() {
            return "pir " + device + " (line " + line + ", " + (motion ? "motion" : "idle") + ", " + motions
                    + " motions)";
        }
    }
}
