package io.kdrv.benchmarks;

import java.util.concurrent.locks.LockSupport;

/**
 * Shared state of a one-way hand-off measurement: the signaller stamps {@link #t0} and publishes sequence number
 * {@link #seq}; the woken side records {@code nanoTime() - t0} and acknowledges with {@link #ack}. The signaller
 * only fires the next sample once the waiter is acknowledged AND blocked again, so every sample measures a wake-up
 * of a sleeping thread, never a spin.
 */
final class Handoff {
    volatile long seq;
    volatile long ack;
    volatile long t0;
    volatile boolean done; // ends a raw (non-kdrv) waiter loop
    volatile Thread waiter; // the thread that sleeps between samples, once known
    final long[] latency;
    int count; // written by the waiting side only, read after the last ack

    Handoff(int samples) {
        latency = new long[samples];
    }

    /** Called on the woken side for sequence {@code s}. */
    void record(long s, long now) {
        if (count < latency.length) {
            latency[count++] = now - t0;
        }
        ack = s;
    }

    /** Waits (politely: short parks, the box has two cores) until sample {@code s} is acknowledged and the waiter sleeps again. */
    void awaitAckAndSleep(long s) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        for (;;) {
            if (ack == s) {
                Thread w = waiter;
                if (w != null && sleeping(w)) {
                    return;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("hand-off " + s + " not acknowledged within 10 s (ack " + ack + ")");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    static boolean sleeping(Thread w) {
        Thread.State st = w.getState();
        return st == Thread.State.WAITING || st == Thread.State.TIMED_WAITING;
    }

    Stats stats() {
        return new Stats(latency, count);
    }
}
