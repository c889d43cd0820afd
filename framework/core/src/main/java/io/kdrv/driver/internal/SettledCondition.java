package io.kdrv.driver.internal;

import io.kdrv.driver.DeviceState;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.Set;
import org.osgi.annotation.bundle.Capability;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.condition.Condition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OSGi condition {@value #ID} (an {@link Condition} service, OSGi core R8): registered once the device nodes
 * Configuration Admin held when the core started, and those of the board files configured then, have all reached
 * the core and the probe worker has run dry, every deferred retry included; the devices have then bound, failed or
 * stayed deferred. Linux's counterpart is {@code wait_for_device_probe()} before init runs. The kdrv launcher
 * starts the bundles the devices do not need (console, shell, control socket, FileInstall) only then, so they do not
 * compete with the probes for the CPUs; a DS component can wait for it with a reference to {@code Condition}
 * targeting {@code (osgi.condition.id=}{@value
 * #ID}{@code )}.
 *
 * <p>Nodes created later do not withdraw it. Thread-safe: {@link #delivered} runs on Configuration Admin's thread,
 * {@link #start} on the activating thread, the registration on the probe worker; no lock is held across a framework
 * call.
 *
 * <p>Declared as the bundle's capability, so the launcher waits for it only when a bundle that provides it is
 * installed.
 */
@Capability(namespace = "osgi.service", attribute = {
        "objectClass:List<String>=org.osgi.service.condition.Condition",
        "osgi.condition.id=" + SettledCondition.ID})
final class SettledCondition {
    private static final Logger LOG = LoggerFactory.getLogger(SettledCondition.class);

    /** The condition id. */
    static final String ID = "kdrv.devices.settled";

    private final BundleContext ctx;
    private final DriverCore core;
    private final Set<String> delivered = new HashSet<>();  // guarded by this
    private Set<String> expected;                            // guarded by this; null until start()
    private boolean queued;                                  // guarded by this
    private volatile ServiceRegistration<Condition> registration;
    private volatile boolean closed;

    SettledCondition(BundleContext ctx, DriverCore core) {
        this.ctx = ctx;
        this.core = core;
    }

    /** A node reached the core, or was deleted (Configuration Admin's thread). */
    void delivered(String pid) {
        synchronized (this) {
            if (!queued) {
                delivered.add(pid);
            }
        }
        maybeSettle();
    }

    /**
     * Takes the nodes to wait for: those Configuration Admin holds now and those the configured board files hold
     * now (on a first start the board file loader writes them only after the core started). Call once, after the
     * node factory registered and the drivers present were handed to the core (their items are queued before the
     * check).
     */
    void start() {
        Set<String> pids = expectedNodePids(ctx);
        synchronized (this) {
            expected = pids;
        }
        maybeSettle();
    }

    /** Unregisters the condition (core deactivation); a pending registration is dropped. */
    void close() {
        closed = true;
        ServiceRegistration<Condition> r = registration;
        if (r != null) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework is tearing the bundle down
            }
        }
    }

    private void maybeSettle() {
        synchronized (this) {
            if (queued || expected == null || !delivered.containsAll(expected)) {
                return;
            }
            queued = true;
            delivered.clear();
        }
        core.whenIdle("devices settled", this::register);
    }

    private void register() {
        if (closed) {
            return;
        }
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Condition.CONDITION_ID, ID);
        try {
            registration = ctx.registerService(Condition.class, Condition.INSTANCE, props);
        } catch (IllegalStateException stopping) {
            return; // the core bundle is stopping
        }
        if (closed) {
            close();
            return;
        }
        LOG.info("kdrv core: devices settled ({} bound, {} deferred)",
                core.devices().stream().filter(d -> d.state() == DeviceState.BOUND).count(),
                core.deferred().size());
    }

    /**
     * The PIDs of the {@code kdrv.device} factory configurations and of the board files' valid nodes; none when
     * Configuration Admin is absent (then no node can arrive either).
     */
    private static Set<String> expectedNodePids(BundleContext ctx) {
        Set<String> pids = new HashSet<>();
        ServiceReference<ConfigurationAdmin> ref = ctx.getServiceReference(ConfigurationAdmin.class);
        if (ref == null) {
            return pids;
        }
        ConfigurationAdmin ca = ctx.getService(ref);
        try {
            if (ca == null) {
                return pids;
            }
            Configuration[] configs = ca.listConfigurations(
                    "(service.factoryPid=" + DriverManagerComponent.NODE_FACTORY_PID + ")");
            if (configs != null) {
                for (Configuration c : configs) {
                    pids.add(c.getPid());
                }
            }
            Configuration[] files = ca.listConfigurations("(service.pid=" + BoardFileLoader.PID + ")");
            pids.addAll(BoardFileLoader.nodePidsOnFile(ctx, files == null ? null : files[0].getProperties()));
        } catch (Exception e) {
            LOG.debug("kdrv core: cannot list the device nodes in Configuration Admin: {}", e.toString());
        } finally {
            ctx.ungetService(ref);
        }
        return pids;
    }
}
