package io.kdrv.driver.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Device links by supplier (Linux {@code struct device_link}): which devices hold a resource (a GPIO line, a PWM
 * channel) of which supplier device, so that unbinding a supplier finds its consumers without looking at every
 * device. Thread-safe: consumers link and unlink from their probe and devres release, the binder reads on the probe
 * queue.
 */
final class DeviceLinks {
    private final ConcurrentHashMap<String, Set<DeviceImpl>> consumers = new ConcurrentHashMap<>();

    void link(String supplier, DeviceImpl consumer) {
        consumers.computeIfAbsent(supplier, k -> ConcurrentHashMap.newKeySet()).add(consumer);
    }

    void unlink(String supplier, DeviceImpl consumer) {
        consumers.computeIfPresent(supplier, (k, set) -> {
            set.remove(consumer);
            return set.isEmpty() ? null : set;
        });
    }

    /** A fresh, modifiable list of the devices linked to {@code supplier} now (any order). */
    List<DeviceImpl> consumersOf(String supplier) {
        Set<DeviceImpl> set = consumers.get(supplier);
        return set == null ? new ArrayList<>() : new ArrayList<>(set);
    }
}
