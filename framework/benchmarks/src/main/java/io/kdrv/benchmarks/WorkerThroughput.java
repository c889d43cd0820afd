package io.kdrv.benchmarks;

import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadWork;
import io.kdrv.kthread.KthreadWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;

/**
 * 2. KthreadWorker throughput: P producer kthreads queue distinct work items (pre-allocated, so allocation is not
 * measured) and the clock stops when the worker has run them all ({@code flushWorker()}); against a
 * single-thread executor fed the same way (clock stops when a last submitted task's future completes). The
 * executor is a baseline only: kdrv code never uses executors.
 */
final class WorkerThroughput {
    private WorkerThroughput() {
    }

    /** Incremented only on the single consumer thread; read after a flush (happens-before via the flush). */
    static final class Counter {
        long n;

        void inc() {
            n++;
        }
    }

    static void run(Config c, Report r) throws Exception {
        for (int producers : new int[] {1, 4}) {
            int items = c.workerItems() / producers * producers;
            // warm-up
            kdrv(producers, Math.min(items, 50_000));
            executor(producers, Math.min(items, 50_000));
            long[] k = new long[c.workerRuns()];
            long[] b = new long[c.workerRuns()];
            for (int i = 0; i < c.workerRuns(); i++) {
                if (i % 2 == 0) {
                    k[i] = kdrv(producers, items);
                    b[i] = executor(producers, items);
                } else {
                    b[i] = executor(producers, items);
                    k[i] = kdrv(producers, items);
                }
            }
            Stats ks = new Stats(k), bs = new Stats(b);
            String bench = "2 worker, " + producers + " producer" + (producers > 1 ? "s" : "");
            String base = "newSingleThreadExecutor";
            r.add(bench, "median items/s", items * 1e9 / ks.median(), items * 1e9 / bs.median(), base,
                    Report.Unit.OPS_PER_SEC);
            r.add(bench, "median ns/item", (double) ks.median() / items, (double) bs.median() / items, base,
                    Report.Unit.NANOS);
        }
    }

    /** @return nanoseconds from the producers' start to the worker having run every item */
    static long kdrv(int producers, int items) throws Exception {
        Counter counter = new Counter();
        KthreadWork[] works = new KthreadWork[items];
        for (int i = 0; i < items; i++) {
            works[i] = new KthreadWork(counter::inc);
        }
        KthreadWorker worker = KthreadWorker.create("bench/worker");
        try {
            long t = produce(producers, items, i -> {
                if (!worker.queueWork(works[i])) {
                    throw new AssertionError("distinct work item reported pending");
                }
            });
            worker.flushWorker();
            long elapsed = System.nanoTime() - t;
            check(counter, items);
            return elapsed;
        } finally {
            worker.destroy();
        }
    }

    /** @return nanoseconds from the producers' start to the executor having run every item */
    static long executor(int producers, int items) throws Exception {
        Counter counter = new Counter();
        Runnable[] tasks = new Runnable[items];
        for (int i = 0; i < items; i++) {
            tasks[i] = counter::inc;
        }
        ExecutorService ex = Executors.newSingleThreadExecutor(); // baseline only
        try {
            long t = produce(producers, items, i -> ex.execute(tasks[i]));
            ex.submit(() -> { }).get();
            long elapsed = System.nanoTime() - t;
            check(counter, items);
            return elapsed;
        } catch (ExecutionException e) {
            throw new AssertionError(e);
        } finally {
            ex.shutdown();
        }
    }

    private static void check(Counter counter, int items) {
        if (counter.n != items) {
            throw new AssertionError("ran " + counter.n + " of " + items + " items");
        }
    }

    /**
     * Starts {@code producers} kthreads that each submit an equal slice of item indices, releases them together
     * and waits until all have submitted.
     *
     * @return the release time (System.nanoTime)
     */
    private static long produce(int producers, int items, IntConsumer submit) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(producers);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(producers);
        int slice = items / producers;
        List<Kthread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int from = p * slice;
            threads.add(Kthread.run(d -> {
                ready.countDown();
                go.await();
                for (int i = from; i < from + slice; i++) {
                    submit.accept(i);
                }
                done.countDown();
                return 0;
            }, null, "bench/prod%d", p));
        }
        ready.await(); // thread start-up is not part of the figure
        long t = System.nanoTime();
        go.countDown();
        done.await();
        for (Kthread k : threads) {
            k.stop();
        }
        return t;
    }
}
