package io.kdrv.driver.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Driver;
import java.util.List;
import java.util.Objects;

/**
 * A registered driver as the core sees it: the OSGi-independent part of a {@link Driver} service registration.
 *
 * <p>Matching order among drivers supporting the same compatible string: highest {@code ranking}, then lowest
 * {@code serviceId} (the OSGi service ordering).
 */
final class DriverEntry {
    private final String id;
    private final Driver driver;
    private final List<String> compatible;
    private final int ranking;
    private final long serviceId;
    private final String bundle;
    private final Binding binding;
    /** Set as soon as removal starts, so no new device matches it while its devices are being removed. */
    volatile boolean removing;

    /**
     * @param id         unique driver id, {@code <bundle-symbolic-name>/<component or class name>}
     * @param driver     the driver object
     * @param compatible its compatible strings
     * @param ranking    service ranking (higher wins)
     * @param serviceId  service id (lower wins on equal ranking)
     * @param bundle     registering bundle, for display ({@code symbolic-name version})
     */
    public DriverEntry(String id, Driver driver, List<String> compatible, int ranking, long serviceId, String bundle) {
        this.id = Objects.requireNonNull(id, "id");
        this.driver = Objects.requireNonNull(driver, "driver");
        this.compatible = List.copyOf(compatible);
        this.ranking = ranking;
        this.serviceId = serviceId;
        this.bundle = bundle == null ? "" : bundle;
        this.binding = bindingOf(this.id, driver);
    }

    /** The driver's declared binding; a driver whose {@code binding()} throws is treated as undeclared (logged). */
    private static Binding bindingOf(String id, Driver driver) {
        try {
            Binding b = driver.binding();
            return b == null ? Binding.UNDECLARED : b;
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(DriverEntry.class).error(
                    "driver {}: binding() threw; its nodes are not checked", id, e);
            return Binding.UNDECLARED;
        }
    }

    /** The node keys the driver declares. */
    public Binding binding() {
        return binding;
    }

    public String id() {
        return id;
    }

    public Driver driver() {
        return driver;
    }

    public List<String> compatible() {
        return compatible;
    }

    public int ranking() {
        return ranking;
    }

    public long serviceId() {
        return serviceId;
    }

    public String bundle() {
        return bundle;
    }

    boolean supports(String compat) {
        return compatible.contains(compat);
    }

    /** True if this entry should win over {@code other} for the same compatible string. */
    boolean betterThan(DriverEntry other) {
        if (ranking != other.ranking) {
            return ranking > other.ranking;
        }
        return serviceId < other.serviceId;
    }

    @Override
    public String toString() {
        return "driver " + id;
    }
}
