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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Process-level figures of the exported jars, side by side with the same Felix runtime without kdrv
 * (examples/target/baseline.jar), in one run: process start to every demo device bound (kdrv) or to the framework
 * started (baseline), first start (empty state directory) and restart (cached), with and without a JDK AOT cache
 * (JEP 483/514: -XX:AOTCacheOutput training run, then -XX:AOTCache); and process RSS after a given time with
 * default JVM options and with the systemd unit's options for 512 MiB boards.
 *
 * <p>Standalone (not part of Main's suite: it needs the exported jars):
 * {@code java framework/benchmarks/src/main/java/io/kdrv/benchmarks/ServiceFigures.java examples/target 300}
 * (directory with the jars, RSS sampling time in seconds).
 */
public final class ServiceFigures {
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    static final List<String> BASE = List.of("--sun-misc-unsafe-memory-access=allow", "-XX:-UsePerfData",
            "-Dorg.osgi.service.http.port=0",
            "-Dgosh.args=--nointeractive");
    static final List<String> UNIT = List.of("-XX:+UseSerialGC", "-Xms16m", "-Xmx64m", "-XX:MaxMetaspaceSize=64m",
            "-XX:ReservedCodeCacheSize=32m", "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:+UseCompactObjectHeaders");
    static final int RUNS = 5;

    private ServiceFigures() {
    }

    public static void main(String[] args) throws Exception {
        Path jars = Path.of(args.length > 0 ? args[0] : "examples/target").toAbsolutePath();
        long rssSeconds = args.length > 1 ? Long.parseLong(args[1]) : 300;
        Path work = Files.createTempDirectory("kdrv-figures");
        Path demo = jars.resolve("mock-board.jar"), base = jars.resolve("baseline.jar");
        Supplier<Predicate<String>> allBound = () -> counting("bound to driver", 4);
        Supplier<Predicate<String>> started = () -> l -> l.startsWith("kdrv: framework started");

        System.out.printf("kdrv service figures, %s, %d runs each (median), JDK %s%n", java.time.LocalDate.now(), RUNS,
                System.getProperty("java.version"));
        System.out.println("| start-up | kdrv demo (all 4 devices bound) | baseline Felix (framework started) |");
        System.out.println("|---|---|---|");
        for (String variant : List.of("first start", "restart", "restart, AOT cache")) {
            List<String> extra = new ArrayList<>();
            boolean fresh = variant.equals("first start");
            if (variant.contains("AOT")) {
                extra.add("-XX:AOTCache=" + train(demo, work.resolve("demo.aot"), work.resolve("demo-train"), allBound));
            }
            long k = median(demo, work.resolve("demo"), extra, allBound, fresh);
            List<String> extraBase = new ArrayList<>();
            if (variant.contains("AOT")) {
                extraBase.add("-XX:AOTCache=" + train(base, work.resolve("base.aot"), work.resolve("base-train"),
                        started));
            }
            long b = median(base, work.resolve("base"), extraBase, started, fresh);
            System.out.printf("| %s | %d ms | %d ms |%n", variant, k, b);
        }
        System.out.printf("%n| process RSS after %d s (no forced GC) | kdrv demo | baseline Felix |%n", rssSeconds);
        System.out.println("|---|---|---|");
        for (String opts : List.of("default JVM options", "unit options (512 MiB boards)")) {
            List<String> extra = opts.startsWith("unit") ? UNIT : List.of();
            Process k = start(demo, work.resolve("rss-demo"), extra, true);
            Process b = start(base, work.resolve("rss-base"), extra, true);
            TimeUnit.SECONDS.sleep(rssSeconds); // the figure is "RSS T seconds after start": a fixed wait is the point
            System.out.printf("| %s | %.1f MiB | %.1f MiB |%n", opts, rssMiB(k), rssMiB(b));
            stop(k);
            stop(b);
        }
    }

    static Predicate<String> counting(String text, int n) {
        int[] seen = {0};
        return l -> l.contains(text) && ++seen[0] >= n;
    }

    static long median(Path jar, Path state, List<String> extra, Supplier<Predicate<String>> done, boolean fresh)
            throws Exception {
        long[] t = new long[RUNS];
        for (int i = 0; i < RUNS; i++) {
            if (fresh || i == 0) {
                deleteTree(state);
            }
            if (!fresh && i == 0) {
                warm(jar, state, extra, done); // fill the cache once
            }
            t[i] = timeTo(jar, state, extra, done);
        }
        Arrays.sort(t);
        return t[RUNS / 2];
    }

    static void warm(Path jar, Path state, List<String> extra, Supplier<Predicate<String>> done) throws Exception {
        timeTo(jar, state, extra, done);
    }

    /** Milliseconds from spawning the process to the output line that {@code done} accepts (fresh predicate). */
    static long timeTo(Path jar, Path state, List<String> extra, Supplier<Predicate<String>> awaited)
            throws Exception {
        Predicate<String> done = awaited.get();
        long t0 = System.nanoTime();
        Process p = start(jar, state, extra, false);
        long t = -1;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (t < 0 && done.test(line)) {
                    t = (System.nanoTime() - t0) / 1_000_000;
                    p.toHandle().destroy(); // SIGTERM (Process.destroy would close our end of the pipe); keep draining
                }
            }
        }
        stop(p);
        if (t < 0) {
            throw new IllegalStateException(jar + " ended before the awaited line");
        }
        return t;
    }

    static Path train(Path jar, Path aot, Path state, Supplier<Predicate<String>> done) throws Exception {
        deleteTree(state);
        timeTo(jar, state, List.of(), done); // cache filled first: the training run then sees a restart
        timeTo(jar, state, List.of("-XX:AOTCacheOutput=" + aot), done);
        if (!Files.isRegularFile(aot)) {
            throw new IllegalStateException("no AOT cache written at " + aot);
        }
        return aot;
    }

    static Process start(Path jar, Path state, List<String> extra, boolean discardOutput) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(JAVA.toString()));
        cmd.addAll(BASE);
        cmd.addAll(extra);
        cmd.addAll(List.of("-Dkdrv.state.dir=" + state, "-jar", jar.toString()));
        Files.createDirectories(state.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
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

    static double rssMiB(Process p) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return -1;
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
