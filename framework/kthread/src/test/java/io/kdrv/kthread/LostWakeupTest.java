package io.kdrv.kthread;

import static io.kdrv.kthread.Await.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.kdrv.kthread.internal.WaitList;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A waiter that leaves on timeout (or interrupt) right after a waker chose it must not take the wake-up with it:
 * the waiter behind it, whose condition is true, has to run. Deterministic reproductions first, then stress tests
 * that race timeouts against wake-ups for a few seconds and fail on the first lost wake-up.
 */
@ExtendWith(NoKthreadLeaks.class)
class LostWakeupTest {
    private static final long STRESS_NANOS = Duration.ofSeconds(3).toNanos();
    /** How long the waiter behind may take to see a true condition before the wake-up counts as lost. */
    private static final Duration LOST_AFTER = Duration.ofSeconds(5);

    /**
     * Waiter A (first in the queue, with a timeout) reads the condition false; the event happens and wakeUp()
     * picks A, which then leaves on its timeout. Reproduced exactly: A's own condition performs the event on its
     * last evaluation (after its deadline), between reading the flag and returning.
     */
    @Test
    @Timeout(60)
    void aWakeUpChosenForALeavingWaiterReachesTheWaiterBehindIt() {
        WaitQueue wq = new WaitQueue();
        AtomicBoolean flag = new AtomicBoolean();
        long aTimeout = Duration.ofMillis(300).toNanos();
        AtomicInteger pastDeadline = new AtomicInteger();
        Kthread a = Kthread.run(d -> {
            long deadline = System.nanoTime() + aTimeout;
            BooleanSupplier cond = () -> {
                boolean v = flag.get();
                // 1st evaluation past the deadline: the one after schedule() returns; 2nd: the last one before
                // the timeout return. The event lands between this read and A's exit.
                if (!v && System.nanoTime() - deadline >= 0 && pastDeadline.incrementAndGet() == 2) {
                    flag.set(true);
                    wq.wakeUp(); // A is queued and sleeping: it is the one chosen
                }
                return v;
            };
            return wq.waitEventTimeout(cond, Duration.ofNanos(aTimeout)) > 0 ? 1 : 0;
        }, null, "lw-a");
        Await.state(a, Kthread.State.SLEEPING);
        Kthread b = Kthread.run(d -> {
            wq.waitEvent(() -> flag.get() || Kthread.shouldStop());
            return flag.get() ? 1 : 0;
        }, null, "lw-b");
        Await.state(b, Kthread.State.SLEEPING);
        Await.exited(a);
        assertEquals(0, a.stop(), "A timed out (its condition read false)");
        assertTrue(pastDeadline.get() >= 2, "the event was injected");
        awaitExitOrLost(b, "wake-up lost to waiter A leaving on timeout");
        assertEquals(1, b.stop());
    }

    /** The same for a waiter that leaves on an interrupt. */
    @Test
    @Timeout(60)
    void aWakeUpChosenForAnInterruptedWaiterReachesTheWaiterBehindIt() {
        WaitQueue wq = new WaitQueue();
        AtomicBoolean flag = new AtomicBoolean();
        AtomicInteger armed = new AtomicInteger(); // evaluations since a.wakeUp(); the event lands on the 2nd
        Kthread a = Kthread.run(d -> {
            BooleanSupplier cond = () -> {
                boolean v = flag.get();
                // 1st evaluation after the wake-up: the one after schedule(); 2nd: the one after re-queueing.
                if (!v && armed.get() > 0 && armed.incrementAndGet() == 3) {
                    flag.set(true);
                    wq.wakeUp();                      // chooses A, queued and sleeping
                    Thread.currentThread().interrupt(); // and A leaves on the interrupt
                }
                return v;
            };
            try {
                wq.waitEventInterruptible(cond);
                return 1;
            } catch (InterruptedException e) {
                return 0;
            }
        }, null, "lw-ia");
        Await.state(a, Kthread.State.SLEEPING);
        Kthread b = Kthread.run(d -> {
            wq.waitEvent(() -> flag.get() || Kthread.shouldStop());
            return flag.get() ? 1 : 0;
        }, null, "lw-ib");
        Await.state(b, Kthread.State.SLEEPING);
        armed.set(1);
        a.wakeUp(); // A re-evaluates: reads false, then the event and the interrupt happen
        Await.exited(a);
        assertEquals(0, a.stop(), "A left on the interrupt");
        awaitExitOrLost(b, "wake-up lost to waiter A leaving on an interrupt");
        assertEquals(1, b.stop());
    }

    /**
     * The exclusive wake-one path under {@link Completion} ({@link WaitList#wakeOne()}): the chosen waiter leaves on
     * its timeout after its last condition check, so it must hand the wake-up to the waiter behind it.
     */
    @Test
    @Timeout(60)
    void wakeOneChosenForALeavingWaiterIsHandedOn() {
        WaitList list = new WaitList();
        AtomicBoolean flag = new AtomicBoolean();
        long aTimeout = Duration.ofMillis(300).toNanos();
        AtomicInteger pastDeadline = new AtomicInteger();
        Kthread a = Kthread.run(d -> {
            long deadline = System.nanoTime() + aTimeout;
            return list.awaitUninterruptibly(() -> {
                boolean v = flag.get();
                if (!v && System.nanoTime() - deadline >= 0 && pastDeadline.incrementAndGet() == 2) {
                    flag.set(true);
                    list.wakeOne(); // chooses A: first in the queue and sleeping
                }
                return v;
            }, aTimeout) > 0 ? 1 : 0;
        }, null, "lw-1a");
        Await.state(a, Kthread.State.SLEEPING);
        Kthread b = Kthread.run(d -> {
            list.awaitUninterruptibly(() -> flag.get() || Kthread.shouldStop(), -1);
            return flag.get() ? 1 : 0;
        }, null, "lw-1b");
        Await.until("B to queue", () -> list.sleepers() == 2);
        Await.exited(a);
        assertEquals(0, a.stop(), "A timed out (its condition read false)");
        awaitExitOrLost(b, "wakeOne() lost to waiter A leaving on timeout");
        assertEquals(1, b.stop());
    }

    /** The same for a waiter that leaves the exclusive path on an interrupt. */
    @Test
    @Timeout(60)
    void wakeOneChosenForAnInterruptedWaiterIsHandedOn() {
        WaitList list = new WaitList();
        AtomicBoolean flag = new AtomicBoolean();
        AtomicInteger armed = new AtomicInteger();
        Kthread a = Kthread.run(d -> {
            try {
                list.awaitInterruptibly(() -> {
                    boolean v = flag.get();
                    if (!v && armed.get() > 0 && armed.incrementAndGet() == 3) {
                        flag.set(true);
                        list.wakeOne();
                        Thread.currentThread().interrupt();
                    }
                    return v;
                }, -1);
                return 1;
            } catch (InterruptedException e) {
                return 0;
            }
        }, null, "lw-1ia");
        Await.state(a, Kthread.State.SLEEPING);
        Kthread b = Kthread.run(d -> {
            list.awaitUninterruptibly(() -> flag.get() || Kthread.shouldStop(), -1);
            return flag.get() ? 1 : 0;
        }, null, "lw-1ib");
        Await.until("B to queue", () -> list.sleepers() == 2);
        armed.set(1);
        a.wakeUp();
        Await.exited(a);
        assertEquals(0, a.stop(), "A left on the interrupt");
        awaitExitOrLost(b, "wakeOne() lost to waiter A leaving on an interrupt");
        assertEquals(1, b.stop());
    }

    /**
     * Completion: A (~200 µs timeout) queued first, B (no timeout) behind it, complete() close to A's timeout.
     * Each round: exactly one of them consumes the completion; if A timed out, B must pass.
     */
    @Test
    @Timeout(120)
    void completionRacingATimeoutNeverStrandsTheWaiterBehind() {
        long end = System.nanoTime() + STRESS_NANOS;
        int rounds = 0, aWon = 0, raced = 0;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (System.nanoTime() - end < 0 || rounds < 50) {
            rounds++;
            Completion c = new Completion();
            Completion bQueued = new Completion();
            AtomicInteger aResult = new AtomicInteger(-1);
            java.util.concurrent.atomic.AtomicLong aDeadline = new java.util.concurrent.atomic.AtomicLong();
            long aTimeout = 200_000 + rnd.nextLong(100_000);
            // B is started first but waits for its go so that A is queued first.
            Kthread b = Kthread.run(d -> {
                bQueued.waitForCompletion();
                c.waitForCompletion();
                return Kthread.shouldStop() ? 0 : 1;
            }, null, "lw-cb");
            Await.state(b, Kthread.State.SLEEPING);
            Kthread a = Kthread.run(d -> {
                bQueued.complete(); // B queues behind us while we wait
                aDeadline.set(System.nanoTime() + aTimeout);
                boolean ok = c.waitForCompletionTimeout(Duration.ofNanos(aTimeout));
                aResult.set(ok ? 1 : 0);
                return 0;
            }, null, "lw-ca");
            // Aim the complete() at A's deadline, give or take, so that some rounds hit the race window.
            while (aDeadline.get() == 0) {
                Thread.onSpinWait();
            }
            long aim = aDeadline.get() + rnd.nextLong(-20_000, 60_000);
            while (System.nanoTime() - aim < 0) {
                Thread.onSpinWait();
            }
            c.complete();
            Await.exited(a);
            a.stop();
            if (aResult.get() == 1) {
                aWon++;
                assertFalse(c.completionDone(), "A consumed the only completion");
                c.complete(); // B's turn
            } else if (aResult.get() == 0) {
                raced++;
            }
            awaitExitOrLost(b, () -> "A timed out without consuming, completionDone()="
                    + c.completionDone() + ", B still sleeps");
            assertEquals(1, b.stop());
            assertFalse(c.completionDone(), "every complete() was consumed exactly once");
        }
        System.out.printf("completion race: %d rounds, A consumed %d, A timed out %d%n", rounds, aWon, raced);
    }

    /** WaitQueue: the same race with a shared flag and wakeUp(). */
    @Test
    @Timeout(120)
    void waitQueueRacingATimeoutNeverStrandsTheWaiterBehind() {
        long end = System.nanoTime() + STRESS_NANOS;
        int rounds = 0;
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        while (System.nanoTime() - end < 0 || rounds < 50) {
            rounds++;
            WaitQueue wq = new WaitQueue();
            AtomicBoolean flag = new AtomicBoolean();
            Completion bGo = new Completion();
            long aTimeout = 200_000 + rnd.nextLong(300_000);
            Kthread b = Kthread.run(d -> {
                bGo.waitForCompletion();
                wq.waitEvent(() -> flag.get() || Kthread.shouldStop());
                return flag.get() ? 1 : 0;
            }, null, "lw-wb");
            Await.state(b, Kthread.State.SLEEPING);
            Kthread a = Kthread.run(d -> {
                bGo.complete();
                wq.waitEventTimeout(flag::get, Duration.ofNanos(aTimeout));
                return 0;
            }, null, "lw-wa");
            long aim = System.nanoTime() + aTimeout + rnd.nextLong(-100_000, 200_000);
            while (System.nanoTime() - aim < 0) {
                Thread.onSpinWait();
            }
            flag.set(true);
            wq.wakeUp();
            awaitExitOrLost(b, () -> "flag set and wakeUp() called, B still sleeps: B " + b.state() + ", A "
                    + a.state() + ", waiters " + wq.waiterCount() + ", B stack "
                    + java.util.Arrays.toString(b.javaThread().getStackTrace()));
            assertEquals(1, b.stop());
            Await.exited(a);
            a.stop();
        }
    }

    private static void awaitExitOrLost(Kthread k, String lost) {
        awaitExitOrLost(k, () -> lost);
    }

    private static void awaitExitOrLost(Kthread k, java.util.function.Supplier<String> lost) {
        long deadline = System.nanoTime() + LOST_AFTER.toNanos();
        while (k.state() != Kthread.State.EXITED) {
            if (System.nanoTime() - deadline > 0) {
                String why = lost.get();
                k.stop(); // release it (its condition includes shouldStop) before failing
                fail(why + " (" + k.name() + ")");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(100_000); // poll interval
        }
        assertTrue(TIMEOUT.compareTo(LOST_AFTER) >= 0);
    }
}
