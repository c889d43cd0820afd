package io.kdrv.driver.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The devices the core knows (Linux's bus device list): accepted devices by node source and by name, and the nodes
 * kept aside (invalid, or waiting for their name to become free).
 *
 * <p>Written by the probe worker only; every method takes the registry's lock briefly, so snapshot readers on other
 * threads see consistent maps. Never calls out while holding it.
 */
final class DeviceRegistry {
    /**
     * A node that was not accepted, kept so that a fix (or the name becoming free) brings it back.
     *
     * @param node     the parsed node when only its name is taken, null when it is invalid
     * @param problems why it was not accepted
     */
    record Rejected(NodeData node, List<String> problems) {
    }

    /** A node waiting for a name, with its source. */
    record Waiting(String source, Rejected node) {
    }

    private final Object lock = new Object();
    private final Map<String, DeviceImpl> bySource = new LinkedHashMap<>(); // guarded by lock
    private final Map<String, DeviceImpl> byName = new HashMap<>();         // guarded by lock
    private final Map<String, Rejected> rejected = new LinkedHashMap<>();   // guarded by lock

    DeviceImpl bySource(String source) {
        synchronized (lock) {
            return bySource.get(source);
        }
    }

    DeviceImpl byName(String name) {
        synchronized (lock) {
            return byName.get(name);
        }
    }

    /**
     * @throws IllegalArgumentException naming the device and the known names, if there is no such device
     */
    DeviceImpl require(String name) {
        synchronized (lock) {
            DeviceImpl dev = byName.get(name);
            if (dev == null) {
                throw new IllegalArgumentException("no device '" + name + "' (known: " + new TreeSet<>(byName.keySet()) + ")");
            }
            return dev;
        }
    }

    void add(DeviceImpl dev) {
        synchronized (lock) {
            bySource.put(dev.node().source(), dev);
            byName.put(dev.name(), dev);
        }
    }

    /** Forgets {@code dev}; returns the node that was waiting for its name, if any (still kept aside). */
    Waiting remove(DeviceImpl dev) {
        synchronized (lock) {
            bySource.remove(dev.node().source());
            byName.remove(dev.name());
            for (Map.Entry<String, Rejected> e : rejected.entrySet()) {
                NodeData waiting = e.getValue().node();
                if (waiting != null && dev.name().equals(waiting.name())) {
                    return new Waiting(e.getKey(), e.getValue());
                }
            }
            return null;
        }
    }

    void reject(String source, Rejected r) {
        synchronized (lock) {
            rejected.put(source, r);
        }
    }

    /** @return true if {@code source} was kept aside (and is now forgotten) */
    boolean forgetRejected(String source) {
        synchronized (lock) {
            return rejected.remove(source) != null;
        }
    }

    /** Nodes not accepted (invalid, or duplicate name) with their problems, by source. */
    Map<String, List<String>> rejectedNodes() {
        synchronized (lock) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            rejected.forEach((k, v) -> out.put(k, v.problems()));
            return out;
        }
    }

    List<DeviceImpl> all() {
        synchronized (lock) {
            return new ArrayList<>(byName.values());
        }
    }

    List<DeviceImpl> inOrder(Comparator<DeviceImpl> order) {
        List<DeviceImpl> devs = all();
        devs.sort(order);
        return devs;
    }
}
