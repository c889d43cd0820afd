package io.kdrv.driver.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a node's driver keys against the matched driver's {@link Binding} (Linux dt-schema, at probe time):
 * required keys present, values convertible to the declared type with the getters' conversions, lower bounds.
 * Stateless and thread-safe.
 */
final class BindingCheck {
    private BindingCheck() {
    }

    /**
     * @param device the device name (for the exceptions)
     * @param props  the node's driver keys
     * @return one exception per problem, naming device and key; empty when the node fits (or nothing is declared)
     */
    static List<DeviceConfigException> check(String device, Map<String, Object> props, Binding binding) {
        List<DeviceConfigException> out = new ArrayList<>();
        for (NodeKey k : binding.keys()) {
            String problem = problem(k, props.get(k.name()));
            if (problem != null) {
                out.add(new DeviceConfigException(device, k.name(), problem));
            }
        }
        return out;
    }

    /** Node keys the binding does not declare (likely typos), in node order; empty for an undeclared binding. */
    static List<String> undeclared(Map<String, Object> props, Binding binding) {
        if (!binding.declared()) {
            return List.of();
        }
        return props.keySet().stream().filter(k -> !isFrameworkKey(k) && binding.key(k).isEmpty()).toList();
    }

    /** Keys every node may carry that belong to the core or the tools that made the node, not to the driver. */
    private static boolean isFrameworkKey(String k) {
        return k.equals(NodeParser.KEY_NAME) || k.equals(NodeParser.KEY_COMPATIBLE) || k.equals(NodeParser.KEY_DRIVER)
                || k.equals(BoardFile.KEY_SOURCE) || k.startsWith("felix.fileinstall.")
                || NodeParser.FRAMEWORK_KEYS.contains(k);
    }

    /** The problem of one value, or null if it fits. */
    static String problem(NodeKey k, Object value) {
        if (value == null) {
            return k.isRequired() ? "missing (" + k + ")" : null;
        }
        Object converted;
        try {
            if (k.type() == NodeKey.Type.INT_ARRAY) {
                // Controller references ("expander0:3") are lines too; whether the controller exists is the
                // probe's question (it may defer), and the bounds are the SoC's.
                value = LineRefs.numbered(value, ref -> Integer.MAX_VALUE);
            }
            converted = Props.convert(value, k.type());
        } catch (Props.BadValue e) {
            return e.getMessage();
        }
        if (k.min().isEmpty()) {
            return null;
        }
        long min = k.min().getAsLong();
        switch (converted) {
            case Integer i when i < min -> {
                return "must be >= " + min + ", got " + i;
            }
            case Long l when l < min -> {
                return "must be >= " + min + ", got " + l;
            }
            case Double d when d < min -> {
                return "must be >= " + min + ", got " + d;
            }
            case int[] a -> {
                for (int i = 0; i < a.length; i++) {
                    if (a[i] < min) {
                        return "entry " + i + " must be >= " + min + ", got " + a[i];
                    }
                }
            }
            case long[] a -> {
                for (int i = 0; i < a.length; i++) {
                    if (a[i] < min) {
                        return "entry " + i + " must be >= " + min + ", got " + a[i];
                    }
                }
            }
            case double[] a -> {
                for (int i = 0; i < a.length; i++) {
                    if (a[i] < min) {
                        return "entry " + i + " must be >= " + min + ", got " + a[i];
                    }
                }
            }
            default -> {
            }
        }
        return null;
    }
}
