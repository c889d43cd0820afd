package io.kdrv.driver;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The driver manager, registered as an OSGi service by the core bundle: introspection and manual bind/unbind
 * (used by the shell and by tests). Probe and remove always run on the manager's probe kthread; the blocking
 * methods here wait for that work with a bound.
 *
 * <p>Thread-safety: all methods are thread-safe and may be called from any thread except the probe kthread
 * itself (a driver's probe or remove must not call the blocking methods: {@link IllegalStateException}).
 */
@ProviderType
public interface DeviceManager {
    /** All known device nodes, sorted by name. */
    List<DeviceInfo> devices();

    Optional<DeviceInfo> device(String name);

    /** All registered drivers, sorted by id. */
    List<DriverInfo> drivers();

    /** Devices waiting in the deferred list, with their reasons. */
    List<DeviceInfo> deferred();

    /**
     * Binds {@code device} to {@code driverId} (or the best match when {@code null}) and waits for the probe result.
     *
     * @throws IllegalArgumentException no such device or driver, or the driver is not compatible; the message names them
     * @throws IllegalStateException    the device is already bound (unbind first)
     */
    DeviceInfo bind(String device, String driverId);

    /**
     * Removes the driver from {@code device} and waits until remove and devres release finished. The device stays
     * unbound (not auto-probed) until {@link #bind} or until its node changes.
     *
     * @throws IllegalArgumentException no such device
     */
    DeviceInfo unbind(String device);

    /**
     * Waits until no probe or remove is queued or running.
     *
     * @return false on timeout
     */
    boolean awaitIdle(Duration timeout) throws InterruptedException;

    /**
     * The sensor of a bound device ({@link Device#sensor}): latest reading per channel and poller statistics.
     *
     * @return empty when the device is unknown, not bound, or has no sensor
     */
    default Optional<SensorInfo> sensor(String device) {
        return Optional.empty();
    }
}
