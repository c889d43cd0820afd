package io.kdrv.benchmarks;

import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.WaitQueue;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;

/**
 * 6. N idle kthreads, each sleeping in {@code WaitQueue.waitEventInterruptible(Kthread::shouldStop)} on one shared
 * queue, against N platform threads in {@code LockSupport.park}: time to create them all until every one sleeps,
 * resident memory (VmRSS delta / N) and heap (used after GC, delta / N) per idle thread, and time to stop them all.
 * Each side runs in a fresh child JVM (same class path and flags) so that glibc's cached thread stacks and the
 * heap of one side do not flatter the other.
 */
final class IdleThreads {
    static final String CHILD_FLAG = "--idle-child";

    private IdleThreads() {
    }

    /**
     * One side's figures for N threads (nanoseconds and bytes, totals for all N): {@code create}/{@code stop} at
     * steady state (the JIT has compiled the path), {@code coldCreate}/{@code coldStop} and the memory deltas for
     * the first N right after the short warm-up (the path still interpreted or compiling, as at a service's boot).
     */
    record Result(double createNanos, double rssBytes, double heapBytes, double stopNanos, double coldCreateNanos,
            double coldStopNanos) {
        static final String PREFIX = "IDLE-RESULT ";

        String encode() {
            return PREFIX + createNanos + " " + rssBytes + " " + heapBytes + " " + stopNanos + " " + coldCreateNanos
                    + " " + coldStopNanos;
        }

        static Result decode(String line) {
            String[] f = line.trim().split(" ");
            return new Result(Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]));
        }
    }

    static void run(Config c, Report r) throws Exception {
        int n = c.idleThreads();
        // five fresh JVMs per side, alternating; the median of each figure
        int reps = c.forkIdle() ? 5 : 1;
        Result[] ks = new Result[reps], bs = new Result[reps];
        for (int i = 0; i < reps; i++) {
            ks[i] = c.forkIdle() ? fork("kdrv", n) : measure("kdrv", n);
            bs[i] = c.forkIdle() ? fork("platform", n) : measure("platform", n);
        }
        Result k = median(ks), b = median(bs);
        String bench = "6 " + n + " idle threads";
        String base = "platform threads in park()";
        r.add(bench, "create all, per thread", k.createNanos / n, b.createNanos / n, base, Report.Unit.NANOS);
        r.add(bench, "RSS per idle thread", k.rssBytes / n, b.rssBytes / n, base, Report.Unit.BYTES);
        r.add(bench, "heap per idle thread", k.heapBytes / n, b.heapBytes / n, base, Report.Unit.BYTES);
        r.add(bench, "stop all, per thread", k.stopNanos / n, b.stopNanos / n, base, Report.Unit.NANOS);
        if (c.forkIdle()) {
            r.note(bench + ": median of " + reps + " fresh JVMs per side (alternating), each after a warm-up of"
                    + " 3 x 200 threads, " + n + " more and " + WARM_ROUNDS + " x 1,000 (see IdleThreads.measure);"
                    + " RSS is the VmRSS delta, heap the used-heap delta after System.gc()");
        }
    }

    static Result median(Result[] rs) {
        return new Result(med(rs, Result::createNanos), med(rs, Result::rssBytes), med(rs, Result::heapBytes),
                med(rs, Result::stopNanos), med(rs, Result::coldCreateNanos), med(rs, Result::coldStopNanos));
    }

    private static double med(Result[] rs, java.util.function.ToDoubleFunction<Result> f) {
        double[] v = new double[rs.length];
        for (int i = 0; i < rs.length; i++) {
            v[i] = f.applyAsDouble(rs[i]);
        }
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }

    /** Entry point of the child JVM: {@code --idle-child kdrv|platform N}; prints one result line. */
    static void child(String side, int n) throws Exception {
        System.out.println(measure(side, n).encode());
    }

    private static Result fork(String side, int n) throws Exception {
        return fork(List.of(), CHILD_FLAG, side, n);
    }

    /**
     * Runs {@code Main childFlag side n} in a fresh JVM (same class path, {@code jvmOptions} added) and decodes the
     * {@link Result} line it prints (also used by benchmark 7).
     */
    static Result fork(List<String> jvmOptions, String childFlag, String side, int n) throws Exception {
        return Result.decode(ChildJvm.run(jvmOptions, List.of(childFlag, side, Integer.toString(n)), Result.PREFIX));
    }

    static Result measure(String side, int n) throws Exception {
        return measure(side.equals("kdrv") ? IdleThreads::kdrvGroup : IdleThreads::platformGroup, n);
    }

    /** Starts {@code n} threads that go to sleep; {@link Group#stop()} ends them all. */
    @FunctionalInterface
    interface GroupFactory {
        Group start(int n) throws Exception;
    }

    /** Warm-up rounds after the cold figure, each of min(N, 1,000): C2 compiles a method after about 5,000 calls. */
    static final int WARM_ROUNDS = 4;

    /**
     * The protocol of one side (also benchmark 7's): a short warm-up (class loading, FFM linking), then the cold
     * round: time until {@code n} threads all sleep, RSS and heap deltas after GC, time to stop them all; then
     * {@link #WARM_ROUNDS} more rounds so the JIT has compiled the path, then the steady round, timed the same way.
     * On a short path (a bare thread start, warm after a few hundred calls) both rounds take the same time; a long
     * path (the device model: matching, probe, devres, state changes) is still compiling in the cold round, so only
     * the steady round times the path's cost per thread. Memory is taken from the cold round: after the long
     * warm-up the allocator and the heap hand back memory while the steady round runs.
     */
    static Result measure(GroupFactory factory, int n) throws Exception {
        for (int i = 0; i < 3; i++) {
            Group warm = factory.start(Math.min(n, 200));
            warm.awaitAllSleeping();
            warm.stop();
        }
        settle();
        long rss0 = rssBytes(), heap0 = heapUsed();
        long c0 = System.nanoTime();
        Group cold = factory.start(n);
        cold.awaitAllSleeping();
        long coldCreated = System.nanoTime() - c0;
        settle();
        long rss1 = rssBytes(), heap1 = heapUsed();
        long c1 = System.nanoTime();
        cold.stop();
        long coldStopped = System.nanoTime() - c1;
        for (int i = 0; i < WARM_ROUNDS; i++) {
            Group warm = factory.start(Math.min(n, 1000));
            warm.awaitAllSleeping();
            warm.stop();
        }
        settle();
        long t0 = System.nanoTime();
        Group g = factory.start(n);
        g.awaitAllSleeping();
        long created = System.nanoTime() - t0;
        long t1 = System.nanoTime();
        g.stop();
        long stopped = System.nanoTime() - t1;
        return new Result(created, rss1 - rss0, heap1 - heap0, stopped, coldCreated, coldStopped);
    }

    /** A set of started idle threads. */
    interface Group {
        List<Thread> threads();

        void stop() throws Exception;

        default void awaitAllSleeping() {
            long deadline = System.nanoTime() + 60_000_000_000L;
            for (Thread t : threads()) {
                while (t == null || !Handoff.sleeping(t)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("idle thread " + t + " never went to sleep");
                    }
                    LockSupport.parkNanos(100_000);
                }
            }
        }
    }

    private static Group kdrvGroup(int n) {
        WaitQueue wq = new WaitQueue();
        List<Kthread> ks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ks.add(Kthread.run(d -> {
                wq.waitEventInterruptible(Kthread::shouldStop);
                return 0;
            }, null, "idle/%d", i));
        }
        return new Group() {
            @Override
            public List<Thread> threads() {
                List<Thread> ts = new ArrayList<>(n);
                for (Kthread k : ks) {
                    ts.add(k.javaThread());
                }
                return ts;
            }

            @Override
            public void stop() {
                for (Kthread k : ks) {
                    k.stop();
                }
            }
        };
    }

    private static Group platformGroup(int n) {
        boolean[] done = {false};
        Object lock = new Object();
        List<Thread> ts = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> { // baseline only: what kdrv's kthreads are built on
                for (;;) {
                    synchronized (lock) {
                        if (done[0]) {
                            return;
                        }
                    }
                    LockSupport.park(lock);
                }
            }, "idle-" + i);
            t.start();
            ts.add(t);
        }
        return new Group() {
            @Override
            public List<Thread> threads() {
                return ts;
            }

            @Override
            public void stop() throws InterruptedException {
                synchronized (lock) {
                    done[0] = true;
                }
                for (Thread t : ts) {
                    LockSupport.unpark(t);
                    t.join();
                }
            }
        };
    }

    private static void settle() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** VmRSS of this process from /proc/self/status, in bytes; 0 where there is no /proc. */
    static long rssBytes() {
        Map<String, String> status = procStatus();
        String v = status.get("VmRSS");
        return v == null ? 0 : Long.parseLong(v.replace("kB", "").trim()) * 1024;
    }

    private static Map<String, String> procStatus() {
        Map<String, String> m = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    m.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
        } catch (IOException e) {
            // not Linux: no RSS figure
        }
        return m;
    }
}
