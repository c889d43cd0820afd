package io.kdrv.driver.host;

import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.Driver;
import io.kdrv.driver.spi.Board;
import java.util.List;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kdrv driver core embedded in plain Java, without OSGi: what a test bed ({@code kdrv-testing}), a benchmark or
 * another host feeds with device nodes, drivers and a board, in place of Configuration Admin and Declarative
 * Services. Same matching, probe/remove on the probe kthread, deferred probe, devres and time bounds as in a
 * framework.
 *
 * <p>The inputs ({@link #putNode}, {@link #deleteNode}, {@link #addDriver}, {@link #setBoard}) are asynchronous:
 * they queue work for the core's probe kthread and return; {@link #awaitIdle} waits until it is done.
 * {@link #removeDriver}, {@link #unsetBoard}, {@code bind}, {@code unbind} and {@link #close} wait (bounded by
 * {@link HostConfig#waitTimeout()}). Thread-safe; the blocking methods must not be called from a driver's probe or
 * remove ({@link IllegalStateException}).
 */
@ProviderType
public interface DriverHost extends DeviceManager, AutoCloseable {
    /**
     * Starts a core and its probe kthread {@code kdrv-probe}. {@link #close()} stops it.
     *
     * @param config time bounds
     * @return the running core
     */
    static DriverHost start(HostConfig config) {
        return io.kdrv.driver.internal.EmbeddedHost.start(config);
    }

    /**
     * Adds or replaces the device node {@code source} (as a {@code kdrv.device} factory configuration would).
     *
     * @param source the node's identity (a PID or any label unique among nodes)
     * @param node   its keys: {@code name}, {@code compatible}, optional {@code driver}, driver keys
     * @return the problems of the node's framework keys, one exception per problem naming the device (or the
     *         source when the name is unusable) and the key; empty when the node was accepted (a node that does
     *         not fit the matched driver's declared keys is accepted and then FAILED, see {@code Driver#binding})
     */
    List<DeviceConfigException> putNode(String source, Map<String, ?> node);

    /** Deletes node {@code source}: its device is removed (driver remove, devres release). */
    void deleteNode(String source);

    /**
     * Registers a driver, as a driver bundle's DS component would.
     *
     * @param id         unique driver id, shown by {@link #drivers()}
     * @param compatible the compatible strings it binds to
     * @param ranking    among drivers for the same compatible string the highest ranking wins
     * @param order      then the lowest order (the OSGi service id)
     * @param origin     what registered it, for display (a bundle name and version)
     */
    void addDriver(String id, Driver driver, List<String> compatible, int ranking, long order, String origin);

    /**
     * Unregisters a driver and waits (bounded) until its devices are removed and their resources released.
     *
     * @return false if that did not finish within {@link HostConfig#waitTimeout()}
     */
    boolean removeDriver(String id);

    /** The board appears: deferred devices (waiting for "no board service") are retried. */
    void setBoard(Board board);

    /** The board goes away: devices holding board resources are removed (waiting, bounded) and deferred. */
    void unsetBoard(Board board);

    /** Removes every bound device in reverse probe order and stops the core's kthreads. Idempotent. */
    @Override
    void close();
}
