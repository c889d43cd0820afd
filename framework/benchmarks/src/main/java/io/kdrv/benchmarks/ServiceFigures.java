package io.kdrv.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Process-level figures of the exported jars, side by side with the same Felix runtime without kdrv
 * (examples/target/baseline.jar), in one run: process start to every demo device bound (kdrv) or to the framework
 * started (baseline), first start (empty state directory) and restart (cached), with and without a JDK AOT cache
 * (JEP 483/514: -XX:AOTCacheOutput training run, then -XX:AOTCache with -XX:AOTMode=on, so a cache the JVM cannot
 * use fails the run instead of being skipped); and process RSS a given time after start (no forced GC) with default
 * JVM options, with the systemd unit's options and with those plus the AOT cache. The demo is measured with and
 * without the web console (mock-board-noweb.jar, when built).
 *
 * <p>The unit's options are read from examples/systemd/kdrv.jvm-options (the file the unit and kdrv-aot pass with
 * {@code java @file}) and run with the unit's {@code MALLOC_ARENA_MAX=2}: kdrv and the baseline always get the same
 * options and environment.
 *
 * <p>Standalone (not part of Main's suite: it needs the exported jars):
 * {@code java framework/benchmarks/src/main/java/io/kdrv/benchmarks/ServiceFigures.java examples/target 300}
 * (directory with the jars, RSS sampling time in seconds). Each start-up cell is the median wall time from spawning
 * the process to the awaited line, with the median of the process's CPU time (user + system) at that line next to it:
 * on a loaded machine the CPU time moves much less than the wall time.
 *
 * <p>Before/after in one run: {@code -Dkdrv.figures.before=DIR} (another tree's examples/target, with its
 * ../systemd/kdrv.jvm-options) adds that tree's jars as "before:" columns, each start-up row measured for both trees in
 * turn and every RSS sampled over the same interval.
 */
public final class ServiceFigures {
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    static final List<String> BASE = List.of("--sun-misc-unsafe-memory-access=allow", "-XX:-UsePerfData",
            "-Dorg.osgi.service.http.port=0",
            "-Dgosh.args=--nointeractive");
    /** Starts per cell (median); fewer while iterating: -Dkdrv.figures.runs=1 (RSS time: the second argument). */
    static final int RUNS = Integer.getInteger("kdrv.figures.runs", 5);

    /**
     * One jar as measured: its label, its file, the output line that ends its start and the unit's JVM options it is
     * run with (its own tree's examples/systemd/kdrv.jvm-options).
     */
    record Subject(String label, Path jar, Supplier<Predicate<String>> done, List<String> unit) {
    }

    private ServiceFigures() {
    }

    public static void main(String[] args) throws Exception {
        Path jars = Path.of(args.length > 0 ? args[0] : "examples/target").toAbsolutePath();
        long rssSeconds = args.length > 1 ? Long.parseLong(args[1]) : 300;
        Path work = Files.createTempDirectory("kdrv-figures");
        int demoDevices = demoDevices(jars.resolve("mock-board.jar"));
        List<Subject> subjects = new ArrayList<>();
        String before = System.getProperty("kdrv.figures.before");
        if (before != null) {
            subjects.addAll(subjects(Path.of(before).toAbsolutePath(), "before: ", demoDevices));
        }
        subjects.addAll(subjects(jars, before != null ? "after: " : "", demoDevices));

        System.out.printf("kdrv service figures, %s, %d runs each (median), JDK %s, load average %.1f%n",
                java.time.LocalDate.now(), RUNS, System.getProperty("java.version"), load());
        System.out.println("start-up with the unit's JVM options: kdrv until all " + demoDevices + " demo devices are bound, the "
                + "baseline until the framework started; wall time (the process's CPU time, user + system, until then: "
                + "less sensitive to the machine's load)");
        StringBuilder head = new StringBuilder("| start-up |");
        for (Subject s : subjects) {
            head.append(' ').append(s.label()).append(" |");
        }
        System.out.println(head);
        System.out.println("|---" + "|---".repeat(subjects.size()) + "|");
        Map<Subject, Path> caches = new LinkedHashMap<>();
        for (String variant : List.of("first start", "restart", "restart, AOT cache")) {
            boolean fresh = variant.equals("first start");
            StringBuilder row = new StringBuilder("| " + variant + " |");
            for (Subject s : subjects) {
                List<String> extra = new ArrayList<>(s.unit());
                if (variant.contains("AOT")) {
                    Path aot = train(s, s.unit(), work.resolve(name(s) + ".aot"), work.resolve(name(s) + "-train"));
                    caches.put(s, aot);
                    extra.addAll(aotOptions(aot));
                }
                long[] m = median(s, work.resolve(name(s)), extra, fresh);
                row.append(' ').append(m[0]).append(" ms (CPU ").append(m[1]).append(" ms) |");
            }
            System.out.println(row);
        }
        System.out.printf("(load average %.1f)%n", load());

        // RSS: every process of every row side by side over the same interval.
        List<String> rows = List.of("default JVM options", "unit options (512 MiB boards)", "unit options + AOT cache");
        Map<String, List<Process>> running = new LinkedHashMap<>();
        for (String opts : rows) {
            List<Process> ps = new ArrayList<>();
            for (Subject s : subjects) {
                List<String> extra = new ArrayList<>();
                if (!opts.startsWith("default")) {
                    extra.addAll(s.unit());
                }
                if (opts.contains("AOT")) {
                    extra.addAll(aotOptions(caches.get(s)));
                }
                ps.add(start(s.jar(), work.resolve("rss-" + name(s) + "-" + running.size()), extra, true,
                        !opts.startsWith("default")));
            }
            running.put(opts, ps);
        }
        TimeUnit.SECONDS.sleep(rssSeconds); // the figure is "RSS T seconds after start": a fixed wait is the point
        System.out.printf("%n| process RSS (anonymous part) after %d s, no forced GC |", rssSeconds);
        for (Subject s : subjects) {
            System.out.print(" " + s.label() + " |");
        }
        System.out.println();
        System.out.println("|---" + "|---".repeat(subjects.size()) + "|");
        for (Map.Entry<String, List<Process>> e : running.entrySet()) {
            StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
            for (Process p : e.getValue()) {
                double[] rss = rssMiB(p);
                row.append(String.format(" %.1f MiB (%.1f) |", rss[0], rss[1]));
            }
            System.out.println(row);
        }
        System.out.printf("(load average %.1f)%n", load());
        for (List<Process> ps : running.values()) {
            for (Process p : ps) {
                stop(p);
            }
        }
    }

    /**
     * The demo, the demo without the web console (when built) and the baseline from one directory of exported jars,
     * run with the unit's options of the same tree ({@code ../systemd/kdrv.jvm-options}).
     */
    static List<Subject> subjects(Path jars, String prefix, int demoDevices) {
        Path options = jars.resolveSibling("systemd").resolve("kdrv.jvm-options");
        if (!Files.isRegularFile(options)) {
            throw new IllegalStateException("the unit's JVM options are missing: " + options);
        }
        List<String> unit = List.of("@" + options);
        Supplier<Predicate<String>> allBound = () -> counting("bound to driver", demoDevices);
        Supplier<Predicate<String>> started = () -> l -> l.startsWith("kdrv: framework started");
        List<Subject> subjects = new ArrayList<>();
        subjects.add(new Subject(prefix + "kdrv demo", jars.resolve("mock-board.jar"), allBound, unit));
        if (Files.isRegularFile(jars.resolve("mock-board-noweb.jar"))) {
            subjects.add(new Subject(prefix + "kdrv demo without web console", jars.resolve("mock-board-noweb.jar"),
                    allBound, unit));
        }
        subjects.add(new Subject(prefix + "baseline Felix", jars.resolve("baseline.jar"), started, unit));
        return subjects;
    }

    /** A file-name-safe name, unique per subject (label and jar). */
    static String name(Subject s) {
        return (s.label().startsWith("before: ") ? "before-" : "")
                + s.jar().getFileName().toString().replace(".jar", "");
    }

    /** The cache, and AOTMode=on: a cache the JVM cannot use ends the process instead of being skipped. */
    static List<String> aotOptions(Path aot) {
        return List.of("-XX:AOTCache=" + aot, "-XX:AOTMode=on");
    }

    static double load() throws IOException {
        return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
    }

    /**
     * How many device nodes the demo's board file has: mock-board.json inside the kdrv-examples bundle inside the
     * exported jar (bnd's layout: jar/kdrv-examples-*.jar).
     */
    static int demoDevices(Path demoJar) throws IOException {
        try (java.util.jar.JarFile outer = new java.util.jar.JarFile(demoJar.toFile())) {
            var bundle = outer.stream().filter(e -> e.getName().matches("jar/kdrv-examples-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(demoJar + " has no jar/kdrv-examples-*.jar"));
            try (var in = new java.util.jar.JarInputStream(outer.getInputStream(bundle))) {
                for (var e = in.getNextJarEntry(); e != null; e = in.getNextJarEntry()) {
                    if (e.getName().equals("mock-board.json")) {
                        String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                        int n = (int) java.util.regex.Pattern.compile("\"name\"\\s*:").matcher(json).results().count();
                        if (n == 0) {
                            throw new IllegalStateException("no devices in mock-board.json of " + demoJar);
                        }
                        return n;
                    }
                }
            }
        }
        throw new IllegalStateException(demoJar + ": kdrv-examples has no mock-board.json");
    }

    static Predicate<String> counting(String text, int n) {
        int[] seen = {0};
        return l -> l.contains(text) && ++seen[0] >= n;
    }

    /** Median wall time and median CPU time (ms) of {@link #RUNS} starts. */
    static long[] median(Subject s, Path state, List<String> extra, boolean fresh) throws Exception {
        long[] t = new long[RUNS];
        long[] cpu = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            if (fresh || i == 0) {
                deleteTree(state);
            }
            if (!fresh && i == 0) {
                timeTo(s.jar(), state, extra, s.done()); // fill the cache once
            }
            long[] r = timeTo(s.jar(), state, extra, s.done());
            t[i] = r[0];
            cpu[i] = r[1];
        }
        Arrays.sort(t);
        Arrays.sort(cpu);
        return new long[] {t[RUNS / 2], cpu[RUNS / 2]};
    }

    /**
     * Milliseconds from spawning the process to the output line that {@code done} accepts (fresh predicate), and
     * the process's CPU time (user + system) at that line.
     */
    static long[] timeTo(Path jar, Path state, List<String> extra, Supplier<Predicate<String>> awaited)
            throws Exception {
        Predicate<String> done = awaited.get();
        long t0 = System.nanoTime();
        Process p = start(jar, state, extra, false, true);
        long t = -1;
        long cpu = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (t < 0 && done.test(line)) {
                    t = (System.nanoTime() - t0) / 1_000_000;
                    cpu = cpuMillis(p);
                    p.toHandle().destroy(); // SIGTERM (Process.destroy would close our end of the pipe); keep draining
                }
            }
        }
        stop(p);
        if (t < 0) {
            throw new IllegalStateException(jar + " ended before the awaited line");
        }
        return new long[] {t, cpu};
    }

    /**
     * utime + stime of a live process from /proc/PID/stat (fields 14 and 15, after the parenthesised command),
     * in ms; clock ticks are 100 per second on Linux (USER_HZ). -1 when unreadable.
     */
    static long cpuMillis(Process p) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A training run with the same options as the measured runs (an AOT cache only works with its own options). */
    static Path train(Subject s, List<String> options, Path aot, Path state) throws Exception {
        deleteTree(state);
        timeTo(s.jar(), state, options, s.done()); // cache filled first: the training run then sees a restart
        List<String> training = new ArrayList<>(options);
        training.add("-XX:AOTCacheOutput=" + aot);
        timeTo(s.jar(), state, training, s.done());
        if (!Files.isRegularFile(aot)) {
            throw new IllegalStateException("no AOT cache written at " + aot);
        }
        return aot;
    }

    /** {@code unitEnvironment}: the unit's MALLOC_ARENA_MAX=2 (given with the unit's options, to kdrv and baseline). */
    static Process start(Path jar, Path state, List<String> extra, boolean discardOutput, boolean unitEnvironment)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA.toString()));
        cmd.addAll(BASE);
        cmd.addAll(extra);
        cmd.addAll(List.of("-Dkdrv.state.dir=" + state, "-jar", jar.toString()));
        Files.createDirectories(state.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (unitEnvironment) {
            pb.environment().put("MALLOC_ARENA_MAX", "2");
        }
        if (discardOutput) {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        return pb.start();
    }

    static void stop(Process p) throws Exception {
        p.destroy(); // SIGTERM: the clean stop path (an AOT training run writes its cache at exit)
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** VmRSS and RssAnon (the part not backed by a file: heap, metaspace, stacks, malloc), MiB. */
    static double[] rssMiB(Process p) throws IOException {
        double[] r = {-1, -1};
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            if (l.startsWith("VmRSS:")) {
                r[0] = Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
            } else if (l.startsWith("RssAnon:")) {
                r[1] = Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return r;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var w = Files.walk(p)) {
            for (Path f : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
