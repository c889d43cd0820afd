package io.kdrv.driver.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registered drivers and matching (Linux {@code driver_match_device} / {@code driver_override}).
 *
 * <p>A node's compatible list is most specific first: the first entry that any registered driver supports wins;
 * among drivers supporting that entry the highest ranking wins, then the lowest service id. A node key
 * {@code driver} forces that driver id. Drivers being removed never match.
 *
 * <p>Written by the probe worker only; thread-safe for readers.
 */
final class DriverMatcher {
    private final Object lock = new Object();
    private final Map<String, DriverEntry> drivers = new LinkedHashMap<>(); // guarded by lock

    DriverEntry get(String id) {
        synchronized (lock) {
            return drivers.get(id);
        }
    }

    /** @return the entry already registered under the same id (then {@code d} is not added), or null */
    DriverEntry add(DriverEntry d) {
        synchronized (lock) {
            DriverEntry old = drivers.get(d.id());
            if (old == null) {
                drivers.put(d.id(), d);
            }
            return old;
        }
    }

    void remove(String id) {
        synchronized (lock) {
            drivers.remove(id);
        }
    }

    List<DriverEntry> all() {
        synchronized (lock) {
            return new ArrayList<>(drivers.values());
        }
    }

    List<String> ids() {
        synchronized (lock) {
            List<String> ids = new ArrayList<>(drivers.keySet());
            ids.sort(null);
            return ids;
        }
    }

    /** The driver for {@code dev}: forced by its {@code driver} key, else first compatible entry with a driver. */
    DriverEntry bestMatch(DeviceImpl dev) {
        List<DriverEntry> candidates = all();
        candidates.removeIf(d -> d.removing);
        String forced = dev.node().forcedDriver();
        if (forced != null) {
            return candidates.stream().filter(d -> d.id().equals(forced)).findFirst().orElse(null);
        }
        for (String compat : dev.compatible()) {
            DriverEntry best = null;
            for (DriverEntry d : candidates) {
                if (d.supports(compat) && (best == null || d.betterThan(best))) {
                    best = d;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    /**
     * The driver {@code driverId} for a manual bind of {@code dev}.
     *
     * @throws IllegalArgumentException naming driver and device, if there is no such driver or it does not fit
     */
    DriverEntry requireFor(DeviceImpl dev, String driverId) {
        DriverEntry d = get(driverId);
        if (d == null || d.removing) {
            throw new IllegalArgumentException("no driver '" + driverId + "' (registered: " + ids() + ")");
        }
        boolean fits = driverId.equals(dev.node().forcedDriver()) || dev.compatible().stream().anyMatch(d::supports);
        if (!fits) {
            throw new IllegalArgumentException("driver " + driverId + " (compatible " + d.compatible()
                    + ") is not compatible with device " + dev.name() + " (compatible " + dev.compatible() + ")");
        }
        return d;
    }
}
