package io.kdrv.benchmarks;

import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.WaitQueue;
import io.kdrv.testing.KdrvTestBed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * 7. N devices, each with one kthread: the device model's cost per device. kdrv side: N device nodes added to a
 * {@link KdrvTestBed} (real driver core, mock board); the bench driver's probe starts one device-managed kthread
 * ({@link Device#kthreadRun}, named after the device) that sleeps in its own {@link WaitQueue} until stopped.
 * Baseline: the same N kthreads with the same function, name and queue, started with {@link Kthread#run} (no
 * device model). So {@code kdrv/base} is the device model's overhead per device; the platform-thread figure of
 * benchmark 6's protocol is printed as a second baseline for scale.
 *
 * <p>Measured exactly as benchmark 6 ({@link IdleThreads#measure(IdleThreads.GroupFactory, int)}): a short warm-up,
 * a cold round (its figures are the "cold JIT" rows), a long warm-up, then time until all N are bound and their
 * kthreads sleep, RSS and heap deltas after GC, time to remove all (kthreads gone). In full runs each side runs in
 * a fresh child JVM, 5 per side alternating, median.
 */
final class ManyDevices {
    static final String CHILD_FLAG = "--devices-child";
    private static final String COMPATIBLE = "bench,sleeper";
    private static final String NAME_FMT = "sleeper/%s";
    /** The core logs every add/bind/unbind at INFO; in the child JVMs that would time stderr, not the model. */
    private static final List<String> CHILD_JVM_OPTIONS = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    private ManyDevices() {
    }

    static void run(Config c, Report r) throws Exception {
        int n = c.manyDevices();
        int reps = c.forkIdle() ? 5 : 1;
        IdleThreads.Result[] ks = new IdleThreads.Result[reps], bs = new IdleThreads.Result[reps];
        IdleThreads.Result[] ps = new IdleThreads.Result[reps], qs = new IdleThreads.Result[reps];
        for (int i = 0; i < reps; i++) {
            ks[i] = c.forkIdle() ? IdleThreads.fork(CHILD_JVM_OPTIONS, CHILD_FLAG, "kdrv", n) : measure("kdrv", n);
            qs[i] = c.forkIdle() ? IdleThreads.fork(CHILD_JVM_OPTIONS, CHILD_FLAG, "kdrv-batch", n)
                    : measure("kdrv-batch", n);
            bs[i] = c.forkIdle() ? IdleThreads.fork(CHILD_JVM_OPTIONS, CHILD_FLAG, "kthread", n)
                    : measure("kthread", n);
            ps[i] = c.forkIdle() ? IdleThreads.fork(List.of(), IdleThreads.CHILD_FLAG, "platform", n)
                    : IdleThreads.measure("platform", n);
        }
        IdleThreads.Result k = IdleThreads.median(ks), b = IdleThreads.median(bs), p = IdleThreads.median(ps);
        IdleThreads.Result q = IdleThreads.median(qs);
        String bench = "7 " + n + " devices, 1 kthread each";
        for (String[] base : new String[][] {{"kthread", "Kthread.run, no device model"},
                {"platform", "platform threads in park()"}}) {
            IdleThreads.Result x = base[0].equals("kthread") ? b : p;
            r.add(bench, "bind all, per device", k.createNanos() / n, x.createNanos() / n, base[1], Report.Unit.NANOS);
            r.add(bench, "RSS per bound device", k.rssBytes() / n, x.rssBytes() / n, base[1], Report.Unit.BYTES);
            r.add(bench, "heap per bound device", k.heapBytes() / n, x.heapBytes() / n, base[1], Report.Unit.BYTES);
            r.add(bench, "remove all, per device", k.stopNanos() / n, x.stopNanos() / n, base[1], Report.Unit.NANOS);
        }
        String base = "Kthread.run, no device model";
        r.add(bench, "bind all queued, per device", q.createNanos() / n, b.createNanos() / n, base, Report.Unit.NANOS);
        r.add(bench, "remove all queued, per dev", q.stopNanos() / n, b.stopNanos() / n, base, Report.Unit.NANOS);
        r.add(bench, "bind all, cold JIT, per dev", k.coldCreateNanos() / n, b.coldCreateNanos() / n, base,
                Report.Unit.NANOS);
        r.add(bench, "remove all, cold JIT, per dev", k.coldStopNanos() / n, b.coldStopNanos() / n, base,
                Report.Unit.NANOS);
        if (c.forkIdle()) {
            r.note(bench + ": median of " + reps + " fresh JVMs per side (kdrv, Kthread.run, platform alternating),"
                    + " each after a warm-up of 3 x 200 devices/threads, " + n + " more (the cold JIT rows: the"
                    + " device model's path still compiling, as at boot) and " + IdleThreads.WARM_ROUNDS
                    + " x 1,000 (the JIT has compiled it: the other rows); bind = first addDevice until all N are"
                    + " BOUND and"
                    + " their kthreads sleep; remove = removeDevice of all N until their kthreads have exited; core"
                    + " logging at WARN (at INFO every add/bind/unbind is a log line); one at a time = each"
                    + " addDevice/removeDevice waited for (two thread hand-offs per device); queued = all N nodes"
                    + " handed to the core at once and waited for once, as a board file or Configuration Admin"
                    + " delivers them (KdrvTestBed.addDevices/removeDevices)");
        }
    }

    /** Entry point of a child JVM: {@code --devices-child kdrv|kdrv-batch|kthread N}; prints one result line. */
    static void child(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: " + CHILD_FLAG + " kdrv|kdrv-batch|kthread N, got " + List.of(args));
        }
        System.out.println(measure(args[1], Integer.parseInt(args[2])).encode());
    }

    static IdleThreads.Result measure(String side, int n) throws Exception {
        return switch (side) {
            case "kdrv", "kdrv-batch" -> {
                try (DeviceSide devices = new DeviceSide(side.equals("kdrv-batch"))) {
                    yield IdleThreads.measure(devices::start, n);
                }
            }
            case "kthread" -> IdleThreads.measure(ManyDevices::kthreadGroup, n);
            default -> throw new IllegalArgumentException("side must be kdrv, kdrv-batch or kthread, got '" + side
                    + "'");
        };
    }

    /** The thread every device (and every baseline kthread) runs: sleep in its queue until stopped. */
    private static int sleepUntilStopped(WaitQueue wq) throws InterruptedException {
        wq.waitEventInterruptible(Kthread::shouldStop);
        return 0;
    }

    /** The bench driver: one device-managed kthread per device, stopped by devres on remove. */
    private static final class SleeperDriver implements Driver {
        /** Where probe publishes each device's kthread (node key {@code index}) so the bench can watch it sleep. */
        volatile Kthread[] slots;

        @Override
        public void probe(Device dev) {
            Kthread k = dev.kthreadRun(ManyDevices::sleepUntilStopped, new WaitQueue(), NAME_FMT, dev.name());
            slots[dev.getInt("index")] = k;
        }
    }

    /** A started test bed with the bench driver; each group adds fresh device names. */
    private static final class DeviceSide implements AutoCloseable {
        private final KdrvTestBed bed = KdrvTestBed.builder().leakCheck(false).timeout(Duration.ofSeconds(60)).build();
        private final SleeperDriver driver = new SleeperDriver();
        private final boolean queued;
        private int next;

        /** @param queued all nodes handed over at once (a board file), else one waited-for call per node */
        DeviceSide(boolean queued) {
            this.queued = queued;
            bed.start();
            bed.register(driver, COMPATIBLE);
        }

        IdleThreads.Group start(int n) {
            Kthread[] ks = new Kthread[n];
            String[] names = new String[n];
            driver.slots = ks;
            if (queued) {
                List<Map<String, Object>> nodes = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    names[i] = "dev" + next++;
                    nodes.add(Map.of("name", names[i], "compatible", new String[] {COMPATIBLE}, "index", i));
                }
                List<DeviceInfo> ds = bed.addDevices(nodes);
                for (int i = 0; i < n; i++) {
                    requireBound(ds.get(i), ks[i]);
                }
                return group(ks, () -> bed.removeDevices(List.of(names)));
            }
            for (int i = 0; i < n; i++) {
                names[i] = "dev" + next++;
                requireBound(bed.addDevice(names[i], COMPATIBLE, "index", i), ks[i]);
            }
            return group(ks, () -> {
                for (String name : names) {
                    bed.removeDevice(name);
                }
            });
        }

        private static void requireBound(DeviceInfo d, Kthread k) {
            if (d.state() != DeviceState.BOUND || k == null) {
                throw new IllegalStateException("device " + d.name() + " is " + d.state() + " (" + d.reason()
                        + "), expected BOUND with a kthread");
            }
        }

        @Override
        public void close() {
            bed.close();
        }
    }

    /** The baseline: the same kthreads without the device model. */
    private static IdleThreads.Group kthreadGroup(int n) {
        Kthread[] ks = new Kthread[n];
        for (int i = 0; i < n; i++) {
            ks[i] = Kthread.run(ManyDevices::sleepUntilStopped, new WaitQueue(), NAME_FMT, "dev" + i);
        }
        return group(ks, () -> {
            for (Kthread k : ks) {
                k.stop();
            }
        });
    }

    /** {@code ks} as a group whose stop runs {@code stopAll}, then checks every kthread has exited. */
    private static IdleThreads.Group group(Kthread[] ks, Runnable stopAll) {
        return new IdleThreads.Group() {
            @Override
            public List<Thread> threads() {
                return javaThreads(ks);
            }

            @Override
            public void stop() {
                stopAll.run();
                requireExited(ks);
            }
        };
    }

    private static List<Thread> javaThreads(Kthread[] ks) {
        List<Thread> ts = new ArrayList<>(ks.length);
        for (Kthread k : ks) {
            ts.add(k.javaThread());
        }
        return ts;
    }

    /** Both sides count as stopped only once every kthread has exited (devres stops them on the kdrv side). */
    private static void requireExited(Kthread[] ks) {
        for (Kthread k : ks) {
            if (k.state() != Kthread.State.EXITED) {
                throw new IllegalStateException("kthread " + k.name() + " still " + k.state() + " after stop/remove");
            }
        }
    }
}
