package io.kdrv.drivers.gpiokeys.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DevresAction;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.driver.IrqEvent;
import io.kdrv.driver.IrqHandler;
import io.kdrv.driver.LineConfig;
import io.kdrv.driver.NodeKey;
import io.kdrv.drivers.gpiokeys.GpioKeys;
import io.kdrv.drivers.gpiokeys.KeyEvents;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
 * Driver for GPIO buttons (compatible {@code gpio-keys}), after Linux {@code drivers/input/keyboard/gpio_keys.c}.
 *
 * <p>probe: one threaded IRQ on both edges per key, with the node's debounce window applied by the IRQ layer
 * (a settle window, as in {@code gpio_keys.c}: only a change of the settled level is delivered). The bottom half
 * (kthread {@code irq/<line>-<device>}) turns the level into pressed/released (active-low is applied by the board,
 * from {@code gpio-flags} or the older {@code active-low} key, so HIGH is pressed),
 * drops a level that repeats the last reported state (without debounce, after lost or dropped edges), counts
 * presses and posts an event on {@value KeyEvents#TOPIC}. Everything is device-managed, so
 * remove has nothing to do.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = Driver.COMPATIBLE + "=gpio-keys")
public final class GpioKeysDriver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(GpioKeysDriver.class);

    static final String GPIOS = "gpios";
    static final String LINUX_CODE = "linux,code";
    static final String CODES = "codes";
    static final String LABELS = "labels";
    static final String DEBOUNCE_MS = "debounce-ms";
    static final String ACTIVE_LOW = "active-low";
    static final int DEFAULT_DEBOUNCE_MS = 20;

    /** The node keys this driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(
            NodeKey.ofIntArray(GPIOS).required().min(0).description("GPIO input lines, one per key"),
            NodeKey.ofLineFlags(GPIOS),
            NodeKey.ofIntArray(LINUX_CODE).description("Linux input key codes, one per line"),
            NodeKey.ofIntArray(CODES).description("alias of linux,code"),
            NodeKey.ofStringArray(LABELS).defaultValue(new String[0]).description("key names, one per line"),
            NodeKey.ofInt(DEBOUNCE_MS).defaultValue(DEFAULT_DEBOUNCE_MS).min(0).description("debounce window"),
            NodeKey.ofBoolean(ACTIVE_LOW).defaultValue(false)
                    .description("pressed reads low, for every line (older form of gpio-flags 'active-low')"));

    /** Optional and dynamic: without Event Admin events are logged, and its arrival does not restart the driver. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Map<String, KeysDevice> bound = new ConcurrentHashMap<>();

    /** Used by Declarative Services. */
    public GpioKeysDriver() {
    }

    /** For use without OSGi (tests, plain Java): events go to {@code eventAdmin}, or only to the log when null. */
    public GpioKeysDriver(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public Binding binding() {
        return BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        KeysDevice keys = new KeysDevice(dev.name(), parseKeys(dev));
        Duration debounce = Duration.ofMillis(dev.getInt(DEBOUNCE_MS)); // declared: default 20, >= 0
        boolean activeLow = dev.getBoolean(ACTIVE_LOW);
        List<LineConfig> lines = new ArrayList<>(keys.buttons.size());
        for (int i = 0; i < keys.buttons.size(); i++) {
            // Parse every line's flags before claiming any, so a bad entry fails without touching the board.
            LineConfig c = dev.gpioConfig(GPIOS, i);
            lines.add(activeLow ? c.withActiveLow(true) : c);
        }
        // No lambdas on this path: every hot-plug loads the driver's classes anew, and each lambda or string
        // concatenation site then costs a call-site bootstrap (a generated class) on its first run, about a third
        // of the probe's time in benchmark 8a. Button and KeysDevice are the handler and the action themselves.
        for (int i = 0; i < keys.buttons.size(); i++) {
            Button key = keys.buttons.get(i);
            DigitalInput input = dev.gpioInput(GPIOS, i, lines.get(i));
            // Read the level before the IRQ exists so the first edge is compared with the real initial state.
            key.pressed = key.isPressed(input.state());
            key.attach(this, keys);
            dev.requestThreadedIrq(input, Edge.BOTH, debounce, key);
        }
        dev.setDriverData(keys);
        bound.put(dev.name(), keys);
        keys.registry = bound;
        dev.addAction(keys);
        if (LOG.isInfoEnabled()) {
            LOG.info("{}: {} key(s) on line(s) {}, debounce {} ms, flags {}", dev.name(), keys.buttons.size(),
                    lineList(keys.buttons), debounce.toMillis(), flagList(lines));
        }
    }

    private static String lineList(List<Button> buttons) {
        StringBuilder b = new StringBuilder("[");
        for (Button k : buttons) {
            b.append(b.length() > 1 ? ", " : "").append(k.lineName);
        }
        return b.append(']').toString();
    }

    private static String flagList(List<LineConfig> lines) {
        StringBuilder b = new StringBuilder("[");
        for (LineConfig c : lines) {
            String f = c.toFlags();
            b.append(b.length() > 1 ? ", " : "").append(f.isEmpty() ? "-" : f);
        }
        return b.append(']').toString();
    }

    /**
     * The state of a bound device.
     *
     * @param device device node name
     * @return its keys, empty when no such device is bound to this driver
     */
    public Optional<GpioKeys> keys(String device) {
        return Optional.ofNullable(bound.get(device));
    }

    /** Bottom half: runs on the key's IRQ kthread, one edge at a time in edge order. */
    private void onEdge(KeysDevice keys, Button key, IrqEvent e) {
        boolean pressed = key.isPressed(e.state());
        if (pressed == key.pressed) {
            return; // edges were dropped or lost in between: nothing changed for the user
        }
        key.pressed = pressed;
        long presses = pressed ? ++key.presses : key.presses;
        Map<String, Object> props = new HashMap<>();
        props.put(KeyEvents.DEVICE, keys.device);
        props.put(KeyEvents.LINE, key.line);
        props.put(KeyEvents.LINE_NAME, key.lineName);
        props.put(KeyEvents.CODE, key.code);
        props.put(KeyEvents.LABEL, key.label);
        props.put(KeyEvents.PRESSED, pressed);
        props.put(KeyEvents.TIMESTAMP, epochMillis(e.timestampNanos()));
        props.put(KeyEvents.TIMESTAMP_NANOS, e.timestampNanos());
        props.put(KeyEvents.PRESSES, presses);
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(KeyEvents.TOPIC, props));
        } else {
            LOG.info("{} (no Event Admin): {} {} {} (line {}, code {}, press #{})", KeyEvents.TOPIC, keys.device,
                    key.label, pressed ? "pressed" : "released", key.lineName, key.code, presses);
        }
    }

    /** The edge's wall-clock time: the IRQ stamps edges with {@code nanoTime}, events carry epoch milliseconds. */
    static long epochMillis(long nanoTimestamp) {
        return System.currentTimeMillis() - (System.nanoTime() - nanoTimestamp) / 1_000_000;
    }

    /** Lines, codes and labels of the node, validated together so every key has all three. */
    static List<Button> parseKeys(Device dev) {
        int[] lines = dev.getIntArray(GPIOS, new int[0]);
        if (lines.length == 0) {
            throw new DeviceConfigException(dev.name(), GPIOS, "needs at least one GPIO line, e.g. [17]");
        }
        for (int i = 0; i < lines.length; i++) {
            for (int j = 0; j < i; j++) {
                if (lines[i] == lines[j]) {
                    throw new DeviceConfigException(dev.name(), GPIOS, "line " + dev.gpioName(GPIOS, i)
                            + " is listed twice");
                }
            }
        }
        String codeKey = dev.has(LINUX_CODE) ? LINUX_CODE : dev.has(CODES) ? CODES : null;
        int[] codes = codeKey == null ? null : dev.getIntArray(codeKey);
        String[] labels = dev.getStringArray(LABELS);
        if (codes == null && labels.length == 0) {
            throw new DeviceConfigException(dev.name(), LINUX_CODE,
                    "missing: give key codes ('linux,code' or 'codes') or 'labels', one per GPIO line");
        }
        if (codes != null && codes.length != lines.length) {
            throw new DeviceConfigException(dev.name(), codeKey, codes.length + " code(s) for " + lines.length
                    + " GPIO line(s): give one per line");
        }
        if (labels.length != 0 && labels.length != lines.length) {
            throw new DeviceConfigException(dev.name(), LABELS, labels.length + " label(s) for " + lines.length
                    + " GPIO line(s): give one per line");
        }
        List<Button> keys = new ArrayList<>(lines.length);
        for (int i = 0; i < lines.length; i++) {
            int code = codes == null ? 0 : codes[i];
            String label = labels.length == 0 ? "KEY_" + code : labels[i];
            keys.add(new Button(lines[i], dev.gpioName(GPIOS, i), code, label));
        }
        return keys;
    }

    /** One button, and its IRQ handler. Written only by probe and then by its IRQ kthread; read by anyone. */
    static final class Button implements IrqHandler {
        final int line;
        final String lineName; // as the board file writes it ("expander0:3"): what users read
        final int code;
        final String label;
        volatile boolean pressed;
        volatile long presses;
        private GpioKeysDriver driver; // set by probe before the IRQ is requested (which publishes them)
        private KeysDevice keys;

        void attach(GpioKeysDriver d, KeysDevice k) {
            this.driver = d;
            this.keys = k;
        }

        @Override
        public void handle(IrqEvent e) {
            driver.onEdge(keys, this, e);
        }

        Button(int line, String lineName, int code, String label) {
            this.line = line;
            this.lineName = lineName;
            this.code = code;
            this.label = label;
        }

        /** The level is logical (the board applied active-low): HIGH is pressed. */
        boolean isPressed(DigitalState level) {
            return level == DigitalState.HIGH; // LOW or unknown: released
        }

        GpioKeys.Key snapshot() {
            return new GpioKeys.Key(line, code, label, pressed, presses);
        }
    }

    /** Driver data of a bound device; as a devres action, it leaves the driver's map of bound devices. */
    static final class KeysDevice implements GpioKeys, DevresAction {
        final String device;
        final List<Button> buttons;
        volatile Map<String, KeysDevice> registry; // set by probe before the action is registered

        @Override
        public void release() {
            Map<String, KeysDevice> r = registry;
            if (r != null) {
                r.remove(device, this);
            }
        }

        KeysDevice(String device, List<Button> buttons) {
            this.device = device;
            this.buttons = List.copyOf(buttons);
        }

        @Override
        public String device() {
            return device;
        }

        @Override
        public List<GpioKeys.Key> keys() {
            return buttons.stream().map(Button::snapshot).toList();
        }

        @Override
        public long totalPresses() {
            return buttons.stream().mapToLong(k -> k.presses).sum();
        }

        /**
         * Names the devres action ({@code Device.addAction} describes it eagerly, on the probe path). No record
         * toString, stream or lambda here: on a freshly loaded class each costs a call-site bootstrap, which was a
         * third of the probe worker's time in benchmark 8a.
         */
        @Override
        public String toString() {
            return new StringBuilder("gpio-keys ").append(device).append(" lines ").append(lineList(buttons)).toString();
        }
    }
}
