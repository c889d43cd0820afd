package io.kdrv.driver;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A driver's binding schema: the {@link NodeKey}s it reads from its device nodes, returned by
 * {@link Driver#binding()}. The core checks each node against the matched driver's binding before probe (see
 * {@link NodeKey}), shows the keys in {@code kdrv:drivers} and {@link DriverInfo#keys()}, and logs a WARN for a
 * node key the driver does not declare (a typo such as {@code debounce_ms} would otherwise be silently ignored).
 *
 * <p>{@link #UNDECLARED} (the default) means the driver declares nothing: nodes are not checked beyond the
 * framework keys. Immutable and thread-safe.
 */
public final class Binding {
    /** No keys declared: the node is passed to probe unchecked. */
    public static final Binding UNDECLARED = new Binding(Map.of(), false);

    private final Map<String, NodeKey> keys;
    private final boolean declared;

    private Binding(Map<String, NodeKey> keys, boolean declared) {
        this.keys = keys;
        this.declared = declared;
    }

    /**
     * A binding with these keys (possibly none: a driver that reads no node keys).
     *
     * @throws IllegalArgumentException if two keys have the same name
     */
    public static Binding of(NodeKey... keys) {
        Map<String, NodeKey> m = new LinkedHashMap<>();
        for (NodeKey k : keys) {
            if (m.putIfAbsent(k.name(), k) != null) {
                throw new IllegalArgumentException("binding declares node key '" + k.name() + "' twice");
            }
        }
        return new Binding(Collections.unmodifiableMap(m), true);
    }

    /** @return whether the driver declared its keys (false for {@link #UNDECLARED}) */
    public boolean declared() {
        return declared;
    }

    /** @return the keys in declaration order */
    public List<NodeKey> keys() {
        return List.copyOf(new ArrayList<>(keys.values()));
    }

    /** @return the key named {@code name}, if declared */
    public Optional<NodeKey> key(String name) {
        return Optional.ofNullable(keys.get(name));
    }

    @Override
    public String toString() {
        return declared ? "Binding" + keys.values() : "Binding[undeclared]";
    }
}
