package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.driver.DriverInfo;
import io.kdrv.driver.host.HostConfig;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.Version;
import org.osgi.service.cm.ManagedServiceFactory;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The OSGi adapter without a framework: proxies stand in for the bundle context, service references and Event
 * Admin, and the component's methods are called the way SCR and Configuration Admin call them.
 */
class DriverManagerComponentTest {
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Object> registered = new HashMap<>();
    private final List<Dictionary<String, Object>> conditions = Collections.synchronizedList(new ArrayList<>());
    /** PIDs of the kdrv.device configurations the stand-in Configuration Admin lists. */
    private final List<String> cmPids = new ArrayList<>();
    private DriverManagerComponent component;
    private ManagedServiceFactory nodes;

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler h) {
        return (T) Proxy.newProxyInstance(DriverManagerComponentTest.class.getClassLoader(), new Class<?>[] {type}, h);
    }

    private BundleContext context(Map<String, String> frameworkProps) {
        return proxy(BundleContext.class, (p, m, args) -> switch (m.getName()) {
            case "getProperty" -> frameworkProps.get((String) args[0]);
            case "registerService" -> {
                @SuppressWarnings("unchecked")
                Dictionary<String, Object> props = (Dictionary<String, Object>) args[2];
                if (args[1] instanceof org.osgi.service.condition.Condition) {
                    conditions.add(props);
                } else {
                    registered.put((String) props.get("service.pid"), args[1]);
                }
                yield proxy(ServiceRegistration.class, (p2, m2, a2) -> null);
            }
            case "getServiceReference" -> proxy(ServiceReference.class, (p2, m2, a2) -> null);
            case "getService" -> configurationAdmin();
            case "ungetService" -> true;
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    private org.osgi.service.cm.ConfigurationAdmin configurationAdmin() {
        return proxy(org.osgi.service.cm.ConfigurationAdmin.class, (p, m, args) -> {
            if (!m.getName().equals("listConfigurations")) {
                throw new UnsupportedOperationException(m.getName());
            }
            if (args[0].equals("(service.pid=kdrv.boardfile)")) {
                return null; // no board file configuration: the framework property names the file
            }
            assertEquals("(service.factoryPid=kdrv.device)", args[0]);
            return cmPids.stream().map(pid -> proxy(org.osgi.service.cm.Configuration.class,
                    (p2, m2, a2) -> pid)).toArray(org.osgi.service.cm.Configuration[]::new);
        });
    }

    @SuppressWarnings("unchecked")
    private static ServiceReference<Driver> ref(long id, Map<String, Object> props) {
        Bundle bundle = proxy(Bundle.class, (p, m, args) -> switch (m.getName()) {
            case "getSymbolicName" -> "acme.drivers";
            case "getVersion" -> new Version(1, 2, 3);
            default -> throw new UnsupportedOperationException(m.getName());
        });
        Map<String, Object> all = new HashMap<>(props);
        all.put("service.id", id);
        return proxy(ServiceReference.class, (p, m, args) -> switch (m.getName()) {
            case "getProperty" -> all.get((String) args[0]);
            case "getBundle" -> bundle;
            case "equals" -> p == args[0];
            case "hashCode" -> System.identityHashCode(p);
            case "toString" -> "ref" + id;
            default -> throw new UnsupportedOperationException(m.getName());
        });
    }

    @BeforeEach
    void activate() {
        Await.noKthreads();
        component = new DriverManagerComponent(context(Map.of("kdrv.probe.timeout.ms", "7000")), Map.of());
        component.eventAdmin = proxy(EventAdmin.class, (p, m, args) -> {
            if (m.getName().equals("postEvent")) {
                events.add((Event) args[0]);
            }
            return null;
        });
        nodes = (ManagedServiceFactory) registered.get("kdrv.device");
    }

    @AfterEach
    void deactivate() {
        component.deactivate();
        Await.noKthreads();
    }

    @Test
    void timeoutsComeFromFrameworkPropertiesAndConfigurationWins() throws Exception {
        java.lang.reflect.Field f = DriverManagerComponent.class.getDeclaredField("core");
        f.setAccessible(true);
        DriverCore core = (DriverCore) f.get(component);
        assertEquals(Duration.ofMillis(7000), core.config().probeTimeout());
        component.modified(context(Map.of()), Map.of("probe.timeout.ms", 1234L, "stop.timeout.ms", "0x10"));
        assertEquals(Duration.ofMillis(1234), core.config().probeTimeout());
        assertEquals(Duration.ofMillis(16), core.config().stopTimeout());
        // A bad value is rejected for its key alone: that key keeps its previous value, the others apply.
        component.modified(context(Map.of()), Map.of("probe.timeout.ms", "soon", "stop.timeout.ms", 2e9,
                "remove.timeout.ms", 777));
        assertEquals(Duration.ofMillis(1234), core.config().probeTimeout(), "previous value kept");
        assertEquals(Duration.ofMillis(16), core.config().stopTimeout(), "over the upper bound: previous value kept");
        assertEquals(Duration.ofMillis(777), core.config().removeTimeout());
        component.modified(context(Map.of()), Map.of());
        assertEquals(HostConfig.DEFAULTS, core.config(), "keys removed: the defaults apply again");
    }

    @Test
    void devicesSettledConditionComesOnceEveryListedNodeArrivedAndTheWorkerRanDry() throws Exception {
        TestDriver keys = new TestDriver("keys", log);
        component.addDriver(keys, ref(42, Map.of(Driver.COMPATIBLE, new String[] {"gpio-keys"})));
        cmPids.addAll(List.of("kdrv.device~a", "kdrv.device~b"));
        nodes.updated("kdrv.device~a", node("a")); // delivered before the component's activate method ran
        component.activated();
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(List.of(), conditions, "node b has not arrived yet");

        nodes.updated("kdrv.device~b", node("b"));
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(1, conditions.size(), conditions::toString);
        assertEquals(SettledCondition.ID, conditions.getFirst().get("osgi.condition.id"));
        assertEquals(DeviceState.BOUND, component.device("a").orElseThrow().state());
        assertEquals(DeviceState.BOUND, component.device("b").orElseThrow().state());

        nodes.updated("kdrv.device~c", node("c")); // later nodes neither withdraw nor repeat it
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(1, conditions.size(), conditions::toString);
    }

    @Test
    void onAFirstStartTheConditionWaitsForTheBoardFilesNodesTooThoughConfigurationAdminHasNoneYet(@TempDir Path dir)
            throws Exception {
        Path board = dir.resolve("board.json");
        Files.writeString(board, """
                {"devices": [{"name": "a", "compatible": ["gpio-keys"]}, {"name": "b", "compatible": ["gpio-keys"]},
                             {"name": "bad", "compatible": 5}]}""");
        component.deactivate();
        component = new DriverManagerComponent(context(Map.of("kdrv.board.file", board.toString())), Map.of());
        nodes = (ManagedServiceFactory) registered.get("kdrv.device");
        component.addDriver(new TestDriver("keys", log),
                ref(42, Map.of(Driver.COMPATIBLE, new String[] {"gpio-keys"})));
        component.activated(); // Configuration Admin lists no node: the board file loader has not written them yet
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(List.of(), conditions, "the board file's nodes a and b have not arrived");

        nodes.updated("kdrv.device~a", node("a"));
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(List.of(), conditions, "b has not arrived");
        nodes.updated("kdrv.device~b", node("b")); // the invalid node is never written, so it is not waited for
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(1, conditions.size(), conditions::toString);
        assertEquals(DeviceState.BOUND, component.device("b").orElseThrow().state());
    }

    @Test
    void withoutNodesTheConditionComesAsSoonAsTheWorkerIsIdle() throws Exception {
        component.activated();
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(1, conditions.size(), conditions::toString);
    }

    private static Hashtable<String, Object> node(String name) {
        Hashtable<String, Object> cfg = new Hashtable<>();
        cfg.put("service.pid", "kdrv.device~" + name);
        cfg.put("service.factoryPid", "kdrv.device");
        cfg.put("name", name);
        cfg.put("compatible", new String[] {"gpio-keys"});
        return cfg;
    }

    @Test
    void nodesFromConfigurationAdminBindToDriverServicesAndPostEvents() throws Exception {
        TestDriver keys = new TestDriver("keys", log);
        ServiceReference<Driver> keysRef = ref(42, Map.of(Driver.COMPATIBLE, new String[] {"gpio-keys"},
                "component.name", "acme.keys"));
        component.addDriver(keys, keysRef);
        Hashtable<String, Object> cfg = new Hashtable<>();
        cfg.put("service.pid", "kdrv.device~button0");
        cfg.put("service.factoryPid", "kdrv.device");
        cfg.put("name", "button0");
        cfg.put("compatible", new String[] {"gpio-keys"});
        nodes.updated("kdrv.device~button0", cfg);
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));

        assertEquals(DeviceState.BOUND, component.device("button0").orElseThrow().state());
        assertEquals(List.of(new DriverInfo("acme.drivers/acme.keys", List.of("gpio-keys"), "acme.drivers 1.2.3",
                List.of("button0"))), component.drivers());
        Event bound = events.getLast();
        assertEquals("kdrv/device/BOUND", bound.getTopic());
        assertEquals("button0", bound.getProperty("device"));
        assertEquals("acme.drivers/acme.keys", bound.getProperty("driver"));

        component.removeDriver(keys, keysRef); // returns once remove has run
        assertEquals(List.of("keys probe button0 on kdrv-probe", "keys remove button0 on kdrv-probe"), log);
        assertEquals("kdrv/device/UNBOUND", events.getLast().getTopic());

        nodes.deleted("kdrv.device~button0");
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertTrue(component.devices().isEmpty());
    }

    @Test
    void driversWithoutUsableCompatibleAreIgnoredAndIdsStayUnique() throws Exception {
        component.addDriver(new TestDriver("bad", log), ref(1, Map.of(Driver.COMPATIBLE, 5)));
        component.addDriver(new TestDriver("empty", log), ref(2, Map.of(Driver.COMPATIBLE, new String[] {" "})));
        component.addDriver(new TestDriver("a", log), ref(3, Map.of(Driver.COMPATIBLE, "x", "component.name", "c")));
        component.addDriver(new TestDriver("b", log), ref(4, Map.of(Driver.COMPATIBLE, List.of("x"), "component.name", "c")));
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertEquals(List.of("acme.drivers/c", "acme.drivers/c#4"), component.drivers().stream().map(DriverInfo::id).toList());
    }

    @Test
    void deferredAndFailedStatesArePostedWithTheirReason() throws Exception {
        TestDriver d = new TestDriver("gpio", log);
        d.onProbe = dev -> dev.gpioInput("gpios"); // no board service yet: deferred
        component.addDriver(d, ref(7, Map.of(Driver.COMPATIBLE, "gpio-keys")));
        Hashtable<String, Object> cfg = new Hashtable<>();
        cfg.put("name", "k0");
        cfg.put("compatible", "gpio-keys");
        cfg.put("gpios", "17");
        nodes.updated("kdrv.device~k0", cfg);
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        Event e = events.getLast();
        assertEquals("kdrv/device/DEFERRED", e.getTopic());
        assertEquals("no board service", e.getProperty("reason"));
        assertEquals("no board service", component.deferred().getFirst().reason());

        component.setBoard(new FakeBoard(log));
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertEquals("kdrv/device/BOUND", events.getLast().getTopic());

        cfg.put("name", "k1");
        cfg.remove("gpios");
        nodes.updated("kdrv.device~k1", cfg);
        assertTrue(component.awaitIdle(Duration.ofSeconds(30)));
        assertEquals("kdrv/device/FAILED", events.getLast().getTopic());
        assertEquals("k1", events.getLast().getProperty("device"));
        assertEquals("device k1: key 'gpios': missing", events.getLast().getProperty("reason"));
    }
}
