package io.kdrv.runtime.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleRevision;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Runs Felix with the bundles and properties of a bnd-exported jar, a persistent bundle cache in the state
 * directory, and one stop path for every way a kdrv process ends:
 * <ul>
 *   <li>SIGTERM, SIGINT, SIGHUP (systemctl stop, Ctrl-C, a closed terminal): the framework is stopped (the core
 *       removes every device in reverse probe order, outputs go to their off state) and the process exits 0;</li>
 *   <li>{@code stop 0} in Gogo, or the framework stopped by any bundle: exit 0;</li>
 *   <li>{@code System.exit(n)} from anywhere, or a signal the JVM handles itself: the JVM shutdown hook stops the
 *       framework the same way before the JVM exits with n;</li>
 *   <li>a {@code java.util.concurrent.Callable} service with {@code main.thread=true} (the bnd launcher convention,
 *       used by the timed demo): it runs on the main thread, then the framework is stopped and its result is the
 *       exit code.</li>
 * </ul>
 * Each stop waits at most {@value #STOP_TIMEOUT_PROPERTY} (default 25 s, above the core's own shutdown bound that cnf/launcher.bndrun sets to 5 s per driver call and 15 s
 * in all); when the framework has not stopped by
 * then, the threads still alive are printed and the process exits 1 regardless.
 *
 * <p>Starts no thread of its own: it runs on the launcher's main thread, the JVM's signal dispatch thread and the
 * shutdown hook thread (which the JVM API requires to be a plain unstarted {@link Thread}); bundles run kthreads.
 */
public final class FelixRunner implements Callable<Integer> {
    static final String STOP_TIMEOUT_PROPERTY = "kdrv.stop.timeout";
    static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(25);
    static final int EXIT_STOP_OVERRUN = 1;
    /** Location prefix of bundles that come from the jar (others, e.g. deploy/ drops, are left alone). */
    static final String LOCATION_PREFIX = "kdrv-jar:";
    /**
     * {@code on} (default) or {@code off}: off leaves the bundles named in {@value #CONSOLE_BUNDLES_PROPERTY} (the
     * web console and its HTTP server) installed but stopped, so no TCP port is opened and Jetty's classes are never
     * loaded (about 8 MiB less RSS); on starts them again.
     */
    static final String CONSOLE_PROPERTY = "kdrv.console";
    /** Comma-separated symbolic names of the console's bundles (cnf/launcher.bndrun). */
    static final String CONSOLE_BUNDLES_PROPERTY = "kdrv.console.bundles";

    private final Properties launch;
    private final Path state;
    private final Duration stopTimeout;
    private final PrintStream err = System.err;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile Framework framework;
    private volatile ServiceReference<?> mainCallable;

    public FelixRunner(Properties launch, Path state) {
        this.launch = launch;
        this.state = state;
        this.stopTimeout = parseDuration(System.getProperty(STOP_TIMEOUT_PROPERTY,
                launch.getProperty(STOP_TIMEOUT_PROPERTY, "")), DEFAULT_STOP_TIMEOUT);
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> props = frameworkProperties();
        SettleGate gate;
        try {
            gate = SettleGate.from(props); // lowers the beginning start level in props when it applies
        } catch (IllegalArgumentException e) {
            err.println("kdrv: " + e.getMessage());
            return 1;
        }
        Set<String> consoleOff;
        try {
            consoleOff = consoleBundlesOff(System.getProperty(CONSOLE_PROPERTY,
                    launch.getProperty(CONSOLE_PROPERTY, "on")), launch.getProperty(CONSOLE_BUNDLES_PROPERTY, ""));
        } catch (IllegalArgumentException e) {
            err.println("kdrv: " + e.getMessage());
            return 1;
        }
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class, FelixRunner.class.getClassLoader())
                .findFirst().orElseThrow(() -> new IllegalStateException("no OSGi framework in the kdrv jar"));
        Framework fw = factory.newFramework(props);
        fw.init();
        framework = fw;
        installSignalHandlers();
        Runtime.getRuntime().addShutdownHook(new Thread(this::onJvmExit, "kdrv-shutdown"));
        BundleContext ctx = fw.getBundleContext();
        String filter = "(&(" + Constants.OBJECTCLASS + "=" + Callable.class.getName() + ")(main.thread=true))";
        ctx.addServiceListener(event -> {
            if (event.getType() == ServiceEvent.REGISTERED && mainCallable == null) {
                mainCallable = event.getServiceReference(); // the main thread picks it up (waitForEnd)
            }
        }, filter);
        installBundles(fw, consoleOff);
        if (stopping.get()) {
            return 0; // a signal during installation: never start
        }
        // One resolver run for every installed bundle instead of one per bundle start (Felix resolves a bundle when
        // it is first started, and after a restart none is resolved yet): the 5-7 ms between two driver bundles'
        // starts at level 3 are gone; the one run costs about 50 ms. A bundle that cannot resolve is left to fail
        // at its own start, as before (resolveBundles only returns false).
        fw.adapt(FrameworkWiring.class).resolveBundles(null);
        fw.start(); // returns once the beginning start level is reached: every bundle of the jar started
        if (gate != null) { // the first step only reached the gate's level: the devices' bundles
            gate.raise(fw, () -> stopping.get() || fw.getState() != Bundle.ACTIVE, err);
        }
        long sinceJvmStart = ProcessHandle.current().info().startInstant()
                .map(t -> Duration.between(t, java.time.Instant.now()).toMillis()).orElse(-1L);
        err.printf("kdrv: framework started, state %s (%d ms after process start)%s%n", state, sinceJvmStart,
                consoleOff.isEmpty() ? "" : "; web console off (" + CONSOLE_PROPERTY + "=off)");
        return waitForEnd(fw);
    }

    /**
     * Waits for the framework to stop, checking twice a second for a {@code main.thread} Callable. Polling rather
     * than interrupting the main thread: Felix's own waits inside {@code start()} must not see a stray interrupt.
     */
    private int waitForEnd(Framework fw) throws Exception {
        while (true) {
            ServiceReference<?> ref = mainCallable;
            if (ref != null && !stopping.get()) {
                Integer code = runMainCallable(fw.getBundleContext(), ref);
                return stopBounded("main.thread service returned " + code) ? (code == null ? 0 : code)
                        : EXIT_STOP_OVERRUN;
            }
            try {
                if (fw.waitForStop(500).getType() != FrameworkEvent.WAIT_TIMEDOUT) {
                    return 0; // stopped: by a signal, by Gogo's stop 0, by a bundle
                }
            } catch (InterruptedException e) {
                // nobody interrupts the launcher's main thread on purpose; keep waiting
            }
        }
    }

    private static Integer runMainCallable(BundleContext ctx, ServiceReference<?> ref) throws Exception {
        Object service = ctx.getService(ref);
        if (!(service instanceof Callable<?> c)) {
            return null;
        }
        Object r = c.call();
        return r instanceof Integer i ? i : null;
    }

    // ---- stop paths

    /**
     * SIGTERM, SIGINT and SIGHUP stop kdrv. A signal this process inherited as ignored (nohup ignores SIGHUP, a
     * script's background job SIGINT) stays ignored: the JVM installs no handler for it, so kdrv says so once.
     */
    private void installSignalHandlers() {
        try {
            List<String> ignored = new ArrayList<>();
            for (String name : new String[] {"TERM", "INT", "HUP"}) {
                sun.misc.SignalHandler old = sun.misc.Signal.handle(new sun.misc.Signal(name),
                        s -> onSignal("SIG" + s.getName()));
                if (old == sun.misc.SignalHandler.SIG_IGN) {
                    ignored.add("SIG" + name);
                }
            }
            if (!ignored.isEmpty()) {
                err.println("kdrv: " + String.join(", ", ignored) + " ignored by this process (inherited from its"
                        + " parent, e.g. nohup or a script's background job): " + (ignored.size() == 1 ? "it does"
                        : "they do") + " not stop kdrv");
            }
        } catch (IllegalArgumentException | LinkageError e) {
            // A signal the JVM reserves here (e.g. -Xrs): the shutdown hook still stops the framework.
            err.println("kdrv: signal handlers not installed (" + e + "); the shutdown hook still stops kdrv");
        }
    }

    /** On the JVM's signal dispatch thread. */
    private void onSignal(String signal) {
        if (!stopBounded(signal)) {
            Runtime.getRuntime().halt(EXIT_STOP_OVERRUN); // the hook would wait again for the same stuck stop
        }
        // stopped: the main thread leaves waitForStop and exits 0
    }

    /** The JVM shutdown hook: System.exit(n) from anywhere, or a signal handled by the JVM itself. */
    private void onJvmExit() {
        Framework fw = framework;
        if (fw == null || (fw.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
            return; // already stopped (the normal way out) or never started
        }
        stopBounded("JVM exit");
    }

    /**
     * Stops the framework and waits for it at most {@link #stopTimeout}. Blocks, not interruptible (a stop that was
     * asked for is seen through). Idempotent: a second caller only waits. Returns false when the bound passed.
     */
    private boolean stopBounded(String why) {
        Framework fw = framework;
        if (fw == null) {
            return true;
        }
        boolean first = stopping.compareAndSet(false, true);
        if (first && (fw.getState() & (Bundle.STARTING | Bundle.ACTIVE)) != 0) {
            err.printf("kdrv: %s: stopping (bound %d s)%n", why, stopTimeout.toSeconds());
            try {
                fw.stop(); // asynchronous: Felix stops the bundles on its own thread
            } catch (BundleException e) {
                err.println("kdrv: framework stop failed: " + e.getMessage());
            }
        }
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    reportOverrun();
                    return false;
                }
                try {
                    FrameworkEvent e = fw.waitForStop(Math.max(1, left / 1_000_000));
                    if (e.getType() != FrameworkEvent.WAIT_TIMEDOUT) {
                        return true;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void reportOverrun() {
        err.printf("kdrv: the framework did not stop within %d s; exiting anyway. Threads still running:%n",
                stopTimeout.toSeconds());
        Thread.getAllStackTraces().forEach((t, stack) -> {
            if (!t.isDaemon() && t != Thread.currentThread()) {
                err.printf("  \"%s\" %s%n", t.getName(), t.getState());
                for (int i = 0; i < Math.min(stack.length, 8); i++) {
                    err.println("      at " + stack[i]);
                }
            }
        });
        err.flush();
    }

    // ---- start

    /**
     * launcher.properties minus bnd's own {@code launch.*} keys, each overridable by a same-named -D; storage,
     * Configuration Admin and FileInstall pointed into the state directory. Also set as system properties, which
     * is where slf4j-simple and FileInstall read some of theirs.
     */
    Map<String, String> frameworkProperties() {
        Map<String, String> props = new HashMap<>();
        for (String key : launch.stringPropertyNames()) {
            if (!key.startsWith("launch.")) {
                props.put(key, System.getProperty(key, launch.getProperty(key)));
            }
        }
        props.remove(Constants.FRAMEWORK_STORAGE_CLEAN); // the cache persists: runtime installs survive restarts
        props.put(Constants.FRAMEWORK_STORAGE, state.resolve("cache").toString());
        props.put("felix.cm.dir", System.getProperty("felix.cm.dir", state.resolve("config").toString()));
        props.put("felix.fileinstall.dir", System.getProperty("felix.fileinstall.dir",
                state.resolve("deploy").toString()));
        props.put("felix.fileinstall.tmpdir", state.resolve("tmp").toString());
        props.put(StateDir.PROPERTY, state.toString());
        String extra = launch.getProperty("launch.system.packages");
        if (extra != null && !extra.isBlank()) {
            props.put(Constants.FRAMEWORK_SYSTEMPACKAGES_EXTRA, extra);
        }
        props.forEach((k, v) -> {
            if (System.getProperty(k) == null) {
                System.setProperty(k, v);
            }
        });
        return props;
    }

    /**
     * Installs the jar's bundles, updates those whose content changed since the cached copy (zip entry CRC and
     * size, recorded in embedded.properties), uninstalls jar bundles no longer listed, sets start levels and marks
     * them started, except the bundles in {@code off}, which are marked stopped. Bundles installed at runtime
     * (deploy/, Gogo) keep their cached state.
     */
    private void installBundles(Framework fw, Set<String> off) throws IOException, BundleException {
        BundleContext ctx = fw.getBundleContext();
        Map<String, Integer> levels = startLevels(launch.getProperty("launch.runbundles.attrs", ""));
        int defaultLevel = Integer.parseInt(launch.getProperty("launch.startlevel.default", "1"));
        fw.adapt(FrameworkStartLevel.class).setInitialBundleStartLevel(defaultLevel);

        Path digestsFile = state.resolve("embedded.properties");
        Properties digests = new Properties();
        if (Files.isRegularFile(digestsFile)) {
            try (InputStream in = Files.newInputStream(digestsFile)) {
                digests.load(in);
            }
        }
        Map<String, Bundle> installed = new LinkedHashMap<>();
        for (Bundle b : ctx.getBundles()) {
            if (b.getLocation().startsWith(LOCATION_PREFIX)) {
                installed.put(b.getLocation(), b);
            }
        }
        Path self;
        try {
            self = Path.of(FelixRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException("cannot locate the kdrv jar", e);
        }
        List<Bundle> toStart = new ArrayList<>();
        Properties newDigests = new Properties();
        try (JarFile jar = new JarFile(self.toFile())) {
            for (String path : launch.getProperty("launch.bundles", "").split(",")) {
                path = path.strip();
                if (path.isEmpty()) {
                    continue;
                }
                JarEntry e = jar.getJarEntry(path);
                if (e == null) {
                    throw new IOException(self + ": bundle " + path + " listed in launcher.properties is missing");
                }
                String location = LOCATION_PREFIX + path;
                String digest = Long.toHexString(e.getCrc()) + ":" + e.getSize();
                Bundle b = installed.remove(location);
                if (b == null) {
                    try (InputStream in = jar.getInputStream(e)) {
                        b = ctx.installBundle(location, in);
                    }
                } else if (!digest.equals(digests.getProperty(location))) {
                    try (InputStream in = jar.getInputStream(e)) {
                        b.update(in);
                    }
                }
                newDigests.setProperty(location, digest);
                Integer level = levels.get(b.getSymbolicName());
                BundleStartLevel bsl = b.adapt(BundleStartLevel.class);
                // On a restart both are already recorded in the cache: skip the calls (each setStartLevel queues a
                // request for Felix's start-level thread, each start takes the bundle's lock), 2 per bundle.
                if (level != null && bsl.getStartLevel() != level) {
                    bsl.setStartLevel(level);
                }
                if (off.contains(b.getSymbolicName())) {
                    if (bsl.isPersistentlyStarted()) {
                        b.stop(); // persistently: the cache no longer starts it, until kdrv.console=on
                    }
                } else if (!bsl.isPersistentlyStarted() || !bsl.isActivationPolicyUsed()) {
                    toStart.add(b);
                }
            }
        }
        for (Bundle gone : installed.values()) {
            gone.uninstall(); // dropped from the jar in a newer version
        }
        for (Bundle b : toStart) {
            if ((b.adapt(BundleRevision.class).getTypes() & BundleRevision.TYPE_FRAGMENT) == 0) {
                b.start(Bundle.START_ACTIVATION_POLICY);
            }
        }
        if (newDigests.equals(digests)) {
            return; // a plain restart: nothing to record (and no temp file, SecureRandom or date formatting on the way)
        }
        Path tmp = Files.createTempFile(state, ".embedded", ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            newDigests.store(out, "zip CRC:size of each bundle installed from the kdrv jar");
        }
        Files.move(tmp, digestsFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The console bundles to keep stopped: none for {@code on}, those of {@code bundles} (comma-separated symbolic
     * names) for {@code off}.
     *
     * @throws IllegalArgumentException any other value, naming the property and the value
     */
    static Set<String> consoleBundlesOff(String value, String bundles) {
        return switch (value.strip()) {
            case "on" -> Set.of();
            case "off" -> Arrays.stream(bundles.split(",")).map(String::strip).filter(b -> !b.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
            default -> throw new IllegalArgumentException(CONSOLE_PROPERTY + ": expected on or off, got '" + value
                    + "'");
        };
    }

    /** {@code bsn;version="1.0";startlevel=3,bsn2;...} (bnd's launch.runbundles.attrs) to bsn -> level. */
    static Map<String, Integer> startLevels(String attrs) {
        Map<String, Integer> levels = new HashMap<>();
        StringBuilder clause = new StringBuilder();
        boolean quoted = false;
        for (char c : (attrs + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                String[] parts = clause.toString().split(";");
                for (int i = 1; i < parts.length; i++) {
                    String p = parts[i].strip();
                    if (p.startsWith("startlevel=")) {
                        levels.put(parts[0].strip(), Integer.parseInt(p.substring("startlevel=".length()).strip()));
                    }
                }
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        return levels;
    }

    /** {@code 20s}, {@code 500ms}, {@code 2m}, ISO-8601, or plain seconds; the fallback when blank. */
    static Duration parseDuration(String s, Duration fallback) {
        return parseDuration(STOP_TIMEOUT_PROPERTY, s, fallback);
    }

    /** {@link #parseDuration(String, Duration)} naming {@code key} in the error. */
    static Duration parseDuration(String key, String s, Duration fallback) {
        if (s == null || s.isBlank()) {
            return fallback;
        }
        String v = s.strip().toLowerCase();
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + ": cannot parse '" + s
                    + "' (examples: 20s, 1500ms, 1m)", e);
        }
    }
}
