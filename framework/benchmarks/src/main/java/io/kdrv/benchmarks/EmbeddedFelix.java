package io.kdrv.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Apache Felix embedded in the harness (benchmark 8): a fresh bundle cache in a temporary directory, the start-level
 * layout of {@code cnf/felix-base.bndrun}, bundles installed from the files in {@code target/bench-bundles}.
 *
 * <p>kdrv classes inside the framework are loaded by bundle class loaders, so they are not the harness's copies:
 * the {@code DeviceManager} and {@code KdrvBoard} services are read through reflection on the service objects,
 * with the interfaces loaded from the bundle that registered them. Only {@code org.osgi.framework.*} is shared
 * (the system bundle exports it from the harness's class path); nothing else of the class path is visible to
 * bundles (no boot delegation).
 */
final class EmbeddedFelix implements AutoCloseable {
    static final String DEVICE_MANAGER = "io.kdrv.driver.DeviceManager";
    static final String KDRV_BOARD = "io.kdrv.board.KdrvBoard";
    static final String BUNDLES_PROPERTY = "kdrv.bench.bundles";
    private static final Duration AWAIT = Duration.ofSeconds(30);

    private final Path tmp;
    private final Framework fw;
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final Map<String, Method> methods = new HashMap<>();
    /** {@link System#nanoTime()} just before {@code init()}: where "boot" starts. */
    private long initStarted;

    private EmbeddedFelix(Path tmp, Framework fw) {
        this.tmp = tmp;
        this.fw = fw;
    }

    /**
     * The bundle files, by artifact id (file name without version), from {@code target/bench-bundles.txt} (written by
     * the build, next to {@code target/classes} or {@code target/benchmarks.jar}) or the file named by system property
     * {@value #BUNDLES_PROPERTY}.
     */
    static Map<String, Path> bundleFiles() throws IOException {
        Path list;
        String prop = System.getProperty(BUNDLES_PROPERTY);
        if (prop != null) {
            list = Path.of(prop);
        } else {
            try {
                Path code = Path.of(EmbeddedFelix.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                list = code.toAbsolutePath().getParent().resolve("bench-bundles.txt");
            } catch (URISyntaxException | RuntimeException e) {
                throw new IllegalStateException("benchmark 8: cannot locate the running code to find bench-bundles.txt", e);
            }
        }
        if (!Files.isRegularFile(list)) {
            throw new IllegalStateException("benchmark 8 needs the list of runtime bundles " + list + ", written by the"
                    + " build (maven-dependency-plugin): ./mvnw -B -pl framework/benchmarks -am package -DskipTests,"
                    + " or set -D" + BUNDLES_PROPERTY + "=<file>");
        }
        Map<String, Path> m = new TreeMap<>();
        for (String entry : Files.readString(list).trim().split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry.trim());
            if (Files.isDirectory(p)) {
                throw new IllegalStateException("benchmark 8 needs packaged bundles, but " + p + " is a class directory"
                        + " (a build that stopped before `package`, e.g. `./mvnw test`): run package or verify");
            }
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException("benchmark 8: bundle " + p + " (listed in " + list + ") does not exist;"
                        + " rebuild: ./mvnw -B -pl framework/benchmarks -am package -DskipTests");
            }
            m.put(p.getFileName().toString().replaceFirst("-\\d[^-]*(-SNAPSHOT)?\\.jar$", ""), p);
        }
        for (String required : List.of("kdrv-core", "org.apache.felix.scr", "kdrv-driver-gpio-keys", "kdrv-examples")) {
            if (!m.containsKey(required)) {
                throw new IllegalStateException("benchmark 8: " + list + " lacks " + required + " (has " + m.keySet() + ")");
            }
        }
        return m;
    }

    /** The level of {@code cnf/felix-base.bndrun}: SPI Fly + ASM 1, slf4j 2, the rest 3. */
    private static int startLevel(String artifactId) {
        if (artifactId.startsWith("org.apache.aries.spifly") || artifactId.startsWith("asm")) {
            return 1;
        }
        return artifactId.startsWith("slf4j-") ? 2 : 3;
    }

    /**
     * Boots a framework: {@code init()}, install {@code bundles}, start them (by start level), {@code start()}, and
     * waits (bounded) until every bundle is ACTIVE.
     *
     * @param extra framework properties on top of the kdrv runtime's ({@code kdrv.board.platform=mock}, ...)
     */
    static EmbeddedFelix boot(Map<String, Path> bundles, Map<String, String> extra) throws Exception {
        Path tmp = Files.createTempDirectory("kdrv-bench-felix");
        try {
            Files.createDirectories(tmp.resolve("deploy"));
            Map<String, String> props = new HashMap<>();
            props.put("org.osgi.framework.storage", tmp.resolve("cache").toString());
            props.put("org.osgi.framework.storage.clean", "onFirstInit");
            props.put("org.osgi.framework.startlevel.beginning", "3");
            props.put("felix.log.level", "1");
            // Felix's implicit boot delegation would let a lookup that starts in JDK code (ServiceLoader) fall back to
            // the harness's class path: slf4j-api inside the framework then finds the harness's slf4j-simple ("not a
            // subtype") and falls back to the no-op logger. The bnd launcher's class path has no slf4j, so it never
            // shows there.
            props.put("felix.bootdelegation.implicit", "false");
            // runtime.bndrun's FileInstall settings, on an empty directory of this framework's own
            props.put("felix.fileinstall.dir", tmp.resolve("deploy").toString());
            props.put("felix.fileinstall.poll", "1000");
            props.put("felix.fileinstall.noInitialDelay", "true");
            props.put("felix.fileinstall.start.new.bundles", "true");
            props.put("felix.fileinstall.log.level", "1");
            props.put("felix.fileinstall.enableConfigSave", "false");
            props.put("kdrv.board.platform", "mock");
            props.putAll(extra);
            FrameworkFactory ff = ServiceLoader.load(FrameworkFactory.class, EmbeddedFelix.class.getClassLoader())
                    .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi FrameworkFactory on the class path"));
            Framework fw = ff.newFramework(props);
            EmbeddedFelix f = new EmbeddedFelix(tmp, fw);
            f.initStarted = System.nanoTime();
            fw.init();
            BundleContext ctx = fw.getBundleContext();
            ctx.addFrameworkListener(e -> {
                if (e.getType() == FrameworkEvent.ERROR) {
                    f.errors.add(e.getBundle().getSymbolicName() + ": " + e.getThrowable());
                }
            });
            List<Bundle> installed = new ArrayList<>();
            for (Map.Entry<String, Path> e : bundles.entrySet()) {
                Bundle b = ctx.installBundle(e.getValue().toUri().toString());
                b.adapt(BundleStartLevel.class).setStartLevel(startLevel(e.getKey()));
                installed.add(b);
            }
            for (Bundle b : installed) {
                if (b.getHeaders().get("Fragment-Host") == null) {
                    b.start(); // persistent: actually starts when the framework reaches the bundle's level
                }
            }
            fw.start();
            f.await("every bundle ACTIVE", () -> installed.stream().allMatch(
                    b -> b.getState() == Bundle.ACTIVE || b.getHeaders().get("Fragment-Host") != null),
                    () -> installed.stream().filter(b -> b.getState() != Bundle.ACTIVE)
                            .map(b -> b.getSymbolicName() + " state " + b.getState()).toList().toString());
            return f;
        } catch (Exception | Error e) {
            deleteTree(tmp);
            throw e;
        }
    }

    long initStarted() {
        return initStarted;
    }

    BundleContext context() {
        return fw.getBundleContext();
    }

    Path tmp() {
        return tmp;
    }

    /** Bounded polling (no fixed sleep): {@code cond} is cheap, checked every 20 us. */
    void await(String what, BooleanSupplier cond, Supplier<String> state) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("embedded Felix: timed out after " + AWAIT.toSeconds() + " s waiting for "
                        + what + "; state: " + state.get() + "; framework errors: " + errors);
            }
            LockSupport.parkNanos(20_000);
        }
    }

    /** Calls {@code method} (no arguments, or one {@link Duration}) on the service {@code iface}. */
    Object call(String iface, String method, Object... args) {
        try {
            // getAllServiceReferences: getServiceReference would hide the service, because the system bundle's
            // class loader (the harness's) has its own, different copy of the kdrv interface
            ServiceReference<?>[] refs = context().getAllServiceReferences(iface, null);
            if (refs == null) {
                return null;
            }
            ServiceReference<?> ref = refs[0];
            Object svc = context().getService(ref);
            if (svc == null) {
                return null;
            }
            Method m = methods.get(iface + "#" + method);
            if (m == null) {
                Class<?> c = ref.getBundle().loadClass(iface);
                m = args.length == 0 ? c.getMethod(method) : c.getMethod(method, Duration.class);
                methods.put(iface + "#" + method, m);
            }
            Object r = m.invoke(svc, args);
            context().ungetService(ref);
            return r;
        } catch (ReflectiveOperationException | InvalidSyntaxException e) {
            throw new IllegalStateException("embedded Felix: " + iface + "." + method + "() failed", e);
        }
    }

    /** An accessor of a record returned by a kdrv service ({@code DeviceInfo.state()}, {@code LineInfo.owner()}). */
    static Object get(Object record, String accessor) {
        try {
            return record.getClass().getMethod(accessor).invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("embedded Felix: " + record.getClass().getName() + "." + accessor + "()", e);
        }
    }

    /** {@code DeviceManager.devices()} as name → state name; empty while the core is not up. */
    Map<String, String> deviceStates() {
        Object list = call(DEVICE_MANAGER, "devices");
        Map<String, String> m = new TreeMap<>();
        if (list != null) {
            for (Object d : (List<?>) list) {
                m.put((String) get(d, "name"), get(d, "state").toString());
            }
        }
        return m;
    }

    /** Owner of GPIO {@code line} per {@code KdrvBoard.lines()}, {@code null} when it is free. */
    String lineOwner(int line) {
        Object list = call(KDRV_BOARD, "lines");
        if (list != null) {
            for (Object l : (List<?>) list) {
                if ((Integer) get(l, "line") == line) {
                    return (String) get(l, "owner");
                }
            }
        }
        return null;
    }

    /** {@code DeviceManager.awaitIdle(timeout)}: blocks while a probe or remove is queued or running. */
    void awaitIdle(Duration timeout) {
        call(DEVICE_MANAGER, "awaitIdle", timeout);
    }

    Bundle install(String location, InputStream in) throws BundleException {
        return context().installBundle(location, in);
    }

    /** FrameworkWiring.refreshBundles and wait for it: what FileInstall does after uninstalls. */
    void refresh() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        fw.adapt(FrameworkWiring.class).refreshBundles(null, e -> done.countDown());
        if (!done.await(AWAIT.toSeconds(), TimeUnit.SECONDS)) {
            throw new IllegalStateException("embedded Felix: refreshBundles did not finish in " + AWAIT.toSeconds() + " s");
        }
    }

    /** Stops the framework and waits for it (every bundle's kthreads are stopped by then), then deletes the cache. */
    @Override
    public void close() throws Exception {
        try {
            fw.stop();
            FrameworkEvent e = fw.waitForStop(AWAIT.toMillis());
            if (e.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                throw new IllegalStateException("embedded Felix did not stop within " + AWAIT.toSeconds() + " s");
            }
        } finally {
            deleteTree(tmp);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
