package io.kdrv.driver.internal;

import com.pi4j.io.pwm.PwmPolarity;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.PwmState;
import java.lang.reflect.Array;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The PWM keys of one device node: entry {@code index} of a {@code pwms}-style key ({@link PwmRef}) and its
 * initial settings from {@code <prefix>-frequency}, {@code -duty-cycle}, {@code -polarity} (prefix: the key without
 * its trailing {@code s}), each one value for every entry or one per entry. Errors name the device and the key.
 * Stateless.
 */
final class PwmNodeKeys {
    static final int DEFAULT_FREQUENCY = 1000;

    private final String device;
    private final BiFunction<String, NodeKey.Type, Object> values; // node value, else declared default, else null

    /** @param values the node's value of a key as a type, else the driver's declared default, else null */
    PwmNodeKeys(String device, BiFunction<String, NodeKey.Type, Object> values) {
        this.device = device;
        this.values = values;
    }

    /** Entry {@code index} of {@code key} in {@code raw} (the node's value). */
    PwmRef ref(String key, Object raw, int index) {
        List<PwmRef> refs = all(key, raw);
        if (index < 0 || index >= refs.size()) {
            throw new DeviceConfigException(device, key, "index " + index + " out of range: the key has "
                    + refs.size() + (refs.size() == 1 ? " entry" : " entries"));
        }
        return refs.get(index);
    }

    private List<PwmRef> all(String key, Object raw) {
        if (raw == null) {
            throw new DeviceConfigException(device, key, "missing");
        }
        try {
            return PwmRef.parseAll(raw);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(device, key, e.getMessage());
        }
    }

    /** The initial (disabled) state of entry {@code index} of {@code key}. */
    PwmState defaults(String key, Object raw, int index) {
        String prefix = key.endsWith("s") && key.length() > 1 ? key.substring(0, key.length() - 1) : key;
        int count = all(key, raw).size();
        String fk = prefix + "-frequency";
        String dk = prefix + "-duty-cycle";
        String pk = prefix + "-polarity";
        int frequency = (int) pick(fk, count, index, NodeKey.Type.INT_ARRAY, DEFAULT_FREQUENCY);
        if (frequency <= 0) {
            throw new DeviceConfigException(device, fk, "frequency must be > 0 Hz, got " + frequency);
        }
        double duty = (double) pick(dk, count, index, NodeKey.Type.DOUBLE_ARRAY, 0.0);
        if (!(duty >= 0 && duty <= 100)) {
            throw new DeviceConfigException(device, dk, "duty cycle must be 0..100 %, got " + duty);
        }
        String pol = (String) pick(pk, count, index, NodeKey.Type.STRING_ARRAY, "normal");
        PwmPolarity polarity = switch (pol.strip().toLowerCase(Locale.ROOT)) {
            case "normal" -> PwmPolarity.NORMAL;
            case "inversed", "inverted" -> PwmPolarity.INVERSED;
            default -> throw new DeviceConfigException(device, pk, "expected normal or inversed, got "
                    + Props.printable(pol));
        };
        return new PwmState(false, frequency, duty, polarity);
    }

    /** One value for every entry or one per entry of an array key; {@code def} when the key is absent. */
    private Object pick(String key, int count, int index, NodeKey.Type type, Object def) {
        Object v = values.apply(key, type);
        if (v == null) {
            return def;
        }
        int n = Array.getLength(v);
        if (n != 1 && n != count) {
            throw new DeviceConfigException(device, key, n + " entries for " + count
                    + " PWM channels (give one entry per channel, or one for all)");
        }
        return Array.get(v, n == 1 ? 0 : index);
    }
}
