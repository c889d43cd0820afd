package io.kdrv.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.await.Await;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Shared fixture of the Felix integration tests: the {@link DeviceManager}, Configuration Admin, device nodes
 * created by the test (deleted afterwards) and the test driver's bundle (active again afterwards). After each
 * test no kthread owned by a test device and no {@code testdrv/*} kthread may be left (bounded poll), and the
 * driver manager must be idle.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
abstract class KdrvTestBase {
    static final String NODE_FACTORY_PID = "kdrv.device";
    static final String DRIVER_BSN = "kdrv-itest-driver";
    static final String COMPATIBLE = "kdrv,test-driver";
    static final String THREAD_PREFIX = "testdrv/";

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    DeviceManager manager;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin cm;

    private final Map<String, Configuration> nodes = new LinkedHashMap<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (String name : new ArrayList<>(nodes.keySet())) {
            deleteNode(name);
        }
        driverBundle(); // reinstalls and restarts it if a test left it stopped or uninstalled
        Await.until("test devices gone", () -> manager.devices().stream().noneMatch(d -> d.name().startsWith("it-")));
        assertEquals(true, manager.awaitIdle(Await.DEFAULT), "driver manager idle");
        Await.value("no kthread of a test device left", () -> {
            List<KthreadInfo> left = testKthreads();
            return left.isEmpty() ? Optional.of(left) : Optional.empty();
        }, () -> ": " + testKthreads());
    }

    // ------------------------------------------------------------------------------------------ device nodes

    /** Creates device node {@code name} (compatible with the test driver unless given) with extra keys. */
    Configuration createNode(String name, Object... keyValues) throws IOException {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("name", name);
        props.put("compatible", new String[] {COMPATIBLE});
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        // location "?": any bundle may receive it, so it is not bound to this test bundle
        Configuration c = cm.getFactoryConfiguration(NODE_FACTORY_PID, name, "?");
        c.update(props);
        nodes.put(name, c);
        return c;
    }

    void deleteNode(String name) throws IOException {
        Configuration c = nodes.remove(name);
        if (c != null) {
            c.delete();
        }
    }

    // ------------------------------------------------------------------------------------------ device state

    DeviceInfo awaitState(String device, DeviceState state) {
        return Await.value("device " + device + " " + state,
                () -> manager.device(device).filter(d -> d.state() == state),
                () -> "; now " + manager.device(device).map(Object::toString).orElse("absent"));
    }

    DeviceInfo device(String name) {
        return manager.device(name).orElseThrow(() -> new AssertionError("no device " + name + " in "
                + manager.devices()));
    }

    // ------------------------------------------------------------------------------------------ kthreads

    static List<KthreadInfo> testKthreads() {
        return Kthreads.list().stream()
                .filter(k -> k.name().startsWith(THREAD_PREFIX)
                        || (k.owner() != null && k.owner().startsWith("device it-")))
                .toList();
    }

    static Optional<KthreadInfo> kthread(String name) {
        return Kthreads.list().stream().filter(k -> k.name().equals(name)).findFirst();
    }

    // ------------------------------------------------------------------------------------------ driver bundle

    /** The test driver's bundle, (re)installed and started if a previous test left it uninstalled or stopped. */
    Bundle driverBundle() throws BundleException {
        Bundle driver = Arrays.stream(context.getBundles())
                .filter(b -> DRIVER_BSN.equals(b.getSymbolicName()))
                .findFirst()
                .orElse(null);
        if (driver == null) {
            // through our own bundle's context, not the injected one: osgi-test uninstalls bundles installed through
            // that at the end of the test, and the driver must stay for the following tests
            driver = FrameworkUtil.getBundle(KdrvTestBase.class).getBundleContext().installBundle(driverLocation);
        }
        if (driver.getState() != Bundle.ACTIVE) {
            driver.start();
        }
        driverLocation = driver.getLocation();
        return driver;
    }

    /** Where the launcher installed the driver from; kept so a test that uninstalls it can be undone. */
    private static String driverLocation;
}
