package io.kdrv.runtime.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.ServiceRegistration;

class SpiFlyScopeTest {
    private final List<Object> registered = new ArrayList<>();
    private final Bundle spiFly = bundle("org.apache.aries.spifly.dynamic.bundle");
    private final Bundle jetty = bundle("org.apache.felix.http.jetty");
    private final Bundle driver = bundle("kdrv-driver-bme280");
    private final BundleContext system = context(bundle("org.apache.felix.framework"));

    @Test
    void theListedBundlesAreHiddenFromSpiFlyOnlyAndOnlyThey() {
        SpiFlyScope.register(system, " org.apache.felix.http.jetty, ,other ");
        SpiFlyScope scope = (SpiFlyScope) registered.getFirst();

        List<Bundle> seenBySpiFly = new ArrayList<>(List.of(spiFly, jetty, driver));
        scope.find(context(spiFly), seenBySpiFly);
        assertEquals(List.of(spiFly, driver), seenBySpiFly);

        List<Bundle> seenByOthers = new ArrayList<>(List.of(spiFly, jetty, driver));
        scope.find(context(driver), seenByOthers);
        assertEquals(List.of(spiFly, jetty, driver), seenByOthers, "other bundles still see Jetty");

        BundleContext spiFlyContext = context(spiFly);
        BundleContext driverContext = context(driver);
        List<BundleContext> listeners = new ArrayList<>(List.of(spiFlyContext, driverContext));
        scope.event(new BundleEvent(BundleEvent.STARTED, jetty), listeners);
        assertEquals(List.of(driverContext), listeners, "SPI Fly's trackers miss Jetty's events");

        listeners = new ArrayList<>(List.of(spiFlyContext, driverContext));
        scope.event(new BundleEvent(BundleEvent.STARTED, driver), listeners);
        assertEquals(List.of(spiFlyContext, driverContext), listeners, "and see every other bundle's");
    }

    @Test
    void nothingIsRegisteredWithoutANamedBundle() {
        SpiFlyScope.register(system, null);
        SpiFlyScope.register(system, " , ");
        assertEquals(List.of(), registered);
        assertEquals(Set.of("a", "b"), SpiFlyScope.parse("a,b , a"));
    }

    private static Bundle bundle(String bsn) {
        return (Bundle) Proxy.newProxyInstance(Bundle.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getSymbolicName" -> bsn;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> bsn;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private BundleContext context(Bundle owner) {
        return (BundleContext) Proxy.newProxyInstance(BundleContext.class.getClassLoader(),
                new Class<?>[] {BundleContext.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getBundle" -> owner;
                    case "registerService" -> {
                        registered.add(args[1]);
                        yield (ServiceRegistration<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                                new Class<?>[] {ServiceRegistration.class}, (p, mm, a) -> null);
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "context of " + owner;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
