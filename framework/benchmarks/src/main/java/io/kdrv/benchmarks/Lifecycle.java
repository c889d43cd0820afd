package io.kdrv.benchmarks;

import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.ThreadFn;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * 1. kthread life cycle, two variants, each against the same thing done with a raw {@code Thread}:
 * <ul>
 *   <li>1a {@code Kthread.run(fn, ...).stop()} exactly (kthread_stop may overtake the start, then fn is skipped and
 *       stop returns -EINTR: Linux semantics) vs {@code new Thread(r).start(); join()};</li>
 *   <li>1b the function certainly runs: run, wait for the fn's signal (a latch), stop vs start, wait for the same
 *       signal, join.</li>
 * </ul>
 * Both sides name their thread per iteration. Operations alternate one by one (kdrv, raw, kdrv, raw, ...) so that
 * background load on the shared box hits both sides alike.
 */
final class Lifecycle {
    private static final AtomicInteger RAN = new AtomicInteger();
    private static final ThreadFn<Object> FN = d -> {
        RAN.incrementAndGet();
        return 0;
    };
    private static final ThreadFn<CountDownLatch> SIGNAL_FN = d -> {
        d.countDown();
        return 0;
    };
    private static final Runnable RUNNABLE = () -> { };

    private Lifecycle() {
    }

    static void run(Config c, Report r) throws InterruptedException {
        int n = c.lifecycleOps();
        // warm-up: every path compiled before measuring
        for (int i = 0; i < Math.min(n, 300); i++) {
            kdrvStop(i);
            threadJoin(i);
            kdrvSignalled(i);
            threadSignalled(i);
        }
        long[] ka = new long[n], ba = new long[n], kb = new long[n], bb = new long[n];
        RAN.set(0);
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                ka[i] = kdrvStop(i);
                ba[i] = threadJoin(i);
            } else {
                ba[i] = threadJoin(i);
                ka[i] = kdrvStop(i);
            }
        }
        int fnRuns = RAN.get();
        for (int i = 0; i < n; i++) {
            if (i % 2 == 0) {
                kb[i] = kdrvSignalled(i);
                bb[i] = threadSignalled(i);
            } else {
                bb[i] = threadSignalled(i);
                kb[i] = kdrvSignalled(i);
            }
        }
        add(r, "1a Kthread.run().stop()", new Stats(ka), new Stats(ba), "new Thread().start()+join()");
        add(r, "1b run, fn signals, stop", new Stats(kb), new Stats(bb), "start, r signals, join()");
        r.note("1a: the fn ran in " + fnRuns + " of " + n + " kthreads; in the others stop() overtook the start"
                + " (kthread_stop semantics: fn skipped, -EINTR). 1b forces the fn to run on both sides.");
    }

    private static void add(Report r, String bench, Stats k, Stats b, String base) {
        r.add(bench, "p50 per op", k.median(), b.median(), base, Report.Unit.NANOS);
        r.add(bench, "p99 per op", k.pct(99), b.pct(99), base, Report.Unit.NANOS);
        r.add(bench, "mean per op", k.mean(), b.mean(), base, Report.Unit.NANOS);
    }

    private static long kdrvStop(int i) {
        long t = System.nanoTime();
        Kthread.run(FN, null, "bench/%d", i).stop();
        return System.nanoTime() - t;
    }

    private static long threadJoin(int i) throws InterruptedException {
        long t = System.nanoTime();
        Thread th = new Thread(RUNNABLE, "bench-" + i); // baseline only: the JDK floor kdrv builds on
        th.start();
        th.join();
        return System.nanoTime() - t;
    }

    private static long kdrvSignalled(int i) throws InterruptedException {
        long t = System.nanoTime();
        CountDownLatch ran = new CountDownLatch(1);
        Kthread k = Kthread.run(SIGNAL_FN, ran, "bench/%d", i);
        ran.await();
        k.stop();
        return System.nanoTime() - t;
    }

    private static long threadSignalled(int i) throws InterruptedException {
        long t = System.nanoTime();
        CountDownLatch ran = new CountDownLatch(1);
        Thread th = new Thread(ran::countDown, "bench-" + i); // baseline only
        th.start();
        ran.await();
        th.join();
        return System.nanoTime() - t;
    }
}
