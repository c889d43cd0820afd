package io.kdrv.drivers.ledsgpio.internal;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.Driver;
import io.kdrv.driver.LineConfig;
import io.kdrv.driver.NodeKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for GPIO LEDs (compatible {@code gpio-leds}), after Linux {@code drivers/leds/leds-gpio.c} and its
 * triggers.
 *
 * <p>probe: for each LED, claim its output, register a devres action that turns it off, then apply the trigger:
 * {@code none}/{@code default-on} set a steady level; {@code timer}/{@code heartbeat} start kthread
 * {@code led/<label>} running the pattern. On remove (or a failed probe) devres releases in reverse order: the
 * pattern kthread stops first, then the off action runs, then the pin is released, so an LED always ends dark.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = Driver.COMPATIBLE + "=gpio-leds")
public final class LedsGpioDriver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(LedsGpioDriver.class);

    static final String GPIOS = "gpios";
    static final String LABELS = "labels";
    static final String TRIGGER = "trigger";
    static final String DELAY_ON_MS = "delay-on-ms";
    static final String DELAY_OFF_MS = "delay-off-ms";
    static final String PERIOD_MS = "period-ms";
    static final String ACTIVE_LOW = "active-low";
    /** Linux's blink default when neither delay is given. */
    static final long DEFAULT_DELAY_MS = 500;
    /** Linux's heartbeat period at zero load average (300 + 6720/7 ms). */
    static final long DEFAULT_HEARTBEAT_MS = 1260;

    /** The node keys this driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(
            NodeKey.ofIntArray(GPIOS).required().min(0).description("GPIO output lines, one per LED"),
            NodeKey.ofLineFlags(GPIOS),
            NodeKey.ofStringArray(LABELS).defaultValue(new String[0]).description("LED names, one per line"),
            NodeKey.ofStringArray(TRIGGER).defaultValue(new String[0])
                    .description("none, default-on, timer or heartbeat: one for all LEDs or one per LED"),
            NodeKey.ofLong(DELAY_ON_MS).defaultValue(0L).min(0).description("timer: on time (0 and 0: 500/500)"),
            NodeKey.ofLong(DELAY_OFF_MS).defaultValue(0L).min(0).description("timer: off time"),
            NodeKey.ofLong(PERIOD_MS).defaultValue(DEFAULT_HEARTBEAT_MS).min(1).description("heartbeat period"),
            NodeKey.ofBoolean(ACTIVE_LOW).defaultValue(false)
                    .description("lit when the line is low, every LED (older form of gpio-flags 'active-low')"));

    private final Map<String, List<Led>> bound = new ConcurrentHashMap<>();

    @Override
    public Binding binding() {
        return BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        List<LedSpec> specs = parse(dev);
        boolean activeLow = dev.getBoolean(ACTIVE_LOW);
        List<LineConfig> configs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) { // every line's flags checked before any line is claimed
            LineConfig c = dev.gpioConfig(GPIOS, i);
            configs.add(activeLow ? c.withActiveLow(true) : c);
        }
        List<Led> leds = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            LedSpec spec = specs.get(i);
            // Off is logical LOW; with active-low the board keeps the line high, also after unplug: the LED is dark.
            DigitalOutput out = dev.gpioOutput(GPIOS, i, configs.get(i), DigitalState.LOW);
            Led led = new Led(spec.label(), spec.line(), out, spec.trigger(), spec.pattern());
            // Registered before the kthread, so released after it: nothing can switch the LED back on.
            dev.addAction(() -> led.set(false));
            led.set(spec.steadyOn());
            if (spec.pattern() != null) {
                dev.kthreadRun(l -> l.blink(), led, "led/%s", spec.label());
            }
            leds.add(led);
        }
        dev.setDriverData(List.copyOf(leds));
        bound.put(dev.name(), List.copyOf(leds));
        dev.addAction(() -> bound.remove(dev.name()));
        LOG.info("{}: {}", dev.name(), leds);
    }

    /**
     * The LEDs of a bound device.
     *
     * @param device device node name
     * @return its LEDs in node order, empty when no such device is bound to this driver
     */
    public Optional<List<Led>> leds(String device) {
        return Optional.ofNullable(bound.get(device));
    }

    /**
     * One LED's validated configuration.
     *
     * @param steadyOn the level to set at probe (for a pattern: its first level is applied by the kthread)
     * @param pattern  null for a steady LED
     */
    record LedSpec(int line, String label, Trigger trigger, boolean steadyOn, BlinkPattern pattern) {
    }

    /** Reads and validates the whole node before any pin is claimed. */
    static List<LedSpec> parse(Device dev) {
        int[] lines = dev.getIntArray(GPIOS, new int[0]);
        if (lines.length == 0) {
            throw new DeviceConfigException(dev.name(), GPIOS, "needs at least one GPIO line, e.g. [27]");
        }
        for (int i = 0; i < lines.length; i++) {
            for (int j = 0; j < i; j++) {
                if (lines[i] == lines[j]) {
                    throw new DeviceConfigException(dev.name(), GPIOS, "line " + dev.gpioName(GPIOS, i)
                            + " is listed twice");
                }
            }
        }
        String[] labels = dev.getStringArray(LABELS);
        if (labels.length != 0 && labels.length != lines.length) {
            throw new DeviceConfigException(dev.name(), LABELS, labels.length + " label(s) for " + lines.length
                    + " GPIO line(s): give one per line");
        }
        Trigger[] triggers = triggers(dev, lines.length);
        List<LedSpec> specs = new ArrayList<>();
        for (int i = 0; i < lines.length; i++) {
            String label = labels.length != 0 ? labels[i] : lines.length == 1 ? dev.name() : dev.name() + ":" + i;
            specs.add(spec(dev, lines[i], label, triggers[i]));
        }
        return specs;
    }

    /** {@code trigger}: absent (none), one name for every LED, or one per LED. */
    private static Trigger[] triggers(Device dev, int count) {
        String[] names = dev.getStringArray(TRIGGER);
        if (names.length != 0 && names.length != 1 && names.length != count) {
            throw new DeviceConfigException(dev.name(), TRIGGER, names.length + " triggers for " + count
                    + " LEDs: give one for all or one per LED");
        }
        Trigger[] triggers = new Trigger[count];
        for (int i = 0; i < count; i++) {
            if (names.length == 0) {
                triggers[i] = Trigger.NONE;
                continue;
            }
            String name = names.length == 1 ? names[0] : names[i];
            triggers[i] = Trigger.byName(name).orElseThrow(() -> new DeviceConfigException(dev.name(), TRIGGER,
                    "unknown trigger '" + name + "'; allowed: " + Trigger.allowed()));
        }
        return triggers;
    }

    private static LedSpec spec(Device dev, int line, String label, Trigger trigger) {
        return switch (trigger) {
            case NONE -> new LedSpec(line, label, trigger, false, null);
            case DEFAULT_ON -> new LedSpec(line, label, trigger, true, null);
            case TIMER -> timer(dev, line, label);
            case HEARTBEAT -> {
                long period = dev.getLong(PERIOD_MS);
                try {
                    yield new LedSpec(line, label, trigger, false, BlinkPattern.heartbeat(Duration.ofMillis(period)));
                } catch (IllegalArgumentException e) {
                    throw new DeviceConfigException(dev.name(), PERIOD_MS, e.getMessage());
                }
            }
        };
    }

    /** Linux semantics: both delays 0 (or absent) blink at 500/500; one of them 0 means a steady LED. */
    private static LedSpec timer(Device dev, int line, String label) {
        long on = dev.getLong(DELAY_ON_MS); // declared: default 0, >= 0
        long off = dev.getLong(DELAY_OFF_MS);
        if (on == 0 && off == 0) {
            on = DEFAULT_DELAY_MS;
            off = DEFAULT_DELAY_MS;
        }
        if (on == 0 || off == 0) {
            return new LedSpec(line, label, Trigger.TIMER, on > 0, null);
        }
        return new LedSpec(line, label, Trigger.TIMER, false,
                BlinkPattern.timer(Duration.ofMillis(on), Duration.ofMillis(off)));
    }
}
