package io.kdrv.benchmarks;

import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.testing.KdrvTestBed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * 9. Scale: does the cost of binding one device grow with the number of devices already there? N device nodes
 * (1,000, 10,000, 100,000) added one by one to a {@link KdrvTestBed} (real driver core, mock board), each waited
 * for until BOUND, as Configuration Admin delivers them; the bench driver's probe only registers one devres action
 * (no kthread: 100,000 threads would measure the kernel). Then every node is deleted (remove + devres release).
 *
 * <p>The baseline of each size is the same figure at 1,000 devices, so {@code kdrv/base} is the growth of the
 * per-device cost: 1.0x means flat; an O(N) step per bind shows as about 10x at 10,000 and 100x at 100,000. Three
 * figures per size: the mean bind over all N, the mean of the <em>last</em> 1,000 binds (the marginal cost with N-1,000
 * devices present, which is where a scan over the devices shows), and the mean remove. Each size runs in a fresh
 * child JVM with the core's INFO log at WARN, after a warm-up of 3 x 200 devices; 1,000 and 10,000 three times
 * (median), 100,000 once, in the order 1k 10k 100k 1k 10k 1k 10k.
 */
final class ScaleBench {
    static final String CHILD_FLAG = "--scale-child";
    private static final String PREFIX = "SCALE ";
    private static final String COMPATIBLE = "bench,scale";
    private static final int TAIL = 1_000;
    private static final List<String> CHILD_JVM_OPTIONS = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    /** Mean nanoseconds per device: all binds, the last {@code TAIL} binds, all removes. */
    record Result(double bind, double tailBind, double remove) {
        String encode() {
            return PREFIX + bind + " " + tailBind + " " + remove;
        }

        static Result decode(String line) {
            String[] f = line.substring(PREFIX.length()).trim().split(" ");
            return new Result(Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]));
        }
    }

    private ScaleBench() {
    }

    static void run(Config c, Report r) throws Exception {
        List<Integer> sizes = c.scaleSizes();
        int small = sizes.getFirst();
        List<List<Result>> results = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) {
            results.add(new ArrayList<>());
        }
        // largest once, the others three times, interleaved so that a burst of load hits several sizes
        List<Integer> order = new ArrayList<>(sizes);
        if (c.forkIdle()) {
            for (int rep = 0; rep < 2; rep++) {
                order.addAll(sizes.subList(0, sizes.size() - 1));
            }
        }
        for (int n : order) {
            Result x = c.forkIdle()
                    ? Result.decode(ChildJvm.run(CHILD_JVM_OPTIONS, List.of(CHILD_FLAG, Integer.toString(n)), PREFIX,
                            Duration.ofMinutes(10)))
                    : measure(n);
            results.get(sizes.indexOf(n)).add(x);
            System.out.flush();
        }
        Result base = median(results.getFirst());
        for (int i = 0; i < sizes.size(); i++) {
            int n = sizes.get(i);
            Result x = median(results.get(i));
            String bench = "9 scale, " + String.format("%,d", n) + " devices";
            String baseline = "same at " + String.format("%,d", small) + " devices";
            r.add(bench, "bind, per device", x.bind(), base.bind(), baseline, Report.Unit.NANOS);
            r.add(bench, "last " + Math.min(TAIL, n) + " binds, per dev", x.tailBind(), base.tailBind(), baseline,
                    Report.Unit.NANOS);
            r.add(bench, "remove, per device", x.remove(), base.remove(), baseline, Report.Unit.NANOS);
        }
        r.note("9 scale: device nodes added one by one to a KdrvTestBed, each waited for until BOUND; the driver's "
                + "probe registers one devres action, no kthread; baseline = the same figure at " + small
                + " devices, so kdrv/base is the growth of the per-device cost (flat = 1.0x); "
                + (c.forkIdle() ? "a fresh JVM per size, core log at WARN, median of 3 (the largest: 1)"
                        : "in-process (smoke)"));
    }

    private static Result median(List<Result> rs) {
        double[] b = rs.stream().mapToDouble(Result::bind).sorted().toArray();
        double[] t = rs.stream().mapToDouble(Result::tailBind).sorted().toArray();
        double[] m = rs.stream().mapToDouble(Result::remove).sorted().toArray();
        return new Result(b[b.length / 2], t[t.length / 2], m[m.length / 2]);
    }

    /** Entry point of a child JVM: {@code --scale-child N}; prints one result line. */
    static void child(String[] args) throws Exception {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: " + CHILD_FLAG + " N, got " + Arrays.asList(args));
        }
        System.out.println(measure(Integer.parseInt(args[1])).encode());
    }

    static Result measure(int n) {
        try (KdrvTestBed bed = KdrvTestBed.builder().leakCheck(false).timeout(Duration.ofSeconds(60)).build()) {
            bed.start();
            bed.register(new ActionDriver(), COMPATIBLE);
            for (int w = 0; w < 3; w++) {
                addAll(bed, "warm" + w + "-", Math.min(200, n));
                removeAll(bed, "warm" + w + "-", Math.min(200, n));
            }
            long t0 = System.nanoTime();
            long tailStart = addAll(bed, "dev", n);
            long t1 = System.nanoTime();
            removeAll(bed, "dev", n);
            long t2 = System.nanoTime();
            int tail = Math.min(TAIL, n);
            return new Result((double) (t1 - t0) / n, (double) (t1 - tailStart) / tail, (double) (t2 - t1) / n);
        }
    }

    /** Adds {@code n} devices; returns when the last {@code TAIL} of them started. */
    private static long addAll(KdrvTestBed bed, String prefix, int n) {
        long tailStart = System.nanoTime();
        for (int i = 0; i < n; i++) {
            if (i == n - Math.min(TAIL, n)) {
                tailStart = System.nanoTime();
            }
            DeviceInfo d = bed.addDevice(prefix + i, COMPATIBLE);
            if (d.state() != DeviceState.BOUND) {
                throw new IllegalStateException("device " + d.name() + " is " + d.state() + " (" + d.reason()
                        + "), expected BOUND");
            }
        }
        return tailStart;
    }

    private static void removeAll(KdrvTestBed bed, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            bed.removeDevice(prefix + i);
        }
    }

    /** Binds every device with one devres action and nothing else. */
    private static final class ActionDriver implements Driver {
        @Override
        public void probe(Device dev) {
            dev.addAction(() -> { });
        }
    }
}
