package io.kdrv.driver;

import java.util.List;

/**
 * Immutable snapshot of one registered driver, as shown by {@code kdrv:drivers}.
 *
 * @param id         {@code <bundle-symbolic-name>/<component or class name>}, unique among registered drivers
 * @param compatible the driver's {@value Driver#COMPATIBLE} strings
 * @param bundle     symbolic name and version of the registering bundle
 * @param devices    names of devices currently bound to it
 * @param keys       the node keys the driver declares ({@link Driver#binding()}); empty when undeclared
 */
public record DriverInfo(String id, List<String> compatible, String bundle, List<String> devices, List<NodeKey> keys) {
    public DriverInfo {
        compatible = List.copyOf(compatible);
        devices = List.copyOf(devices);
        keys = List.copyOf(keys);
    }

    /** A driver that declares no node keys (the form before {@code keys} was added). */
    public DriverInfo(String id, List<String> compatible, String bundle, List<String> devices) {
        this(id, compatible, bundle, devices, List.of());
    }
}
