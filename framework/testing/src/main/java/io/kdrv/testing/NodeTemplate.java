package io.kdrv.testing;

import io.kdrv.driver.DeviceInfo;
import java.util.Arrays;
import java.util.Objects;

/**
 * The keys most nodes of a test share, so each test adds a device with only what differs:
 *
 * <pre>{@code
 * private final NodeTemplate sensor = new NodeTemplate(bed, "sensirion,sht31", "i2c-bus", 1, "reg", 0x44);
 * ...
 * DeviceInfo d = sensor.add("rh0", "poll-ms", 20);    // i2c-bus 1, reg 0x44, poll-ms 20
 * DeviceInfo e = sensor.add("rh1", "reg", 0x45);      // a later key replaces the template's
 * }</pre>
 *
 * <p>Immutable; {@link #add} has {@link KdrvTestBed#addDevice(String, String, Object...)}'s contract (it waits for
 * the result, on the test thread).
 */
public final class NodeTemplate {
    private final KdrvTestBed bed;
    private final String compatible;
    private final Object[] keyValues;

    /**
     * @param keyValues the shared keys and values, alternating
     * @throws IllegalArgumentException if {@code keyValues} does not alternate key, value
     */
    public NodeTemplate(KdrvTestBed bed, String compatible, Object... keyValues) {
        this.bed = Objects.requireNonNull(bed, "bed");
        this.compatible = Objects.requireNonNull(compatible, "compatible");
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("node template " + compatible + ": keyValues must alternate key, value");
        }
        this.keyValues = keyValues.clone();
    }

    /**
     * Adds (or updates) device {@code name} with the template's keys, then {@code more} (alternating key, value;
     * a key given again replaces the template's value), and waits for the result.
     *
     * @return the device after matching and probing
     */
    public DeviceInfo add(String name, Object... more) {
        Object[] kv = Arrays.copyOf(keyValues, keyValues.length + more.length);
        System.arraycopy(more, 0, kv, keyValues.length, more.length);
        return bed.addDevice(name, compatible, kv);
    }

    /** @return the compatible string the template's nodes carry */
    public String compatible() {
        return compatible;
    }
}
