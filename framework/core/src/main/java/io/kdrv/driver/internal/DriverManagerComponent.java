package io.kdrv.driver.internal;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.Driver;
import io.kdrv.driver.DriverInfo;
import io.kdrv.driver.host.HostConfig;
import io.kdrv.driver.spi.Board;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OSGi face of {@link DriverCore}: registers the {@link DeviceManager} service, feeds device nodes from
 * Configuration Admin (a {@link ManagedServiceFactory} for factory PID {@value #NODE_FACTORY_PID}), tracks
 * {@link Driver} services and the {@link Board} service, and posts state changes to Event Admin.
 *
 * <p>Driver unregistration (bundle stop, update, uninstall) blocks in {@link #removeDriver} until every device of
 * that driver has been removed and its resources released (bounded), so a driver's code never runs after its
 * bundle stopped. Deactivation (core bundle stop, framework shutdown) removes all devices in reverse probe order,
 * bounded, and then destroys the probe worker.
 */
@Component(service = DeviceManager.class, immediate = true, configurationPid = DriverManagerComponent.CONFIG_PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = DriverManagerComponent.Config.class)
public final class DriverManagerComponent implements DeviceManager {
    private static final Logger LOG = LoggerFactory.getLogger(DriverManagerComponent.class);

    /** Configuration PID of the core's timeouts. */
    public static final String CONFIG_PID = "kdrv.core";
    /** Factory PID of device nodes. */
    public static final String NODE_FACTORY_PID = "kdrv.device";
    /** Event Admin topic prefix; the state name follows ({@code kdrv/device/BOUND}). */
    public static final String TOPIC_PREFIX = "kdrv/device/";

    @ObjectClassDefinition(id = CONFIG_PID, name = "kdrv driver core",
            description = "Time bounds of the kdrv driver core. Each may also be given as framework property "
                    + "kdrv.<key>, e.g. kdrv.probe.timeout.ms.")
    public @interface Config {
        @AttributeDefinition(name = "Probe timeout (ms)", min = "1", max = "3600000",
                description = "A probe that does not return in time fails the device; its thread is reported.")
        long probe_timeout_ms() default 30_000;

        @AttributeDefinition(name = "Remove timeout (ms)", min = "1", max = "3600000",
                description = "Bound for a driver's remove and, separately, for releasing a device's resources.")
        long remove_timeout_ms() default 30_000;

        @AttributeDefinition(name = "Kthread stop timeout (ms)", min = "1", max = "3600000",
                description = "Bound for stopping one device-managed kthread; a thread that ignores stop is reported.")
        long stop_timeout_ms() default 5_000;

        @AttributeDefinition(name = "Caller wait timeout (ms)", min = "1", max = "3600000",
                description = "Longest wait of bind/unbind, driver unregistration and shutdown for the probe worker.")
        long wait_timeout_ms() default 120_000;
    }

    private final DriverCore core;
    private final ServiceRegistration<ManagedServiceFactory> nodeFactory;
    private final SettledCondition settled;
    private final Map<ServiceReference<Driver>, DriverEntry> driverEntries = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin; // package-private for the adapter test

    @Activate
    public DriverManagerComponent(BundleContext ctx, Map<String, Object> props) {
        HostConfig cfg = config(ctx, props, HostConfig.DEFAULTS);
        this.core = new DriverCore(cfg);
        core.setListener(this::post);
        core.setSensorEventSink(this::postSensor);
        Hashtable<String, Object> msfProps = new Hashtable<>();
        msfProps.put(Constants.SERVICE_PID, NODE_FACTORY_PID);
        msfProps.put(Constants.SERVICE_DESCRIPTION, "kdrv device nodes");
        this.settled = new SettledCondition(ctx, core);
        this.nodeFactory = ctx.registerService(ManagedServiceFactory.class, new NodeFactory(core, settled), msfProps);
        LOG.info("kdrv core started (probe timeout {} ms, stop timeout {} ms)", cfg.probeTimeout().toMillis(),
                cfg.stopTimeout().toMillis());
    }

    /**
     * After the constructor and the bind calls of the drivers and board present (DS order): from here on the
     * settle check queues behind their items. A node delivered since the factory registered is already counted.
     */
    @Activate
    void activated() {
        settled.start();
    }

    /**
     * Configuration values, then framework properties {@code kdrv.<key>}, then defaults; a bad value is logged
     * naming its key and only that key keeps its value from {@code previous}.
     */
    private static HostConfig config(BundleContext ctx, Map<String, Object> props, HostConfig previous) {
        List<String> problems = new ArrayList<>();
        HostConfig cfg = CoreConfig.from(props, key -> ctx.getProperty("kdrv." + key), previous, problems);
        for (String p : problems) {
            LOG.error("kdrv core: {}", p);
        }
        return cfg;
    }

    /** New timeouts apply in place: no reactivation, so devices are not removed and probed again. */
    @Modified
    void modified(BundleContext ctx, Map<String, Object> props) {
        HostConfig cfg = config(ctx, props, core.config());
        core.reconfigure(cfg);
        LOG.info("kdrv core reconfigured: {}", cfg);
    }

    @Deactivate
    void deactivate() {
        settled.close();
        try {
            nodeFactory.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework is tearing the bundle down
        }
        core.close();
    }

    // ------------------------------------------------------------------------------------------------ drivers

    @Reference(service = Driver.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "removeDriver", updated = "updatedDriver")
    void addDriver(Driver driver, ServiceReference<Driver> ref) {
        DriverEntry e = entry(driver, ref);
        if (e != null) {
            driverEntries.put(ref, e);
            core.addDriver(e);
        }
    }

    void removeDriver(Driver driver, ServiceReference<Driver> ref) {
        DriverEntry e = driverEntries.remove(ref);
        if (e != null) {
            core.removeDriver(e.id());
        }
    }

    /** Changed service properties (compatible, ranking): unbind everything of the old entry, then re-register. */
    void updatedDriver(Driver driver, ServiceReference<Driver> ref) {
        DriverEntry old = driverEntries.get(ref);
        DriverEntry fresh = entry(driver, ref);
        if (old != null && fresh != null && old.compatible().equals(fresh.compatible())
                && old.ranking() == fresh.ranking()) {
            return;
        }
        removeDriver(driver, ref);
        addDriver(driver, ref);
    }

    /** The core's view of a driver service, or null (logged) when its properties are unusable. */
    private DriverEntry entry(Driver driver, ServiceReference<Driver> ref) {
        Bundle b = ref.getBundle();
        String bsn = b == null ? "?" : b.getSymbolicName();
        Object sid = ref.getProperty(Constants.SERVICE_ID);
        long serviceId = sid instanceof Long l ? l : -1;
        List<String> compatible = compatible(ref.getProperty(Driver.COMPATIBLE));
        if (compatible == null) {
            LOG.error("driver service {} of bundle {} ({}): service property '{}' must be a non-empty String or "
                    + "String[], got {}; driver ignored", serviceId, bsn, driver.getClass().getName(),
                    Driver.COMPATIBLE, Props.describe(ref.getProperty(Driver.COMPATIBLE)));
            return null;
        }
        Object cn = ref.getProperty("component.name");
        String id = bsn + "/" + (cn instanceof String s ? s : driver.getClass().getName());
        for (Map.Entry<ServiceReference<Driver>, DriverEntry> e : driverEntries.entrySet()) {
            if (!e.getKey().equals(ref) && e.getValue().id().equals(id)) {
                id = id + "#" + serviceId; // two services of one component (e.g. a factory): keep ids unique
                break;
            }
        }
        Object rank = ref.getProperty(Constants.SERVICE_RANKING);
        int ranking = rank instanceof Integer i ? i : 0;
        String bundle = b == null ? "?" : bsn + " " + b.getVersion();
        return new DriverEntry(id, driver, compatible, ranking, serviceId, bundle);
    }

    private static List<String> compatible(Object v) {
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            out.add(s.strip());
        } else if (v instanceof String[] a) {
            for (String s : a) {
                if (s != null) {
                    out.add(s.strip());
                }
            }
        } else if (v instanceof Collection<?> c) {
            for (Object o : c) {
                if (o instanceof String s) {
                    out.add(s.strip());
                }
            }
        } else {
            return null;
        }
        out.removeIf(String::isEmpty);
        return out.isEmpty() ? null : out;
    }

    // ------------------------------------------------------------------------------------------------ board

    @Reference(service = Board.class, cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unsetBoard")
    void setBoard(Board board) {
        core.setBoard(board);
    }

    void unsetBoard(Board board) {
        core.unsetBoard(board);
    }

    // ------------------------------------------------------------------------------------------------ events

    private void postSensor(String topic, Map<String, Object> props) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(topic, props));
        }
    }

    private void post(DriverCore.StateChange change) {
        EventAdmin ea = eventAdmin;
        if (ea == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put("device", change.device());
        props.put("state", change.state().name());
        if (change.driver() != null) {
            props.put("driver", change.driver());
        }
        if (change.reason() != null) {
            props.put("reason", change.reason());
        }
        ea.postEvent(new Event(TOPIC_PREFIX + change.state().name(), props));
    }

    // ------------------------------------------------------------------------------------------------ DeviceManager

    @Override
    public List<DeviceInfo> devices() {
        return core.devices();
    }

    @Override
    public Optional<DeviceInfo> device(String name) {
        return core.device(name);
    }

    @Override
    public Optional<io.kdrv.driver.SensorInfo> sensor(String device) {
        return core.sensor(device);
    }

    @Override
    public List<DriverInfo> drivers() {
        return core.drivers();
    }

    @Override
    public List<DeviceInfo> deferred() {
        return core.deferred();
    }

    @Override
    public DeviceInfo bind(String device, String driverId) {
        return core.bind(device, driverId);
    }

    @Override
    public DeviceInfo unbind(String device) {
        return core.unbind(device);
    }

    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return core.awaitIdle(timeout);
    }

    // ------------------------------------------------------------------------------------------------ nodes

    /** Configuration Admin → core: each {@code kdrv.device} factory configuration is one node. */
    static final class NodeFactory implements ManagedServiceFactory {
        private final DriverCore core;
        private final SettledCondition settled;

        NodeFactory(DriverCore core, SettledCondition settled) {
            this.core = core;
            this.settled = settled;
        }

        @Override
        public String getName() {
            return "kdrv device nodes";
        }

        @Override
        public void updated(String pid, Dictionary<String, ?> properties) {
            Map<String, Object> map = new HashMap<>();
            for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
                String k = keys.nextElement();
                map.put(k, properties.get(k));
            }
            // Problems are logged by the core naming the PID and key; not thrown, so Configuration Admin does not
            // log them a second time.
            core.nodeUpdated(pid, map);
            settled.delivered(pid); // after the node's item is queued: the settle check runs behind it
        }

        @Override
        public void deleted(String pid) {
            core.nodeDeleted(pid);
            settled.delivered(pid);
        }
    }
}
