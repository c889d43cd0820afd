package io.kdrv.benchmarks;

import io.kdrv.kthread.Kthreads;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the kdrv benchmarks and prints each figure next to its baseline measured in the same run.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -jar framework/benchmarks/target/benchmarks.jar [--smoke] [name...]
 * </pre>
 * Names: {@value #ALL_NAMES}. Without names all but {@code scale} run (about a minute, at most three). {@code --smoke} runs tiny sizes
 * (a few seconds; checks that every path works, the figures mean nothing).
 */
public final class Main {
    static final String ALL_NAMES = "lifecycle worker wake irq timer idle devices hotplug scale";
    static final List<String> ALL = List.of(ALL_NAMES.split(" "));
    /** Run without names: all but {@code scale} (benchmark 9 takes minutes on its own; name it to run it). */
    static final List<String> DEFAULT = ALL.stream().filter(n -> !n.equals("scale")).toList();

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals(IdleThreads.CHILD_FLAG)) {
            IdleThreads.child(args[1], Integer.parseInt(args[2]));
            return;
        }
        if (args.length >= 1 && args[0].equals(ManyDevices.CHILD_FLAG)) {
            ManyDevices.child(args);
            return;
        }
        if (args.length >= 1 && args[0].equals(ScaleBench.CHILD_FLAG)) {
            ScaleBench.child(args);
            return;
        }
        if (args.length >= 1 && args[0].equals(HotplugBench.CHILD_FLAG)) {
            HotplugBench.child(args);
            return;
        }
        Config config = Config.full();
        Set<String> names = new LinkedHashSet<>();
        for (String a : args) {
            if (a.equals("--smoke")) {
                config = Config.smoke();
            } else if (ALL.contains(a)) {
                names.add(a);
            } else {
                System.err.println("unknown benchmark '" + a + "'; known: " + ALL_NAMES + " (and --smoke)");
                System.exit(2);
            }
        }
        run(config, names.isEmpty() ? Set.copyOf(DEFAULT) : names, System.out);
    }

    /** Runs the named benchmarks with {@code config} and prints the report to {@code out}. */
    static Report run(Config config, Set<String> names, PrintStream out) throws Exception {
        long t0 = System.nanoTime();
        Report r = new Report(out);
        out.println("kdrv benchmarks, " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        out.println("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, " + cpuModel() + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.version"));
        out.println("JVM: " + System.getProperty("java.vm.name") + " " + Runtime.version() + " ("
                + System.getProperty("java.vendor") + ")");
        out.println("NOTE: a shared 2-core box with other builds running: figures are noisy; compare the ratio, and"
                + " trust medians over tails. Each baseline was measured in this same run, interleaved where possible.");
        out.println("Columns: kdrv figure | baseline figure | kdrv/base = kdrv divided by baseline | whether lower or"
                + " higher is better.");
        out.println();
        Stats.Pcts floor = null;
        for (String name : ALL) {
            if (!names.contains(name)) {
                continue;
            }
            out.println("== " + name);
            out.flush();
            switch (name) {
                case "lifecycle" -> Lifecycle.run(config, r);
                case "worker" -> WorkerThroughput.run(config, r);
                case "wake" -> floor = WakeLatency.run(config, r);
                case "irq" -> {
                    if (floor == null) {
                        floor = WakeLatency.floor(config);
                    }
                    IrqLatency.run(config, r, floor);
                }
                case "timer" -> TimerJitter.run(config, r);
                case "idle" -> IdleThreads.run(config, r);
                case "devices" -> ManyDevices.run(config, r);
                case "hotplug" -> HotplugBench.run(config, r);
                case "scale" -> ScaleBench.run(config, r);
                default -> throw new AssertionError(name);
            }
        }
        r.printTable();
        out.println();
        out.printf("total %.1f s; live kthreads left: %d%n", (System.nanoTime() - t0) / 1e9, Kthreads.liveCount());
        out.flush();
        return r;
    }

    private static String cpuModel() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
