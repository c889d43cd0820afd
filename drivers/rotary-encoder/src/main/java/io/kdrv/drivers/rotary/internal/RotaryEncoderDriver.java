package io.kdrv.drivers.rotary.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.driver.NodeKey;
import io.kdrv.drivers.rotary.RotaryEncoder;
import io.kdrv.drivers.rotary.RotaryEvents;
import io.kdrv.kthread.KthreadWorker;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
 * Driver for incremental rotary encoders on two GPIO lines with an optional push button (compatible
 * {@code rotary-encoder}, after Linux {@code drivers/input/misc/rotary_encoder.c} and its device-tree binding).
 *
 * <p>probe reads the starting levels, creates worker kthread {@code rotary/<device>} (posts events) and requests
 * a threaded IRQ on both edges of A, B and the button (kthreads {@code irq/<line>-<device>}); decoding is in
 * {@link Encoder}. Everything is device-managed.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = Driver.COMPATIBLE + "=rotary-encoder")
public final class RotaryEncoderDriver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(RotaryEncoderDriver.class);

    static final String GPIOS = "gpios";
    static final String BUTTON = "button-gpio";
    static final String STEPS_PER_PERIOD = "steps-per-period";
    static final String STEPS = "steps";
    static final String RELATIVE = "relative-axis";
    static final String ROLLOVER = "rollover";
    static final String AXIS = "linux,axis";
    static final String CODE = "linux,code";
    static final String ACTIVE_LOW = "active-low";
    static final String DEBOUNCE_MS = "debounce-ms";
    /** Linux BTN_0. */
    static final int BTN_0 = 0x100;

    /** The node keys this driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(
            NodeKey.ofIntArray(GPIOS).required().min(0).description("the two encoder lines [A, B]"),
            NodeKey.ofInt(BUTTON).min(0).description("optional push-button line"),
            NodeKey.ofInt(STEPS_PER_PERIOD).defaultValue(1).min(1)
                    .description("steps per Gray-code period: 1 full step, 2 half step, 4 quarter period"),
            NodeKey.ofInt(STEPS).defaultValue(24).min(1).description("steps per revolution: EV_ABS range / rollover"),
            NodeKey.ofBoolean(RELATIVE).defaultValue(false).description("EV_REL (+1/-1 per step) instead of EV_ABS"),
            NodeKey.ofBoolean(ROLLOVER).defaultValue(false).description("EV_ABS wraps at steps instead of clamping"),
            NodeKey.ofInt(AXIS).defaultValue(0).min(0).description("input axis code (0 = REL_X / ABS_X)"),
            NodeKey.ofInt(CODE).defaultValue(BTN_0).min(0).description("key code of the push button (256 = BTN_0)"),
            NodeKey.ofBoolean(ACTIVE_LOW).defaultValue(false).description("lines (and button) are active low"),
            NodeKey.ofInt(DEBOUNCE_MS).defaultValue(5).min(0).description("push-button debounce window (ms)"));

    /** Optional and dynamic: without Event Admin events are logged, and its arrival does not restart the driver. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Map<String, Encoder> bound = new ConcurrentHashMap<>();

    /** Used by Declarative Services. */
    public RotaryEncoderDriver() {
    }

    /** For use without OSGi (tests, plain Java): events go to {@code eventAdmin}, or only to the log when null. */
    public RotaryEncoderDriver(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public Binding binding() {
        return BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        int[] lines = dev.getIntArray(GPIOS);
        if (lines.length != 2 || lines[0] == lines[1]) {
            throw new DeviceConfigException(dev.name(), GPIOS, "needs two different GPIO lines [A, B], got "
                    + dev.gpioNames(GPIOS));
        }
        boolean hasButton = dev.has(BUTTON);
        if (hasButton && (dev.getInt(BUTTON) == lines[0] || dev.getInt(BUTTON) == lines[1])) {
            throw new DeviceConfigException(dev.name(), BUTTON, "GPIO " + dev.gpioName(BUTTON, 0)
                    + " is already an encoder line in " + GPIOS);
        }
        int spp = dev.getInt(STEPS_PER_PERIOD);
        if (spp != 1 && spp != 2 && spp != 4) {
            throw new DeviceConfigException(dev.name(), STEPS_PER_PERIOD, "must be 1 (full step), 2 (half step) or 4 "
                    + "(quarter period), got " + spp);
        }
        boolean relative = dev.getBoolean(RELATIVE);
        if (relative && dev.getBoolean(ROLLOVER)) {
            throw new DeviceConfigException(dev.name(), ROLLOVER, "applies to an absolute axis only, not with "
                    + RELATIVE);
        }
        Encoder.Config config = new Encoder.Config(spp, dev.getInt(STEPS), relative, dev.getBoolean(ROLLOVER),
                dev.getInt(AXIS), dev.getInt(CODE), dev.getBoolean(ACTIVE_LOW));

        DigitalInput a = dev.gpioInput(GPIOS, 0);
        DigitalInput b = dev.gpioInput(GPIOS, 1);
        DigitalInput button = hasButton ? dev.gpioInput(BUTTON, 0) : null;
        KthreadWorker worker = dev.createWorker("rotary/%s", dev.name());
        Encoder enc = new Encoder(dev.name(), config, high(a), high(b), button != null && high(button), worker,
                this::post);
        enc.irq(Encoder.A, dev.requestThreadedIrq(a, Edge.BOTH, e -> enc.onEdge(Encoder.A, e)));
        enc.irq(Encoder.B, dev.requestThreadedIrq(b, Edge.BOTH, e -> enc.onEdge(Encoder.B, e)));
        if (button != null) {
            dev.requestThreadedIrq(button, Edge.BOTH, Duration.ofMillis(dev.getInt(DEBOUNCE_MS)), enc::onButton);
        }
        dev.setDriverData(enc);
        bound.put(dev.name(), enc);
        dev.addAction(() -> bound.remove(dev.name(), enc));
        LOG.info("{}: rotary encoder A GPIO {}, B GPIO {}{}, {} step(s) per period, {}", dev.name(),
                dev.gpioName(GPIOS, 0), dev.gpioName(GPIOS, 1),
                hasButton ? ", button GPIO " + dev.gpioName(BUTTON, 0) : "", spp,
                relative ? "EV_REL" : "EV_ABS 0.." + config.steps() + (config.rollover() ? " rollover" : ""));
    }

    private static boolean high(DigitalInput in) {
        return in.state() == DigitalState.HIGH;
    }

    /**
     * The state of a bound device.
     *
     * @param device device node name
     * @return the encoder, empty when no such device is bound to this driver
     */
    public Optional<RotaryEncoder> encoder(String device) {
        return Optional.ofNullable(bound.get(device));
    }

    private void post(Map<String, Object> props) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(RotaryEvents.TOPIC, props));
        } else {
            LOG.debug("{} (no Event Admin): {}", RotaryEvents.TOPIC, props);
        }
    }
}
