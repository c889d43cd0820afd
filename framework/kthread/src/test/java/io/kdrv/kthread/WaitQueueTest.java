package io.kdrv.kthread;

import static io.kdrv.kthread.Await.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoKthreadLeaks.class)
class WaitQueueTest {

    @Test
    void timeoutReturnsZeroWhenTheConditionStaysFalse() throws InterruptedException {
        WaitQueue wq = new WaitQueue();
        long start = System.nanoTime();
        assertEquals(0, wq.waitEventInterruptibleTimeout(() -> false, Duration.ofMillis(50)));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(50).toNanos(), "waited the whole timeout");
        assertEquals(0, wq.waitEventInterruptibleTimeout(() -> false, Duration.ZERO));
        assertEquals(0, wq.waitEventInterruptibleTimeout(() -> false, Duration.ofMillis(-5)));
        assertEquals(0, wq.waiterCount(), "a timed-out waiter leaves the queue");
    }

    @Test
    void aTrueConditionReturnsTheRemainingTimeAtLeastOne() throws InterruptedException {
        WaitQueue wq = new WaitQueue();
        long remaining = wq.waitEventInterruptibleTimeout(() -> true, TIMEOUT);
        assertTrue(remaining > 0 && remaining <= TIMEOUT.toNanos(), Long.toString(remaining));
        assertEquals(1, wq.waitEventInterruptibleTimeout(() -> true, Duration.ZERO), "true even with no time left");
        wq.waitEventInterruptible(() -> true); // returns at once
    }

    @Test
    void aConditionMadeTrueBeforeWakeUpEndsTheWaitWithTimeLeft() {
        WaitQueue wq = new WaitQueue();
        AtomicBoolean ready = new AtomicBoolean();
        AtomicLong result = new AtomicLong(-1);
        Kthread k = Kthread.run(d -> {
            result.set(wq.waitEventInterruptibleTimeout(ready::get, TIMEOUT));
            return 0;
        }, null, "wq-timeout");
        Await.until("the waiter to queue", () -> wq.waiterCount() == 1);
        ready.set(true);
        wq.wakeUp();
        Await.exited(k);
        assertEquals(0, k.stop());
        assertTrue(result.get() > 0, "remaining " + result.get());
    }

    @Test
    void wakeUpWakesEveryWaiterAndOnlyThoseWhoseConditionIsTruePass() {
        WaitQueue wq = new WaitQueue();
        WaitQueue parking = new WaitQueue();
        AtomicBoolean[] go = {new AtomicBoolean(), new AtomicBoolean(), new AtomicBoolean()};
        List<Integer> passed = new ArrayList<>();
        List<Kthread> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int id = i;
            waiters.add(Kthread.run(d -> {
                wq.waitEventInterruptible(go[id]::get);
                synchronized (passed) {
                    passed.add(id);
                }
                parking.waitEventInterruptible(Kthread::shouldStop);
                return 0;
            }, null, "wq-waiter/%d", i));
            int queued = i + 1;
            Await.until("waiter " + i + " to queue", () -> wq.waiterCount() == queued);
        }
        long[] wakeups = waiters.stream().mapToLong(Kthread::wakeups).toArray();

        go[1].set(true);
        wq.wakeUp();
        Await.until("waiter 1 to pass", () -> size(passed) == 1);
        assertEquals(List.of(1), snapshot(passed));
        // wake_up: every waiter was woken and re-evaluated its condition; the other two went back to sleep.
        for (int i : new int[] {0, 2}) {
            Kthread k = waiters.get(i);
            long before = wakeups[i];
            Await.until(k.name() + " to be woken and asleep again",
                    () -> k.wakeups() > before && k.state() == Kthread.State.SLEEPING);
        }
        Await.until("two waiters queued again", () -> wq.waiterCount() == 2);
        assertEquals(1, size(passed), "a false condition does not let a woken waiter through");

        go[0].set(true);
        go[2].set(true);
        wq.wakeUpAll();
        Await.until("all waiters to pass", () -> size(passed) == 3);
        assertEquals(0, wq.waiterCount());
        for (Kthread k : waiters) {
            assertEquals(0, k.stop());
        }
    }

    @Test
    void wakingAnEmptyQueueIsANoOp() {
        WaitQueue wq = new WaitQueue();
        wq.wakeUp();
        wq.wakeUpAll();
        assertEquals(0, wq.waiterCount());
    }

    @Test
    void stopWakesAWaiterWhoseConditionIncludesShouldStop() throws KthreadStopTimeoutException {
        WaitQueue wq = new WaitQueue();
        Kthread k = Kthread.run(d -> {
            wq.waitEventInterruptible(Kthread::shouldStop);
            return 11;
        }, null, "wq-stop");
        Await.state(k, Kthread.State.SLEEPING);
        assertEquals(11, k.stop(TIMEOUT));
        assertEquals(0, wq.waiterCount());
    }

    @Test
    void aConditionWithoutShouldStopSleepsAgainAfterStopLikeLinux() throws KthreadStopTimeoutException {
        WaitQueue wq = new WaitQueue();
        AtomicBoolean event = new AtomicBoolean();
        AtomicInteger checks = new AtomicInteger();
        Kthread k = Kthread.run(d -> {
            wq.waitEventInterruptible(() -> {
                checks.incrementAndGet();
                return event.get();
            });
            return 12;
        }, null, "wq-no-stop-cond");
        Await.until("the waiter to queue", () -> wq.waiterCount() == 1 && k.state() == Kthread.State.SLEEPING);
        int before = checks.get();

        assertThrows(KthreadStopTimeoutException.class, () -> k.stop(Duration.ofMillis(100)));
        Await.until("stop() to wake it so the condition is re-evaluated", () -> checks.get() > before);
        Await.until("it to sleep again", () -> wq.waiterCount() == 1 && k.state() == Kthread.State.STUCK
                && k.exitCode().isEmpty());

        event.set(true);
        wq.wakeUp();
        assertEquals(12, k.stop(TIMEOUT));
    }

    @Test
    void anInterruptEndsAWaitWithInterruptedExceptionButATrueConditionWins() throws InterruptedException {
        WaitQueue wq = new WaitQueue();
        Thread.currentThread().interrupt();
        wq.waitEventInterruptible(() -> true);
        assertTrue(Thread.interrupted(), "status kept when the condition was already true");

        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> wq.waitEventInterruptible(() -> false));
        assertTrue(!Thread.currentThread().isInterrupted(), "status cleared by the exception");
        assertEquals(0, wq.waiterCount());

        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> wq.waitEventInterruptibleTimeout(() -> false, TIMEOUT));
    }

    @Test
    void theUninterruptibleWaitsIgnoreAnInterruptAndKeepIt() {
        WaitQueue wq = new WaitQueue();
        Thread.currentThread().interrupt();
        assertEquals(0, wq.waitEventTimeout(() -> false, Duration.ofMillis(30)), "waits out its timeout");
        assertTrue(Thread.interrupted(), "interrupt status set again on return");
        assertEquals(0, wq.waiterCount());
    }

    @Test
    void anInterruptDuringWaitEventDoesNotEndIt() {
        WaitQueue wq = new WaitQueue();
        java.util.concurrent.atomic.AtomicBoolean flag = new java.util.concurrent.atomic.AtomicBoolean();
        Completion returned = new Completion();
        Kthread k = Kthread.run(d -> {
            wq.waitEvent(() -> flag.get() || Kthread.shouldStop());
            returned.complete();
            return Thread.currentThread().isInterrupted() ? 1 : 0;
        }, null, "wq-unintr");
        Await.state(k, Kthread.State.SLEEPING);
        k.javaThread().interrupt();
        assertFalse(returned.waitForCompletionTimeout(Duration.ofMillis(100)), "the interrupt ended the wait");
        flag.set(true);
        wq.wakeUp();
        Await.exited(k);
        assertEquals(1, k.stop(), "the interrupt status is re-asserted on return");
    }

    private static int size(List<Integer> list) {
        synchronized (list) {
            return list.size();
        }
    }

    private static List<Integer> snapshot(List<Integer> list) {
        synchronized (list) {
            return List.copyOf(list);
        }
    }
}
