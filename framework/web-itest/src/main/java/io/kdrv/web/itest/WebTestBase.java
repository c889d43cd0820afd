package io.kdrv.web.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.testing.await.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Shared fixture: the console's port (from the HTTP runtime's endpoint), a raw client on loopback, and one bound
 * gpio-keys device {@value #KEYS} on line {@value #KEY_LINE} that every test's bad inputs must leave alone.
 * Device nodes created by a test are deleted afterwards.
 */
@ExtendWith({BundleContextExtension.class, ServiceExtension.class})
abstract class WebTestBase {
    static final String KEYS = "it-web-keys";
    static final int KEY_LINE = 5;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 10_000)
    DeviceManager manager;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin cm;

    Http http;
    private final Map<String, Configuration> nodes = new LinkedHashMap<>();
    private long keysProbes;

    @BeforeEach
    void setUpConsole() throws Exception {
        int port = Await.value("the HTTP runtime's endpoint", this::endpointPort, () -> "");
        http = new Http(InetAddress.getLoopbackAddress(), port);
        Await.until("console answering", () -> {
            try {
                return http.get("/kdrv/api/overview").status() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        createNode(KEYS, "compatible", new String[] {"gpio-keys"}, "gpios", new int[] {KEY_LINE},
                "labels", new String[] {"ok"}, "codes", new int[] {28});
        keysProbes = awaitState(KEYS, DeviceState.BOUND).probes();
    }

    @AfterEach
    void tearDownNodes() throws Exception {
        for (Configuration c : new ArrayList<>(nodes.values())) {
            c.delete();
        }
        nodes.clear();
        Await.until("test devices gone", () -> manager.devices().stream().noneMatch(d -> d.name().startsWith("it-")));
    }

    private java.util.Optional<Integer> endpointPort() {
        try {
            for (ServiceReference<?> r : context.getServiceReferences(
                    "org.osgi.service.http.runtime.HttpServiceRuntime", null)) {
                Object ep = r.getProperty("osgi.http.endpoint");
                String first = ep instanceof String[] a && a.length > 0 ? a[0] : ep == null ? null : ep.toString();
                if (first != null) {
                    int port = URI.create(first).getPort();
                    if (port > 0) {
                        return java.util.Optional.of(port);
                    }
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException | NullPointerException e) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.empty();
    }

    Configuration createNode(String name, Object... keyValues) throws IOException {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("name", name);
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        Configuration c = cm.getFactoryConfiguration("kdrv.device", name, "?");
        c.update(props);
        nodes.put(name, c);
        return c;
    }

    DeviceInfo awaitState(String device, DeviceState state) {
        return Await.value("device " + device + " " + state,
                () -> manager.device(device).filter(d -> d.state() == state),
                () -> "; now " + manager.device(device).map(Object::toString).orElse("absent"));
    }

    /** The bound keys device was not touched: still bound, not probed again. */
    void assertKeysUntouched() {
        DeviceInfo d = manager.device(KEYS).orElseThrow();
        assertEquals(DeviceState.BOUND, d.state(), "device " + KEYS + " still bound: " + d);
        assertEquals(keysProbes, d.probes(), "device " + KEYS + " not probed again: " + d);
    }

    /** Sets keys of the console's configuration (PID kdrv.web) and waits until the API reflects it. */
    void configureWeb(Map<String, Object> props) throws IOException {
        Configuration c = cm.getConfiguration("kdrv.web", "?");
        c.update(new Hashtable<>(props));
    }
}
