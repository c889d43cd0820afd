package io.kdrv.driver.internal;

import java.lang.reflect.Array;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An accepted (parsed) device node: where it came from and its keys, frozen.
 *
 * @param source       the node's origin: its Configuration Admin PID, or a test/board label; unique key of the node
 * @param name         the node name
 * @param compatible   compatible strings, most specific first
 * @param forcedDriver value of the {@code driver} key, or null
 * @param properties   the node keys (framework keys removed), sorted, arrays copied; unmodifiable
 */
record NodeData(String source, String name, List<String> compatible, String forcedDriver, Map<String, Object> properties) {

    /** Freezes a node whose framework keys {@link NodeParser#parse} accepted (only it calls this). */
    static NodeData of(String source, Map<String, ?> raw) {
        Map<String, Object> props = new TreeMap<>();
        raw.forEach((k, v) -> {
            if (!NodeParser.FRAMEWORK_KEYS.contains(k) && v != null) {
                props.put(k, copy(v));
            }
        });
        String driver = (String) raw.get(NodeParser.KEY_DRIVER);
        return new NodeData(source, (String) raw.get(NodeParser.KEY_NAME), NodeParser.compatibleOf(raw),
                driver == null ? null : driver.strip(), Collections.unmodifiableMap(props));
    }

    /** Arrays are copied so a caller keeping its array cannot change the node behind the core's back. */
    static Object copy(Object v) {
        if (v != null && v.getClass().isArray()) {
            int n = Array.getLength(v);
            Object c = Array.newInstance(v.getClass().getComponentType(), n);
            System.arraycopy(v, 0, c, 0, n);
            return c;
        }
        if (v instanceof Collection<?> c) {
            return List.copyOf(c);
        }
        return v;
    }

    /** Same keys and values (arrays compared by content): an update that changes nothing is ignored. */
    boolean sameContent(NodeData other) {
        if (!Objects.equals(properties.keySet(), other.properties.keySet())) {
            return false;
        }
        for (Map.Entry<String, Object> e : properties.entrySet()) {
            if (!Arrays.deepEquals(new Object[] {e.getValue()}, new Object[] {other.properties.get(e.getKey())})) {
                return false;
            }
        }
        return true;
    }

    /** A copy of the properties for callers (arrays copied again). */
    Map<String, Object> snapshot() {
        Map<String, Object> out = new LinkedHashMap<>();
        properties.forEach((k, v) -> out.put(k, copy(v)));
        return Collections.unmodifiableMap(out);
    }
}
