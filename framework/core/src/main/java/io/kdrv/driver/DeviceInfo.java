package io.kdrv.driver;

import java.util.List;
import java.util.Map;

/**
 * Immutable snapshot of one device node and its binding, as shown by {@code kdrv:devices}.
 *
 * @param name       unique node name
 * @param compatible compatible strings, most specific first
 * @param state      binding state
 * @param driver     bound (or probing/failed) driver's id, {@code null} when none
 * @param reason     deferral reason or failure message; for an UNBOUND device what it waits for (a driver forced by
 *                   node key {@code driver} that is not registered); {@code null} otherwise
 * @param properties node keys and values
 * @param probes     successful probes of this node so far
 * @param removes    removes of this node so far
 */
public record DeviceInfo(String name, List<String> compatible, DeviceState state, String driver, String reason,
        Map<String, Object> properties, long probes, long removes) {
}
