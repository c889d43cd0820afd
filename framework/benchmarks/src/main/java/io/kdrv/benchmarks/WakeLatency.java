package io.kdrv.benchmarks;

import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.WaitQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * 3. Wake latency: {@code WaitQueue.wakeUp()} on a kthread sleeping in {@code waitEventInterruptible} until that
 * kthread runs after its wait, against the JVM floor: {@code LockSupport.unpark} of a thread in
 * {@code LockSupport.park}. Both waiters are kthreads and live at the same time; samples alternate between them one
 * by one, so background load hits both sides alike. Only the sleeping mechanism differs.
 */
final class WakeLatency {
    private WakeLatency() {
    }

    /** A waiter kthread and how to wake it. */
    record Side(Handoff h, Kthread k, Runnable signal, Runnable end) {
        void close() {
            end.run();
            k.stop();
        }
    }

    /**
     * Runs both sides in {@code rounds} rounds; each figure is the median over the rounds of that round's
     * percentile. Returns the floor's figures for reuse by the IRQ benchmark.
     */
    static Stats.Pcts run(Config c, Report r) throws Exception {
        int per = c.wakeSamples() / c.rounds();
        Side wq = waitQueueSide(per);
        Side floor = floorSide(per);
        List<Stats.Pcts> ks = new ArrayList<>(), bs = new ArrayList<>();
        try {
            alternate(Math.min(per, 2_000), wq, floor); // warm-up: both paths compiled
            for (int round = 0; round < c.rounds(); round++) {
                wq.h().count = 0;
                floor.h().count = 0;
                alternate(per, wq, floor);
                ks.add(wq.h().stats().pcts());
                bs.add(floor.h().stats().pcts());
            }
        } finally {
            wq.close();
            floor.close();
        }
        Stats.Pcts k = Stats.Pcts.medianOf(ks), b = Stats.Pcts.medianOf(bs);
        String bench = "3 wake latency";
        String base = "LockSupport unpark->park";
        for (int i = 0; i < 3; i++) {
            r.add(bench, Stats.Pcts.NAMES[i], k.get(i), b.get(i), base, Report.Unit.NANOS);
        }
        if (c.rounds() > 1) {
            r.note(bench + ": " + c.rounds() + " rounds of " + per + " samples per side; each figure is the median"
                    + " of the rounds' percentiles");
        }
        return b;
    }

    /** The floor alone (when benchmark 3 did not run but 4 needs it). */
    static Stats.Pcts floor(Config c) throws Exception {
        int per = c.wakeSamples() / c.rounds();
        Side floor = floorSide(per);
        List<Stats.Pcts> bs = new ArrayList<>();
        try {
            alternate(Math.min(per, 2_000), floor);
            for (int round = 0; round < c.rounds(); round++) {
                floor.h().count = 0;
                alternate(per, floor);
                bs.add(floor.h().stats().pcts());
            }
        } finally {
            floor.close();
        }
        return Stats.Pcts.medianOf(bs);
    }

    static Side waitQueueSide(int n) {
        Handoff h = new Handoff(n);
        WaitQueue wq = new WaitQueue();
        Kthread k = Kthread.create(d -> {
            h.waiter = Thread.currentThread();
            long[] seen = {0};
            BooleanSupplier cond = () -> h.seq != seen[0] || Kthread.shouldStop();
            for (;;) {
                wq.waitEventInterruptible(cond);
                long now = System.nanoTime();
                if (Kthread.shouldStop()) {
                    return 0;
                }
                long s = h.seq;
                seen[0] = s;
                h.record(s, now);
            }
        }, null, "bench/wq");
        startOnLastCpu(k);
        return new Side(h, k, wq::wakeUp, () -> { });
    }

    static Side floorSide(int n) {
        Handoff h = new Handoff(n);
        Kthread k = Kthread.create(d -> {
            h.waiter = Thread.currentThread();
            long seen = 0;
            for (;;) {
                while (h.seq == seen && !h.done) {
                    LockSupport.park(h);
                }
                long now = System.nanoTime();
                if (h.done) {
                    return 0;
                }
                seen = h.seq;
                h.record(seen, now);
            }
        }, null, "bench/park");
        startOnLastCpu(k);
        // a raw park loop does not see kdrv's should-stop wake-up: it is ended by hand
        return new Side(h, k, () -> LockSupport.unpark(h.waiter), () -> {
            h.done = true;
            LockSupport.unpark(h.waiter);
        });
    }

    /**
     * Both waiters sleep and wake on the same CPU (the last one). Unbound, the scheduler keeps each thread where it
     * last ran, and on this virtual machine waking a thread whose (virtual) CPU is idle costs some 40 us more than
     * waking one that shares the waker's CPU: which side got which CPU then decided the comparison (seen: 41 us
     * vs 2.3 us in one run, parity in the next). Binding takes placement out of the comparison.
     */
    static void startOnLastCpu(Kthread k) {
        k.bind(Runtime.getRuntime().availableProcessors() - 1);
        k.wakeUp();
    }

    /** n samples on each side, alternating side by side. */
    static void alternate(int n, Side... sides) {
        for (Side s : sides) {
            awaitFirstSleep(s.h());
        }
        for (int i = 0; i < n; i++) {
            for (Side s : sides) {
                fire(s.h(), s.signal());
            }
        }
    }

    static void awaitFirstSleep(Handoff h) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (h.waiter == null || !Handoff.sleeping(h.waiter)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waiter never went to sleep");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    /** One sample: stamp, publish, signal, wait for the ack and for the waiter to sleep again. */
    static void fire(Handoff h, Runnable signal) {
        long s = h.seq + 1;
        h.t0 = System.nanoTime();
        h.seq = s;
        signal.run();
        h.awaitAckAndSleep(s);
    }
}
