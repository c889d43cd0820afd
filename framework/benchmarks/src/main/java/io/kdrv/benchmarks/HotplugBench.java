package io.kdrv.benchmarks;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.framework.Bundle;

/**
 * 8. The kdrv runtime in a real OSGi framework (Apache Felix embedded in the harness, see {@link EmbeddedFelix}).
 *
 * <p>(a) Hot-plug cycle: install the gpio-keys driver bundle from an InputStream, start it, wait until its device
 * node (one key on mock GPIO 17, from a board file) is BOUND, stop and uninstall it; against the same
 * install/start/stop/uninstall of an empty bundle (manifest only). A second baseline, a plain DS bundle (one
 * component shaped like a driver's, see {@link io.kdrv.benchmarks.dsbase.DsComponent}), shows how much of the cycle
 * any DS bundle pays (SCR's descriptor parse, component creation, registration and disposal), so that what kdrv adds
 * on top is visible. All three in one framework, rotating cycle by cycle.
 *
 * <p>(b) Boot to all probed: a fresh JVM per run boots Felix with the mock-board demo's bundles
 * ({@code examples/mock-board.bndrun} without the interactive Gogo shell) until every device of the demo's board
 * file is BOUND; against the same Felix with the same non-kdrv bundles, all ACTIVE. Then VmRSS and used heap after GC.
 */
final class HotplugBench {
    static final String CHILD_FLAG = "--hotplug-child";
    private static final String RESULT = "HOTPLUG-BOOT ";
    private static final String NODE = "bench-keys";
    private static final int LINE = 17;
    private static final String DRIVER_LOCATION = "kdrv-bench:gpio-keys";
    private static final String EMPTY_LOCATION = "kdrv-bench:empty";
    private static final String DS_LOCATION = "kdrv-bench:ds";
    /** The mock-board demo bundle embeds its board file at this path (examples/bnd.bnd). */
    private static final String DEMO_BOARD_FILE = "mock-board.json";

    private HotplugBench() {
    }

    /** System property naming the part to run alone: {@code cycles} (8a) or {@code boot} (8b); unset runs both. */
    static final String ONLY_PROPERTY = "kdrv.bench.hotplug";
    /** System property overriding the number of 8a cycles per side (a longer run to profile). */
    static final String CYCLES_PROPERTY = "kdrv.bench.hotplug.cycles";

    static void run(Config c, Report r) throws Exception {
        Map<String, Path> bundles = EmbeddedFelix.bundleFiles();
        String only = System.getProperty(ONLY_PROPERTY, "");
        if (!only.isEmpty() && !only.equals("cycles") && !only.equals("boot")) {
            throw new IllegalArgumentException("-D" + ONLY_PROPERTY + "=" + only + ": expected cycles or boot");
        }
        if (!only.equals("boot")) {
            cycles(c, r, bundles);
        }
        if (!only.equals("cycles")) {
            boot(c, r, bundles);
        }
    }

    // ------------------------------------------------------------------------------------------------ (a) cycles

    private static void cycles(Config c, Report r, Map<String, Path> all) throws Exception {
        Map<String, Path> bundles = new LinkedHashMap<>(nonKdrv(all));
        for (String k : List.of("kdrv-kthread", "kdrv-core", "kdrv-board", "kdrv-board-mock")) {
            bundles.put(k, all.get(k));
        }
        byte[] driver = Files.readAllBytes(all.get("kdrv-driver-gpio-keys"));
        byte[] empty = emptyBundle();
        byte[] ds = dsBundle();
        Path board = Files.createTempFile("kdrv-bench-board", ".json");
        // -Dkdrv.bench.hotplug.cycles=N: more cycles for a profile (JFR) than the report needs
        int n = Integer.getInteger(CYCLES_PROPERTY, c.hotplugCycles()), warm = Math.max(2, n / 10);
        long[] kdrv = new long[n], base = new long[n], dsBase = new long[n], started = new long[n], bound = new long[n],
                gone = new long[n];
        long[] emptyStarted = new long[n], dsStarted = new long[n];
        try {
            Files.writeString(board, "{ \"platform\": \"mock\", \"devices\": [ { \"name\": \"" + NODE
                    + "\", \"compatible\": [\"gpio-keys\"], \"gpios\": [" + LINE + "], \"labels\": [\"enter\"],"
                    + " \"codes\": [28] } ] }\n");
            try (EmbeddedFelix f = EmbeddedFelix.boot(bundles, Map.of("kdrv.board.file", board.toString()))) {
                f.await("node " + NODE + " UNBOUND", () -> "UNBOUND".equals(f.deviceStates().get(NODE)),
                        () -> f.deviceStates().toString());
                // what the DS baseline's optional reference binds, as gpio-keys' binds Event Admin
                f.context().registerService(Runnable.class, () -> { }, null);
                long[] phases = new long[3], emptyPhase = new long[1], dsPhase = new long[1];
                for (int i = 0; i < warm; i++) {
                    driverCycle(f, driver, phases, i);
                    emptyCycle(f, empty, emptyPhase);
                    dsCycle(f, ds, dsPhase, i);
                }
                f.refresh();
                for (int i = 0; i < n; i++) {
                    // rotate which side goes first, so none always follows another's garbage
                    for (int k = 0; k < 3; k++) {
                        switch ((i + k) % 3) {
                            case 0 -> kdrv[i] = driverCycle(f, driver, phases, i);
                            case 1 -> base[i] = emptyCycle(f, empty, emptyPhase);
                            default -> dsBase[i] = dsCycle(f, ds, dsPhase, i);
                        }
                    }
                    emptyStarted[i] = emptyPhase[0];
                    dsStarted[i] = dsPhase[0];
                    started[i] = phases[0];
                    bound[i] = phases[1];
                    gone[i] = phases[2];
                    if (i % 100 == 99) {
                        f.refresh(); // as FileInstall does after uninstalls: Felix drops the old revisions
                    }
                }
            }
        } finally {
            Files.deleteIfExists(board);
        }
        Stats k = new Stats(kdrv), b = new Stats(base), d = new Stats(dsBase);
        String bench = "8a hot-plug cycle";
        String baseline = "empty bundle, same 4 steps";
        r.add(bench, "p50 per cycle", k.median(), b.median(), baseline, Report.Unit.NANOS);
        r.add(bench, "p99 per cycle", k.pct(99), b.pct(99), baseline, Report.Unit.NANOS);
        r.add(bench, "p50 per cycle", k.median(), d.median(), "plain DS bundle, same 4 steps", Report.Unit.NANOS);
        r.note(bench + ": gpio-keys bundle install(InputStream) -> start -> device BOUND -> stop -> uninstall"
                + " (then checked: UNBOUND, GPIO " + LINE + " free); " + n + " cycles per side after " + warm
                + " warm-up, rotating, one embedded Felix, refresh every 100; kdrv p50 split: install+start "
                + Report.nanos(new Stats(started).median()) + ", start->BOUND " + Report.nanos(new Stats(bound).median())
                + ", stop+uninstall " + Report.nanos(new Stats(gone).median()) + "; empty bundle p50 split: install+start "
                + Report.nanos(new Stats(emptyStarted).median()) + ", stop+uninstall "
                + Report.nanos(new Stats(minus(base, emptyStarted)).median()) + "; plain DS bundle (one immediate"
                + " component: a service, a property, an optional dynamic greedy field reference, bound; no kdrv)"
                + " p50 split: install+start " + Report.nanos(new Stats(dsStarted).median()) + ", stop+uninstall "
                + Report.nanos(new Stats(minus(dsBase, dsStarted)).median()));
    }

    /**
     * One driver hot-plug cycle; returns its time and leaves the three phases in {@code phases}. The device is
     * checked UNBOUND with its line free after the clock stops: remove and devres release finish inside stop().
     */
    private static long driverCycle(EmbeddedFelix f, byte[] jar, long[] phases, int index) throws Exception {
        long t0 = System.nanoTime();
        Bundle b = f.install(DRIVER_LOCATION, new ByteArrayInputStream(jar));
        b.start();
        long t1 = System.nanoTime();
        awaitBound(f, index);
        long t2 = System.nanoTime();
        b.stop();
        b.uninstall();
        long t3 = System.nanoTime();
        phases[0] = t1 - t0;
        phases[1] = t2 - t1;
        phases[2] = t3 - t2;
        String state = f.deviceStates().get(NODE);
        String owner = f.lineOwner(LINE);
        if (!"UNBOUND".equals(state) || owner != null) {
            throw new IllegalStateException("hot-plug cycle " + index + ": after uninstall " + NODE + " is " + state
                    + " and GPIO " + LINE + " is owned by " + owner + " (expected UNBOUND and free)");
        }
        return t3 - t0;
    }

    /**
     * Waits for BOUND without a fixed sleep: {@code DeviceManager.awaitIdle} blocks while the probe is queued or
     * running (the driver's service is normally registered, and its probe queued, before start() returns); if the
     * probe is not queued yet, a 20 us park and look again.
     */
    private static void awaitBound(EmbeddedFelix f, int index) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Duration idle = Duration.ofMillis(50);
        while (!"BOUND".equals(f.deviceStates().get(NODE))) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("hot-plug cycle " + index + ": " + NODE + " not BOUND after 10 s: "
                        + f.deviceStates());
            }
            f.awaitIdle(idle);
            if (!"BOUND".equals(f.deviceStates().get(NODE))) {
                LockSupport.parkNanos(20_000);
            }
        }
    }

    private static long[] minus(long[] a, long[] b) {
        long[] d = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static long emptyCycle(EmbeddedFelix f, byte[] jar, long[] started) throws Exception {
        long t0 = System.nanoTime();
        Bundle b = f.install(EMPTY_LOCATION, new ByteArrayInputStream(jar));
        b.start();
        started[0] = System.nanoTime() - t0;
        b.stop();
        b.uninstall();
        return System.nanoTime() - t0;
    }

    /**
     * One plain-DS cycle: install, start (SCR parses the descriptor, creates and activates the immediate component
     * and registers its service, all inside start()), checked registered, stop, uninstall.
     */
    private static long dsCycle(EmbeddedFelix f, byte[] jar, long[] started, int index) throws Exception {
        long t0 = System.nanoTime();
        Bundle b = f.install(DS_LOCATION, new ByteArrayInputStream(jar));
        b.start();
        if (b.getRegisteredServices() == null) {
            throw new IllegalStateException("hot-plug cycle " + index + ": the plain DS bundle registered no service");
        }
        started[0] = System.nanoTime() - t0;
        b.stop();
        b.uninstall();
        return System.nanoTime() - t0;
    }

    /**
     * The plain-DS baseline bundle: {@link io.kdrv.benchmarks.dsbase.DsComponent}'s class file and a component
     * description like gpio-keys' (bnd's output for a driver), with the same extender requirement.
     */
    private static byte[] dsBundle() throws IOException {
        String cls = "io/kdrv/benchmarks/dsbase/DsComponent.class";
        byte[] code;
        try (InputStream in = HotplugBench.class.getClassLoader().getResourceAsStream(cls)) {
            if (in == null) {
                throw new IllegalStateException("benchmark 8a: " + cls + " is not on the harness's class path");
            }
            code = in.readAllBytes();
        }
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="io.kdrv.benchmarks.dsbase.DsComponent" immediate="true" configuration-policy="ignore">
                  <property name="kdrv.bench" type="String" value="ds"/>
                  <service>
                    <provide interface="java.lang.Runnable"/>
                  </service>
                  <reference name="other" cardinality="0..1" policy="dynamic" interface="java.lang.Runnable" policy-option="greedy" field="other"/>
                  <implementation class="io.kdrv.benchmarks.dsbase.DsComponent"/>
                </scr:component>
                """;
        Manifest m = manifest("io.kdrv.benchmarks.ds");
        Attributes a = m.getMainAttributes();
        a.putValue("Service-Component", "OSGI-INF/ds.xml");
        a.putValue("Require-Capability", "osgi.extender;filter:=\"(&(osgi.extender=osgi.component)(version>=1.5.0)"
                + "(!(version>=2.0.0)))\"");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.putNextEntry(new JarEntry("OSGI-INF/ds.xml"));
            jar.write(xml.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            jar.putNextEntry(new JarEntry(cls));
            jar.write(code);
            jar.closeEntry();
        }
        return out.toByteArray();
    }

    /** A bundle with nothing but a manifest. */
    private static byte[] emptyBundle() throws IOException {
        Manifest m = manifest("io.kdrv.benchmarks.empty");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(out, m)) {
            jar.flush();
        }
        return out.toByteArray();
    }

    /** The headers every bundle of the harness has: symbolic name {@code bsn}, version 1.0.0. */
    private static Manifest manifest(String bsn) {
        Manifest m = new Manifest();
        Attributes a = m.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", bsn);
        a.putValue("Bundle-Version", "1.0.0");
        return m;
    }

    // -------------------------------------------------------------------------------------------------- (b) boot

    /** One boot: time, VmRSS, used heap and used non-heap (metaspace + code cache), all after boot and GC. */
    record BootResult(long bootNanos, long rssBytes, long heapBytes, long nonHeapBytes) {
        String encode() {
            return RESULT + bootNanos + " " + rssBytes + " " + heapBytes + " " + nonHeapBytes;
        }

        static BootResult decode(String line) {
            String[] f = line.substring(RESULT.length()).trim().split(" ");
            return new BootResult(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        }
    }

    private static void boot(Config c, Report r, Map<String, Path> bundles) throws Exception {
        int runs = c.bootRuns();
        long[] kb = new long[runs], bb = new long[runs], kr = new long[runs], br = new long[runs], kh = new long[runs],
                bh = new long[runs], kn = new long[runs], bn = new long[runs];
        for (int i = 0; i < runs; i++) {
            BootResult k = c.forkIdle() ? fork("kdrv") : measureBoot("kdrv", bundles);
            BootResult b = c.forkIdle() ? fork("base") : measureBoot("base", bundles);
            kb[i] = k.bootNanos;
            kr[i] = k.rssBytes;
            kh[i] = k.heapBytes;
            bb[i] = b.bootNanos;
            br[i] = b.rssBytes;
            bh[i] = b.heapBytes;
            kn[i] = k.nonHeapBytes;
            bn[i] = b.nonHeapBytes;
        }
        String baseline = "same Felix+bundles, no kdrv";
        r.add("8b boot to all probed", "median boot", new Stats(kb).median(), new Stats(bb).median(),
                "same Felix+bundles, no kdrv, ACTIVE", Report.Unit.NANOS);
        r.add("8b mock-board runtime", "VmRSS after boot+GC", new Stats(kr).median(), new Stats(br).median(), baseline,
                Report.Unit.BYTES);
        r.add("8b mock-board runtime", "heap after boot+GC", new Stats(kh).median(), new Stats(bh).median(), baseline,
                Report.Unit.BYTES);
        r.add("8b mock-board runtime", "non-heap after boot", new Stats(kn).median(), new Stats(bn).median(), baseline,
                Report.Unit.BYTES);
        r.note("8b: " + (c.forkIdle() ? "median of " + runs + " fresh JVMs per side (alternating)" : "in-process")
                + "; boot = Framework.init() until every bundle is ACTIVE and, kdrv side, every device of the demo's"
                + " board file (" + String.join(", ", demoDevices(bundles)) + ") is BOUND; kdrv side = the mock-board"
                + " demo's bundles (examples/mock-board.bndrun minus the interactive Gogo shell, kdrv.demo=true),"
                + " baseline = its non-kdrv bundles (SCR, Config Admin, Metatype, Event Admin, Gogo runtime+command,"
                + " FileInstall, SPI Fly, ASM, slf4j, Pi4J core); VmRSS read after 3 x System.gc() and glibc"
                + " malloc_trim(0) (without it the JIT's freed arenas make RSS swing by 40-60 MiB per JVM); heap = used"
                + " heap after GC; non-heap = used metaspace + code cache");
    }

    /** Entry point of a child JVM: {@code --hotplug-child kdrv|base}; prints one result line. */
    static void child(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: " + CHILD_FLAG + " kdrv|base");
        }
        System.out.println(measureBoot(args[1], EmbeddedFelix.bundleFiles()).encode());
        System.out.flush();
        // a dedicated JVM: do not let a stray non-daemon thread of a bundle keep it (and the parent reading it) alive
        System.exit(0);
    }

    private static BootResult fork(String side) throws Exception {
        return BootResult.decode(ChildJvm.run(List.of("--sun-misc-unsafe-memory-access=allow"),
                List.of(CHILD_FLAG, side), RESULT));
    }

    static BootResult measureBoot(String side, Map<String, Path> all) throws Exception {
        boolean kdrv = side.equals("kdrv");
        Map<String, Path> bundles = kdrv ? all : nonKdrv(all);
        Set<String> devices = kdrv ? demoDevices(all) : Set.of();
        try (EmbeddedFelix f = EmbeddedFelix.boot(bundles, Map.of("kdrv.demo", "true"))) {
            f.await("devices " + devices + " BOUND", () -> {
                Map<String, String> s = f.deviceStates();
                return devices.stream().allMatch(d -> "BOUND".equals(s.get(d)));
            }, () -> f.deviceStates().toString());
            long booted = System.nanoTime() - f.initStarted();
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            long nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
            mallocTrim();
            long rss = IdleThreads.rssBytes();
            // the drivers go first, while the demo bundle still simulates the BME280 that bme0's remove talks to
            for (Bundle b : f.context().getBundles()) {
                if (b.getSymbolicName().startsWith("kdrv-driver-")) {
                    b.stop();
                }
            }
            return new BootResult(booted, rss, heap, nonHeap);
        }
    }

    /**
     * glibc's {@code malloc_trim(0)}: hands freed malloc memory back to the OS. Without it VmRSS after boot swings by
     * 40-60 MiB from run to run, depending on how much the JIT compiler threads happened to malloc and free during
     * boot (arena memory glibc keeps); with it both sides are measured without that transient. No-op off glibc.
     */
    private static void mallocTrim() {
        try {
            Linker linker = Linker.nativeLinker();
            var sym = linker.defaultLookup().find("malloc_trim");
            if (sym.isPresent()) {
                MethodHandle trim = linker.downcallHandle(sym.get(),
                        FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
                int unused = (int) trim.invokeExact(0L);
            }
        } catch (Throwable e) {
            // not glibc or no native access: RSS is read untrimmed
        }
    }

    /** Every runtime bundle except kdrv's own (kdrv-*). */
    private static Map<String, Path> nonKdrv(Map<String, Path> all) {
        Map<String, Path> m = new TreeMap<>();
        all.forEach((k, v) -> {
            if (!k.startsWith("kdrv-")) {
                m.put(k, v);
            }
        });
        return m;
    }

    /** Names of the device nodes in the board file embedded in the demo bundle. */
    private static Set<String> demoDevices(Map<String, Path> all) throws IOException {
        Path demo = all.get("kdrv-examples");
        if (demo == null) {
            throw new IllegalStateException("benchmark 8b needs the mock-board demo bundle kdrv-examples in bench-bundles");
        }
        String json;
        try (JarFile jar = new JarFile(demo.toFile())) {
            var entry = jar.getEntry(DEMO_BOARD_FILE);
            if (entry == null) {
                throw new IllegalStateException(demo + " has no " + DEMO_BOARD_FILE);
            }
            json = new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
        }
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"").matcher(json);
        while (m.find()) {
            names.add(m.group(1));
        }
        if (names.isEmpty()) {
            throw new IllegalStateException("no device names in " + DEMO_BOARD_FILE + " of " + demo);
        }
        return names;
    }
}
