package io.kdrv.itest.hotplug;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.KdrvBoard;
import io.kdrv.board.LineInfo;
import io.kdrv.board.LineSimulator;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.await.Await;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkUtil;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * Shared fixture: the {@link DeviceManager}, Configuration Admin, the mock board, device nodes named {@code hp-*}
 * (deleted afterwards) and the test driver bundle, which is NOT a run bundle: tests install it from the copy
 * embedded in this bundle ({@value #DRIVER_RESOURCE}). After each test: no driver bundle installed, no {@code hp-*}
 * device, the manager idle, no kthread of a test device alive, no GPIO line claimed by a test device (bounded).
 */
@ExtendWith(ServiceExtension.class)
abstract class HotplugTestBase {
    static final String NODE_FACTORY_PID = "kdrv.device";
    static final String CORE_PID = "kdrv.core";
    static final String DRIVER_BSN = "kdrv-itest-driver";
    static final String DRIVER_RESOURCE = "drivers/kdrv-itest-driver.jar";
    static final String DRIVER_LOCATION = "kdrv-itest-hotplug:driver";
    static final String COMPATIBLE = "kdrv,test-driver";
    static final String PREFIX = "hp-";

    @InjectService(timeout = 10_000)
    DeviceManager manager;

    @InjectService(timeout = 10_000)
    ConfigurationAdmin cm;

    @InjectService(timeout = 10_000)
    KdrvBoard board;

    @InjectService(timeout = 10_000)
    LineSimulator simulator;

    private final Map<String, Configuration> nodes = new LinkedHashMap<>();

    /** This bundle's own context: bundles installed through it outlive the test (osgi-test does not undo them). */
    static BundleContext ownContext() {
        return FrameworkUtil.getBundle(HotplugTestBase.class).getBundleContext();
    }

    @BeforeEach
    void captureLog() {
        LogCapture.install();
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (String name : new ArrayList<>(nodes.keySet())) {
            deleteNode(name);
        }
        for (Bundle b : driverBundles()) {
            b.uninstall();
        }
        Await.until("test devices gone", () -> manager.devices().stream().noneMatch(d -> d.name().startsWith(PREFIX)),
                () -> manager.devices().toString());
        assertTrue(manager.awaitIdle(Await.DEFAULT), "driver manager idle");
        Await.until("no kthread of a test device left", () -> testKthreads().isEmpty(), () -> testKthreads().toString());
        Await.until("no GPIO line claimed by a test device", () -> testLines().isEmpty(), () -> testLines().toString());
    }

    // ------------------------------------------------------------------------------------------ device nodes

    /** Creates device node {@code name}, compatible with the test driver, with extra keys. */
    Configuration createNode(String name, Object... keyValues) throws IOException {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("name", name);
        props.put("compatible", new String[] {COMPATIBLE});
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put((String) keyValues[i], keyValues[i + 1]);
        }
        return createRawNode(name, props);
    }

    /** Creates a node configuration with exactly these properties (alias {@code alias}); deleted after the test. */
    Configuration createRawNode(String alias, Hashtable<String, Object> props) throws IOException {
        // location "?": any bundle may receive it, so it is not bound to this test bundle (cnf/README.md)
        Configuration c = cm.getFactoryConfiguration(NODE_FACTORY_PID, alias, "?");
        c.update(props);
        nodes.put(alias, c);
        return c;
    }

    void deleteNode(String alias) throws IOException {
        Configuration c = nodes.remove(alias);
        if (c != null) {
            try {
                c.delete();
            } catch (IllegalStateException alreadyDeleted) {
                // deleted by the test itself
            }
        }
    }

    boolean hasNode(String alias) {
        return nodes.containsKey(alias);
    }

    // ------------------------------------------------------------------------------------------ device state

    DeviceInfo awaitState(String device, DeviceState state) {
        return Await.value("device " + device + " " + state,
                () -> manager.device(device).filter(d -> d.state() == state),
                () -> String.valueOf(manager.device(device).orElse(null)));
    }

    DeviceInfo device(String name) {
        return manager.device(name).orElseThrow(() -> new AssertionError("no device " + name + " in "
                + manager.devices()));
    }

    void awaitIdle() throws InterruptedException {
        assertTrue(manager.awaitIdle(Await.DEFAULT), "driver manager idle");
    }

    // ------------------------------------------------------------------------------------------ kthreads, lines

    /** Live kthreads owned by a test device (irq/N-hp-*, the probe worker while it runs a call), or testdrv/*. */
    static List<KthreadInfo> testKthreads() {
        return Kthreads.list().stream()
                .filter(k -> (k.owner() != null && k.owner().startsWith("device " + PREFIX))
                        || k.name().startsWith("testdrv/"))
                .toList();
    }

    static Optional<KthreadInfo> kthread(String name) {
        return Kthreads.list().stream().filter(k -> k.name().equals(name)).findFirst();
    }

    /** GPIO lines claimed by test devices. */
    List<LineInfo> testLines() {
        return board.lines().stream().filter(l -> l.owner() != null && l.owner().startsWith(PREFIX)).toList();
    }

    Optional<LineInfo> line(int line) {
        return board.lines().stream().filter(l -> l.line() == line).findFirst();
    }

    // ------------------------------------------------------------------------------------------ driver bundle

    /** The test driver bundle's bytes, as built by the itest-driver module. */
    static byte[] driverJar() {
        return DriverJar.ORIGINAL;
    }

    /** The same bundle with another Bundle-Version (and so other bytes): what an "update" ships. */
    static byte[] driverJar(String version) {
        return withVersion(DriverJar.ORIGINAL, version);
    }

    /** Installs and starts the test driver from {@code jar}; waits until the core sees its driver service. */
    Bundle installDriver(byte[] jar) throws BundleException {
        Bundle b = ownContext().installBundle(DRIVER_LOCATION, new ByteArrayInputStream(jar));
        b.start();
        awaitDriverRegistered();
        return b;
    }

    void awaitDriverRegistered() {
        Await.until("test driver registered with the core",
                () -> manager.drivers().stream().anyMatch(d -> d.id().startsWith(DRIVER_BSN + "/")),
                () -> manager.drivers().toString());
    }

    static List<Bundle> driverBundles() {
        return Arrays.stream(ownContext().getBundles()).filter(b -> DRIVER_BSN.equals(b.getSymbolicName())).toList();
    }

    private static byte[] withVersion(byte[] jar, String version) {
        try (JarInputStream in = new JarInputStream(new ByteArrayInputStream(jar))) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (JarOutputStream out = new JarOutputStream(bytes, mf)) {
                for (JarEntry e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(e.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loaded once: the jar embedded in this bundle by the Maven build (maven-dependency-plugin, see pom.xml). */
    private static final class DriverJar {
        static final byte[] ORIGINAL = load();

        private static byte[] load() {
            var url = FrameworkUtil.getBundle(HotplugTestBase.class).getEntry(DRIVER_RESOURCE);
            if (url == null) {
                throw new IllegalStateException("test bundle lacks " + DRIVER_RESOURCE + " (see pom.xml)");
            }
            try (InputStream in = url.openStream()) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
