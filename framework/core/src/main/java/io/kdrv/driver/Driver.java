package io.kdrv.driver;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A device driver: an OSGi service with service property {@value #COMPATIBLE} (String[]), usually registered
 * with Declarative Services by a driver bundle.
 *
 * <p>The driver manager serialises every {@link #probe} and {@link #remove} on its single probe worker kthread
 * ({@code kdrv-probe}): one call at a time, never on an OSGi event thread and never concurrently for one driver
 * instance. Each call runs on the probe worker itself (owner {@code device <name>} while it runs), as Linux runs
 * probe in the caller's context, under a watchdog bound (configuration {@code probe.timeout.ms}, default 30 s): a
 * probe that does not return in time fails the device with a message naming device and driver, the stuck kthread
 * is reported with its stack and abandoned, a fresh probe worker ({@code kdrv-probe/<n>}) takes over, and other
 * devices keep being probed in order.
 * Everything a driver acquires through the {@link Device} during probe (kthreads, workers, GPIO lines, IRQs, I2C
 * handles, actions) is device-managed: it is released in reverse order after {@code remove} returns, or right away
 * when {@code probe} fails, so a driver that forgets a thread leaks nothing.
 */
@ConsumerType
public interface Driver {
    /** Service property: the compatible strings this driver binds to (String or String[]). */
    String COMPATIBLE = "kdrv.compatible";

    /**
     * Binds this driver to {@code dev}: acquire resources through {@code dev} and start threads.
     *
     * @throws ProbeDeferredException when a dependency is not there yet; the device goes on the deferred list and
     *         probe is retried after every successful probe of another device
     * @throws Exception any other failure: the device becomes failed(error) and its resources are released
     */
    void probe(Device dev) throws Exception;

    /**
     * The node keys this driver reads (its binding schema). The core checks every node against it before calling
     * {@link #probe}, so probe sees only nodes whose declared keys are present and well-typed (a misfit fails the
     * device with a {@link DeviceConfigException} naming device and key, without calling probe), and the getters
     * without a default return the declared defaults. Called once, when the driver is registered; must not block.
     *
     * @return the binding; the default {@link Binding#UNDECLARED} checks nothing
     */
    default Binding binding() {
        return Binding.UNDECLARED;
    }

    /**
     * Unbinds this driver from {@code dev}. Called before device-managed resources are released, so threads the
     * driver stops here may still use them. An exception is logged; release continues.
     */
    default void remove(Device dev) throws Exception {
    }
}
