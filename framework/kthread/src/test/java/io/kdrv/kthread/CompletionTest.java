package io.kdrv.kthread;

import static io.kdrv.kthread.Await.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoKthreadLeaks.class)
class CompletionTest {

    @Test
    void completeTwiceLetsExactlyTwoWaitsPass() throws InterruptedException {
        Completion c = new Completion();
        assertFalse(c.completionDone());
        c.complete();
        c.complete();
        assertTrue(c.completionDone());
        assertTrue(c.waitForCompletionTimeout(Duration.ZERO));
        c.waitForCompletion();
        assertFalse(c.completionDone());
        assertFalse(c.tryWaitForCompletion());
        assertFalse(c.waitForCompletionTimeout(Duration.ofMillis(20)), "a third wait times out");
    }

    @Test
    void eachCompleteWakesOneSleepingWaiter() {
        Completion c = new Completion();
        AtomicInteger passed = new AtomicInteger();
        List<Kthread> waiters = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            waiters.add(Kthread.run(d -> {
                c.waitForCompletion();
                passed.incrementAndGet();
                return 0;
            }, null, "cmp-waiter/%d", i));
        }
        for (Kthread k : waiters) {
            Await.state(k, Kthread.State.SLEEPING);
        }

        c.complete();
        Await.until("one waiter to pass", () -> passed.get() == 1);
        assertEquals(1, waiters.stream().filter(k -> k.state() == Kthread.State.SLEEPING).count(),
                "the other one still sleeps");
        c.complete();
        Await.until("both waiters to pass", () -> passed.get() == 2);
        for (Kthread k : waiters) {
            Await.exited(k);
            assertEquals(0, k.stop());
        }
        assertFalse(c.completionDone(), "both completions consumed");
    }

    @Test
    void completeAllReleasesEveryWaitUntilReinit() throws InterruptedException {
        Completion c = new Completion();
        AtomicInteger passed = new AtomicInteger();
        List<Kthread> waiters = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiters.add(Kthread.run(d -> {
                c.waitForCompletion();
                passed.incrementAndGet();
                return 0;
            }, null, "cmp-all/%d", i));
        }
        for (Kthread k : waiters) {
            Await.state(k, Kthread.State.SLEEPING);
        }
        c.completeAll();
        Await.until("all waiters to pass", () -> passed.get() == 3);
        for (Kthread k : waiters) {
            Await.exited(k);
            assertEquals(0, k.stop());
        }
        for (int i = 0; i < 5; i++) {
            assertTrue(c.tryWaitForCompletion(), "completeAll is not consumed");
        }
        c.waitForCompletion();
        c.complete(); // no effect on "all"
        assertTrue(c.completionDone());

        c.reinit();
        assertFalse(c.completionDone());
        assertFalse(c.tryWaitForCompletion());
        assertFalse(c.waitForCompletionTimeout(Duration.ofMillis(10)));
    }

    @Test
    void aCompletionFromAnotherThreadEndsATimedWait() {
        Completion c = new Completion();
        Kthread k = Kthread.run(d -> c.waitForCompletionTimeout(TIMEOUT) ? 1 : 0, null, "cmp-timed");
        Await.state(k, Kthread.State.SLEEPING);
        c.complete();
        Await.exited(k);
        assertEquals(1, k.stop());
    }

    @Test
    void stopWakesAKthreadWaitingForCompletionWithoutConsuming() {
        Completion c = new Completion();
        Kthread plain = Kthread.run(d -> {
            c.waitForCompletion();
            return Kthread.shouldStop() ? 1 : 0;
        }, null, "cmp-stop");
        Kthread timed = Kthread.run(d -> c.waitForCompletionTimeout(TIMEOUT) ? 0 : 2, null, "cmp-stop-timed");
        Await.state(plain, Kthread.State.SLEEPING);
        Await.state(timed, Kthread.State.SLEEPING);
        assertEquals(1, plain.stop());
        assertEquals(2, timed.stop(), "a timed wait ended by stop() returns false");
        assertFalse(c.completionDone());
    }

    @Test
    void anInterruptEndsTheInterruptibleWaits() {
        Completion c = new Completion();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, c::waitForCompletionInterruptible);
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> c.waitForCompletionInterruptibleTimeout(TIMEOUT));
        assertFalse(Thread.currentThread().isInterrupted());
    }

    @Test
    void anAvailableCompletionWinsOverAPendingInterrupt() throws InterruptedException {
        Completion c = new Completion();
        c.complete();
        Thread.currentThread().interrupt();
        assertTrue(c.waitForCompletionInterruptibleTimeout(TIMEOUT));
        assertTrue(Thread.interrupted(), "the interrupt is left pending");
    }

    @Test
    void theUninterruptibleWaitsIgnoreAnInterruptAndKeepIt() {
        Completion c = new Completion();
        Thread.currentThread().interrupt();
        assertFalse(c.waitForCompletionTimeout(Duration.ofMillis(30)), "waits out its timeout");
        assertTrue(Thread.interrupted(), "interrupt status set again on return");
    }

    @Test
    void anInterruptDuringTheUninterruptibleWaitDoesNotEndIt() {
        Completion c = new Completion();
        Completion interrupted = new Completion();
        Kthread k = Kthread.run(d -> {
            c.waitForCompletion();
            int r = Thread.currentThread().isInterrupted() ? 1 : 0;
            interrupted.complete();
            return r;
        }, null, "cmp-unintr");
        Await.state(k, Kthread.State.SLEEPING);
        k.javaThread().interrupt();
        // It must sleep on: give it a bounded chance to (wrongly) return, then complete.
        assertFalse(interrupted.waitForCompletionTimeout(Duration.ofMillis(100)), "the interrupt ended the wait");
        Await.state(k, Kthread.State.SLEEPING);
        c.complete();
        Await.exited(k);
        assertEquals(1, k.stop(), "the interrupt status is re-asserted on return");
        assertFalse(c.completionDone(), "the completion was consumed");
    }

    @Test
    void stopEndsEveryCompletionWait() {
        Completion c = new Completion();
        Kthread intr = Kthread.run(d -> {
            c.waitForCompletionInterruptible();
            return Kthread.shouldStop() ? 1 : 0;
        }, null, "cmp-stop-i");
        Kthread intrTimed = Kthread.run(d -> c.waitForCompletionInterruptibleTimeout(TIMEOUT) ? 0 : 2, null,
                "cmp-stop-it");
        Await.state(intr, Kthread.State.SLEEPING);
        Await.state(intrTimed, Kthread.State.SLEEPING);
        assertEquals(1, intr.stop());
        assertEquals(2, intrTimed.stop());
        assertFalse(c.completionDone());
    }
}
