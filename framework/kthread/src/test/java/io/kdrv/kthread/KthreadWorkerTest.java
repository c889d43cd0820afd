package io.kdrv.kthread;

import static io.kdrv.kthread.Await.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoKthreadLeaks.class)
class KthreadWorkerTest {
    private final List<KthreadWorker> workers = new ArrayList<>();
    /** Opened at the end of every test so no item stays blocked. */
    private final CountDownLatch release = new CountDownLatch(1);

    private KthreadWorker worker(String name) {
        KthreadWorker w = KthreadWorker.create("%s", name);
        workers.add(w);
        return w;
    }

    @AfterEach
    void destroyWorkers() {
        release.countDown();
        workers.forEach(KthreadWorker::destroy);
    }

    /** An item that signals it started, then blocks until the test releases it. */
    private KthreadWork blocker(Completion started, AtomicBoolean finished) {
        return new KthreadWork(() -> {
            started.complete();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            finished.set(true);
        });
    }

    private static List<String> synchronizedCopy(List<String> list) {
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    // ---------------------------------------------------------------------------------------------- ordering

    @Test
    void itemsRunOneAtATimeInFifoOrderUnderFourConcurrentProducers() throws InterruptedException {
        KthreadWorker w = worker("wk-fifo");
        final int producers = 4, perProducer = 250;
        List<String> queuedOrder = new ArrayList<>();
        List<String> ranOrder = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        AtomicBoolean allOnWorker = new AtomicBoolean(true);
        Completion go = new Completion();

        List<Kthread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            threads.add(Kthread.run(d -> {
                go.waitForCompletion();
                for (int i = 0; i < perProducer; i++) {
                    String tag = id + ":" + i;
                    KthreadWork item = new KthreadWork(() -> {
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        if (Kthread.current() != w.thread()) {
                            allOnWorker.set(false);
                        }
                        synchronized (ranOrder) {
                            ranOrder.add(tag);
                        }
                        running.decrementAndGet();
                    });
                    synchronized (queuedOrder) { // records the order in which the queueing took effect
                        if (!w.queueWork(item)) {
                            throw new AssertionError("fresh item refused");
                        }
                        queuedOrder.add(tag);
                    }
                }
                return 0;
            }, null, "wk-producer/%d", p));
        }
        go.completeAll();
        for (Kthread t : threads) {
            Await.exited(t);
            assertEquals(0, t.stop());
        }
        w.flushWorker();

        assertEquals(producers * perProducer, synchronizedCopy(ranOrder).size());
        assertEquals(synchronizedCopy(queuedOrder), synchronizedCopy(ranOrder), "strict FIFO");
        assertEquals(1, maxRunning.get(), "one item at a time");
        assertTrue(allOnWorker.get(), "items run on the worker kthread");
    }

    // ---------------------------------------------------------------------------------------------- pending

    @Test
    void queueWorkReturnsFalseWhilePendingAndTrueAgainOnceItRan() throws InterruptedException {
        KthreadWorker w = worker("wk-pending");
        Completion started = new Completion();
        KthreadWork blocker = blocker(started, new AtomicBoolean());
        AtomicInteger runs = new AtomicInteger();
        KthreadWork item = new KthreadWork(runs::incrementAndGet);

        assertTrue(w.queueWork(blocker));
        assertTrue(started.waitForCompletionTimeout(TIMEOUT));
        assertFalse(blocker.pending(), "a running item is not pending");

        assertTrue(w.queueWork(item));
        assertTrue(item.pending());
        assertFalse(w.queueWork(item), "already pending");

        AtomicBoolean flushed = new AtomicBoolean();
        AtomicInteger runsSeenByFlush = new AtomicInteger(-1);
        Kthread flusher = Kthread.run(d -> {
            flushed.set(w.flushWork(item));
            runsSeenByFlush.set(runs.get());
            return 0;
        }, null, "wk-flusher");
        Await.state(flusher, Kthread.State.SLEEPING); // waits for the queued instance
        release.countDown();
        Await.exited(flusher);
        assertEquals(0, flusher.stop());
        assertTrue(flushed.get(), "it was queued: flush waited");
        assertEquals(1, runsSeenByFlush.get(), "flushWork returned after the item ran");
        assertFalse(item.pending());
        assertEquals(1, runs.get(), "queued twice while pending, ran once");
        assertFalse(w.flushWork(item), "idle: nothing to wait for");

        assertTrue(w.queueWork(item), "re-queueable after it ran");
        w.flushWorker();
        assertEquals(2, runs.get());
    }

    @Test
    void flushWorkerWaitsForEverythingQueuedBefore() throws InterruptedException {
        KthreadWorker w = worker("wk-flush-all");
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 50; i++) {
            w.queueWork(new KthreadWork(runs::incrementAndGet));
        }
        w.flushWorker();
        assertEquals(50, runs.get());
        w.flushWorker(); // nothing queued: returns at once
    }

    @Test
    void anItemMayRequeueItselfWhileRunning() throws InterruptedException {
        KthreadWorker w = worker("wk-requeue");
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<KthreadWork> self = new AtomicReference<>();
        self.set(new KthreadWork(() -> {
            if (runs.incrementAndGet() < 3) {
                w.queueWork(self.get());
            }
        }));
        w.queueWork(self.get());
        Await.until("three runs", () -> runs.get() == 3);
        w.flushWorker();
        assertEquals(3, runs.get());
    }

    // ---------------------------------------------------------------------------------------------- cancel, flush races

    @Test
    void cancelWorkSyncRemovesAPendingItemSoItNeverRuns() throws InterruptedException {
        KthreadWorker w = worker("wk-cancel");
        Completion started = new Completion();
        w.queueWork(blocker(started, new AtomicBoolean()));
        assertTrue(started.waitForCompletionTimeout(TIMEOUT));
        AtomicBoolean ran = new AtomicBoolean();
        KthreadWork item = new KthreadWork(() -> ran.set(true));
        w.queueWork(item);

        assertTrue(w.cancelWorkSync(item), "it was pending");
        assertFalse(item.pending());
        assertFalse(w.cancelWorkSync(item), "nothing left to cancel");
        release.countDown();
        w.flushWorker();
        assertFalse(ran.get());
        assertFalse(w.cancelWorkSync(new KthreadWork(() -> { })), "never queued");
    }

    @Test
    void cancelWhileRunningWaitsForTheItemToFinishAndBlocksRequeueing() throws InterruptedException {
        KthreadWorker w = worker("wk-cancel-running");
        Completion started = new Completion();
        AtomicBoolean finished = new AtomicBoolean();
        KthreadWork item = blocker(started, finished);
        w.queueWork(item);
        assertTrue(started.waitForCompletionTimeout(TIMEOUT));

        AtomicBoolean result = new AtomicBoolean(true);
        AtomicBoolean finishedWhenCancelReturned = new AtomicBoolean();
        Kthread canceler = Kthread.run(d -> {
            result.set(w.cancelWorkSync(item));
            finishedWhenCancelReturned.set(finished.get());
            return 0;
        }, null, "wk-canceler");
        Await.state(canceler, Kthread.State.SLEEPING); // waiting for the running item
        assertFalse(finished.get());
        assertFalse(w.queueWork(item), "no re-queueing while a cancel waits");

        release.countDown();
        Await.exited(canceler);
        assertEquals(0, canceler.stop());
        assertFalse(result.get(), "it was running, not pending");
        assertTrue(finishedWhenCancelReturned.get(), "cancelWorkSync returned only after the item finished");
        assertTrue(w.queueWork(item), "queueable again after the cancel");
        w.flushWorker();
    }

    @Test
    void aFlushOfAnItemThatGetsCancelledReturns() throws InterruptedException {
        KthreadWorker w = worker("wk-flush-cancel");
        Completion started = new Completion();
        w.queueWork(blocker(started, new AtomicBoolean()));
        assertTrue(started.waitForCompletionTimeout(TIMEOUT));
        KthreadWork item = new KthreadWork(() -> { });
        w.queueWork(item);

        AtomicBoolean flushed = new AtomicBoolean();
        Kthread flusher = Kthread.run(d -> {
            flushed.set(w.flushWork(item));
            return 0;
        }, null, "wk-flusher");
        Await.state(flusher, Kthread.State.SLEEPING);
        assertTrue(w.cancelWorkSync(item));
        Await.exited(flusher); // released although the blocker still runs
        assertEquals(0, flusher.stop());
        assertTrue(flushed.get());
    }

    @Test
    void flushAndDestroyFromAnItemOfTheSameWorkerAreRefused() throws InterruptedException {
        KthreadWorker w = worker("wk-self-flush");
        AtomicReference<Throwable> flushError = new AtomicReference<>();
        AtomicReference<Throwable> destroyError = new AtomicReference<>();
        AtomicBoolean selfCancel = new AtomicBoolean(true);
        AtomicReference<KthreadWork> self = new AtomicReference<>();
        self.set(new KthreadWork(() -> {
            try {
                w.flushWorker();
            } catch (IllegalStateException | InterruptedException e) {
                flushError.set(e);
            }
            try {
                w.destroy();
            } catch (IllegalStateException e) {
                destroyError.set(e);
            }
            selfCancel.set(w.cancelWorkSync(self.get())); // does not wait for itself
        }));
        w.queueWork(self.get());
        w.flushWorker();
        assertTrue(flushError.get() instanceof IllegalStateException, String.valueOf(flushError.get()));
        assertTrue(destroyError.get() instanceof IllegalStateException, String.valueOf(destroyError.get()));
        assertFalse(selfCancel.get());
    }

    @Test
    void anItemThatThrowsIsLoggedAndTheWorkerCarriesOn() throws InterruptedException {
        KthreadWorker w = worker("wk-throws");
        AtomicBoolean after = new AtomicBoolean();
        w.queueWork(new KthreadWork(() -> {
            throw new IllegalStateException("expected test failure (logged by the worker)");
        }));
        w.queueWork(new KthreadWork(() -> after.set(true)));
        w.flushWorker();
        assertTrue(after.get());
        assertEquals(Kthread.State.SLEEPING, stateWhenIdle(w));
    }

    @Test
    void aWorkItemBelongsToOneWorker() {
        KthreadWorker a = worker("wk-a");
        KthreadWorker b = worker("wk-b");
        KthreadWork item = new KthreadWork(() -> { });
        a.queueWork(item);
        assertThrows(IllegalArgumentException.class, () -> b.queueWork(item));
        KthreadDelayedWork delayed = new KthreadDelayedWork(() -> { });
        a.queueDelayedWork(delayed, Duration.ofHours(1));
        assertThrows(IllegalArgumentException.class, () -> b.modDelayedWork(delayed, Duration.ZERO));
        assertTrue(a.cancelDelayedWorkSync(delayed));
        assertFalse(b.cancelDelayedWorkSync(delayed));
    }

    @Test
    void aCancelledItemQueuedAgainRunsOnceAtItsNewPlace() throws InterruptedException {
        KthreadWorker w = worker("wk-requeue-cancelled");
        List<String> order = new ArrayList<>();
        Completion started = new Completion();
        AtomicBoolean finished = new AtomicBoolean();
        w.queueWork(blocker(started, finished));
        assertTrue(started.waitForCompletionTimeout(TIMEOUT));
        KthreadWork a = new KthreadWork(() -> add(order, "A"));
        KthreadWork b = new KthreadWork(() -> add(order, "B"));
        KthreadWork x = new KthreadWork(() -> add(order, "X"));
        assertTrue(w.queueWork(a));
        assertTrue(w.queueWork(x));
        assertTrue(w.cancelWorkSync(x), "pending: taken off the queue (its link stays until the worker passes it)");
        assertFalse(x.pending());
        assertTrue(w.queueWork(b));
        assertTrue(w.queueWork(x), "idle again: queued anew, behind B");
        assertFalse(w.queueWork(x));
        assertTrue(w.cancelWorkSync(x));
        assertTrue(w.queueWork(x), "a third instance, while two stale links are queued");
        release.countDown();
        w.flushWorker();
        assertEquals(List.of("A", "B", "X"), synchronizedCopy(order));
        assertTrue(w.queueWork(x), "its own link is free again");
        w.flushWorker();
        assertEquals(List.of("A", "B", "X", "X"), synchronizedCopy(order));
    }

    /** One work item per slot of {@code runs}, each counting its runs there. */
    private static KthreadWork[] countingItems(AtomicInteger[] runs) {
        KthreadWork[] items = new KthreadWork[runs.length];
        for (int i = 0; i < runs.length; i++) {
            AtomicInteger r = runs[i] = new AtomicInteger();
            items[i] = new KthreadWork(r::incrementAndGet);
        }
        return items;
    }

    /**
     * Pending answers are exact under races: for every item, the queueWork calls that returned true equal its
     * runs plus the cancels that returned true.
     */
    @Test
    @org.junit.jupiter.api.Timeout(120)
    void queueAndCancelRacingKeepExactCounts() throws InterruptedException {
        KthreadWorker w = worker("wk-exact");
        final int n = 16;
        AtomicInteger[] runs = new AtomicInteger[n];
        KthreadWork[] items = countingItems(runs);
        java.util.concurrent.atomic.AtomicLongArray queued = new java.util.concurrent.atomic.AtomicLongArray(n);
        java.util.concurrent.atomic.AtomicLongArray cancelled = new java.util.concurrent.atomic.AtomicLongArray(n);
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        List<Kthread> threads = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            boolean canceller = p == 2;
            threads.add(Kthread.run(d -> {
                java.util.concurrent.ThreadLocalRandom rnd = java.util.concurrent.ThreadLocalRandom.current();
                while (System.nanoTime() - end < 0) {
                    int i = rnd.nextInt(n);
                    if (canceller) {
                        if (w.cancelWorkSync(items[i])) {
                            cancelled.incrementAndGet(i);
                        }
                    } else if (w.queueWork(items[i])) {
                        queued.incrementAndGet(i);
                    }
                }
                return 0;
            }, null, "wk-exact/%d", p));
        }
        for (Kthread t : threads) {
            Await.exited(t);
            assertEquals(0, t.stop());
        }
        w.flushWorker();
        long total = 0;
        for (int i = 0; i < n; i++) {
            assertFalse(items[i].pending());
            assertEquals(queued.get(i), runs[i].get() + cancelled.get(i), "item " + i);
            total += queued.get(i);
        }
        assertTrue(total > 0);
    }

    @Test
    void twoProducersQueueingAFreshItemAtOnceBothSucceedOrSeeItPending() throws InterruptedException {
        KthreadWorker w = worker("wk-first");
        final int n = 20_000;
        AtomicInteger[] runs = new AtomicInteger[n];
        KthreadWork[] items = countingItems(runs);
        java.util.concurrent.atomic.AtomicLongArray queued = new java.util.concurrent.atomic.AtomicLongArray(n);
        java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
        List<Kthread> threads = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            threads.add(Kthread.run(d -> {
                start.await();
                for (int i = 0; i < n; i++) { // both walk the same fresh items: the first queueing binds each
                    if (w.queueWork(items[i])) {
                        queued.incrementAndGet(i);
                    }
                }
                return 0;
            }, null, "wk-first/%d", p));
        }
        for (Kthread t : threads) {
            Await.exited(t);
            assertEquals(0, t.stop(), "producer " + t.name() + " failed: " + t.failure());
        }
        w.flushWorker();
        for (int i = 0; i < n; i++) {
            assertEquals(queued.get(i), runs[i].get(), "item " + i);
        }
    }

    // ---------------------------------------------------------------------------------------------- delayed work

    @Test
    void delayedItemsRunInDeadlineOrderOnTheWorkerItself() throws InterruptedException {
        KthreadWorker w = worker("wk-delayed");
        List<String> order = new ArrayList<>();
        long start = System.nanoTime();
        long[] ranAfter = new long[1];
        Completion last = new Completion();
        KthreadDelayedWork d300 = new KthreadDelayedWork(() -> {
            ranAfter[0] = System.nanoTime() - start;
            add(order, "d300");
            last.complete();
        });
        KthreadDelayedWork d100 = new KthreadDelayedWork(() -> add(order, "d100"));
        KthreadDelayedWork d200 = new KthreadDelayedWork(() -> add(order, "d200"));
        assertTrue(w.queueDelayedWork(d300, Duration.ofMillis(300)));
        assertTrue(w.queueDelayedWork(d100, Duration.ofMillis(100)));
        assertTrue(w.queueDelayedWork(d200, Duration.ofMillis(200)));
        assertTrue(w.queueWork(new KthreadWork(() -> add(order, "now"))));
        assertTrue(d300.pending());
        assertFalse(w.queueDelayedWork(d300, Duration.ofMillis(1)), "already pending");
        assertEquals(1, Kthreads.liveCount(), "no timer thread: only the worker kthread exists");

        assertTrue(last.waitForCompletionTimeout(TIMEOUT));
        assertEquals(List.of("now", "d100", "d200", "d300"), synchronizedCopy(order));
        assertTrue(ranAfter[0] >= Duration.ofMillis(300).toNanos(), "not before its delay: " + ranAfter[0]);
        assertFalse(d300.pending());
    }

    @Test
    void modDelayedWorkMovesAnArmedTimerAndArmsAnIdleItem() {
        KthreadWorker w = worker("wk-mod");
        AtomicInteger runs = new AtomicInteger();
        KthreadDelayedWork item = new KthreadDelayedWork(runs::incrementAndGet);
        assertTrue(w.queueDelayedWork(item, Duration.ofHours(1)));
        assertTrue(w.modDelayedWork(item, Duration.ZERO), "it was pending: modified to run now");
        Await.until("the moved item to run", () -> runs.get() == 1);

        assertFalse(w.modDelayedWork(item, Duration.ofMillis(1)), "it was idle: armed");
        Await.until("the armed item to run", () -> runs.get() == 2);

        assertFalse(w.modDelayedWork(item, Duration.ofMillis(20)));
        assertTrue(w.modDelayedWork(item, Duration.ofHours(1)), "pushed far into the future");
        assertTrue(item.pending());
        assertTrue(w.cancelDelayedWorkSync(item));
        assertFalse(item.pending());
        assertEquals(2, runs.get());
    }

    @Test
    void cancelDelayedWorkSyncDisarmsTheTimer() throws InterruptedException {
        KthreadWorker w = worker("wk-cancel-delayed");
        AtomicBoolean cancelledRan = new AtomicBoolean();
        Completion marker = new Completion();
        KthreadDelayedWork cancelled = new KthreadDelayedWork(() -> cancelledRan.set(true));
        w.queueDelayedWork(cancelled, Duration.ofMillis(50));
        w.queueDelayedWork(new KthreadDelayedWork(marker::complete), Duration.ofMillis(100));
        assertTrue(w.cancelDelayedWorkSync(cancelled));
        assertFalse(w.cancelDelayedWorkSync(cancelled));
        assertTrue(marker.waitForCompletionTimeout(TIMEOUT)); // a later deadline has passed
        assertFalse(cancelledRan.get());
    }

    /** Worker busy on L; D armed for 50 ms; returns once D's deadline is 150 ms behind (D still waiting for L). */
    private KthreadDelayedWork busyWorkerWithExpiredDelayedItem(KthreadWorker w, List<String> order) {
        Completion started = new Completion();
        assertTrue(w.queueWork(new KthreadWork(() -> {
            started.complete();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            add(order, "L");
        })));
        assertTrue(started.waitForCompletionTimeout(TIMEOUT));
        KthreadDelayedWork d = new KthreadDelayedWork(() -> add(order, "D"));
        long armed = System.nanoTime();
        assertTrue(w.queueDelayedWork(d, Duration.ofMillis(50)));
        Await.until("150 ms to pass", () -> System.nanoTime() - armed >= Duration.ofMillis(150).toNanos());
        assertTrue(synchronizedCopy(order).isEmpty(), "L still runs");
        return d;
    }

    @Test
    void anExpiredDelayedItemRunsBeforeAnItemQueuedAfterItsDeadline() throws InterruptedException {
        KthreadWorker w = worker("wk-expired-order");
        List<String> order = new ArrayList<>();
        KthreadDelayedWork d = busyWorkerWithExpiredDelayedItem(w, order);
        Completion x = new Completion();
        assertTrue(w.queueWork(new KthreadWork(() -> {
            add(order, "X");
            x.complete();
        })));
        assertTrue(d.pending(), "queued behind L");
        release.countDown();
        assertTrue(x.waitForCompletionTimeout(TIMEOUT));
        assertEquals(List.of("L", "D", "X"), synchronizedCopy(order), "Linux: D was queued at its expiry");
    }

    @Test
    void flushWorkerAfterTheDeadlineWaitsForTheExpiredDelayedItem() throws InterruptedException {
        KthreadWorker w = worker("wk-expired-flush");
        List<String> order = new ArrayList<>();
        Completion started = new Completion();
        assertTrue(w.queueWork(new KthreadWork(() -> {
            started.complete();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            add(order, "L");
        })));
        assertTrue(started.waitForCompletionTimeout(TIMEOUT));
        AtomicReference<Kthread> flusherRef = new AtomicReference<>();
        AtomicBoolean flushReturnedWhileDRan = new AtomicBoolean();
        // D gives a flush that (wrongly) does not wait for it a bounded window to return while D still runs.
        KthreadDelayedWork d = new KthreadDelayedWork(() -> {
            Kthread f = flusherRef.get();
            long end = System.nanoTime() + Duration.ofMillis(300).toNanos();
            while (f.state() != Kthread.State.EXITED && System.nanoTime() - end < 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // observation window, not a sync
            }
            flushReturnedWhileDRan.set(f.state() == Kthread.State.EXITED);
            add(order, "D");
        });
        long armed = System.nanoTime();
        assertTrue(w.queueDelayedWork(d, Duration.ofMillis(50)));
        Await.until("150 ms to pass", () -> System.nanoTime() - armed >= Duration.ofMillis(150).toNanos());
        AtomicReference<List<String>> seenByFlush = new AtomicReference<>();
        Kthread flusher = Kthread.create(k -> {
            w.flushWorker();
            seenByFlush.set(synchronizedCopy(order));
            return 0;
        }, null, "wk-flusher");
        flusherRef.set(flusher);
        flusher.wakeUp();
        Await.state(flusher, Kthread.State.SLEEPING);
        release.countDown();
        Await.exited(flusher);
        assertEquals(0, flusher.stop());
        assertFalse(flushReturnedWhileDRan.get(), "flushWorker() returned while the expired D still ran");
        assertEquals(List.of("L", "D"), seenByFlush.get());
    }

    @Test
    void destroyAfterTheDeadlineRunsTheExpiredDelayedItem() {
        KthreadWorker w = KthreadWorker.create("wk-expired-destroy");
        List<String> order = new ArrayList<>();
        KthreadDelayedWork d = busyWorkerWithExpiredDelayedItem(w, order);
        KthreadDelayedWork armed = new KthreadDelayedWork(() -> add(order, "armed"));
        assertTrue(w.queueDelayedWork(armed, Duration.ofHours(1)));
        Kthread destroyer = Kthread.run(k -> {
            w.destroy();
            return 0;
        }, null, "wk-destroyer");
        Await.until("destroy to wait for L", () -> destroyer.state() == Kthread.State.SLEEPING);
        release.countDown();
        Await.exited(destroyer);
        assertEquals(0, destroyer.stop());
        assertEquals(List.of("L", "D"), synchronizedCopy(order), "D had expired: it runs; the armed one is cancelled");
        assertFalse(d.pending());
        assertFalse(armed.pending());
    }

    @Test
    void flushDelayedWorkQueuesAnArmedItemNowAndWaitsForIt() throws InterruptedException {
        KthreadWorker w = worker("wk-flush-delayed");
        List<String> order = new ArrayList<>();
        KthreadDelayedWork d = new KthreadDelayedWork(() -> add(order, "D"));
        assertFalse(w.flushDelayedWork(d), "never queued: nothing to wait for");
        assertTrue(w.queueWork(new KthreadWork(() -> add(order, "before"))));
        assertTrue(w.queueDelayedWork(d, Duration.ofHours(1)));
        assertTrue(w.flushDelayedWork(d), "armed: queued now and waited for");
        assertEquals(List.of("before", "D"), synchronizedCopy(order), "it joined the tail and has run");
        assertFalse(d.pending());
        assertFalse(w.flushDelayedWork(d), "idle again");

        // Queued (behind a running item): waits for it without re-queueing.
        Completion started = new Completion();
        AtomicBoolean finished = new AtomicBoolean();
        w.queueWork(blocker(started, finished));
        assertTrue(started.waitForCompletionTimeout(TIMEOUT));
        assertTrue(w.queueDelayedWork(d, Duration.ZERO));
        Kthread flusher = Kthread.run(k -> w.flushDelayedWork(d) ? 1 : 0, null, "wk-dflusher");
        Await.state(flusher, Kthread.State.SLEEPING);
        release.countDown();
        Await.exited(flusher);
        assertEquals(1, flusher.stop());
        assertEquals(List.of("before", "D", "D"), synchronizedCopy(order));
    }

    // ---------------------------------------------------------------------------------------------- the end

    @Test
    void destroyRunsQueuedItemsCancelsTimersAndIsIdempotent() {
        KthreadWorker w = KthreadWorker.create("wk-destroy/%d", 1);
        AtomicInteger runs = new AtomicInteger();
        AtomicBoolean timerRan = new AtomicBoolean();
        for (int i = 0; i < 10; i++) {
            w.queueWork(new KthreadWork(runs::incrementAndGet));
        }
        KthreadDelayedWork timer = new KthreadDelayedWork(() -> timerRan.set(true));
        w.queueDelayedWork(timer, Duration.ofHours(1));

        w.destroy();
        assertEquals(10, runs.get(), "queued items ran");
        assertFalse(timer.pending());
        assertEquals(Kthread.State.EXITED, w.thread().state());
        w.destroy(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.queueWork(new KthreadWork(() -> { })));
        assertTrue(e.getMessage().contains("wk-destroy/1"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> w.queueDelayedWork(timer, Duration.ZERO));
        assertThrows(IllegalStateException.class, () -> w.modDelayedWork(timer, Duration.ZERO));
        assertFalse(timerRan.get());
    }

    @Test
    void stopWakesAnIdleWorkerAndTheWorkerCountsAsDestroyed() throws Exception {
        KthreadWorker w = worker("wk-stop");
        Await.state(w.thread(), Kthread.State.SLEEPING);
        assertEquals(0, w.thread().stop(TIMEOUT));
        assertThrows(IllegalStateException.class, () -> w.queueWork(new KthreadWork(() -> { })));
        w.flushWorker(); // returns at once
    }

    @Test
    void aBoundWorkerRunsItsItemsOnItsCpu() throws InterruptedException {
        assumeTrue(Procfs.available(), "needs /proc");
        int cpu = Procfs.lastAllowedCpu();
        BitSet mask = new BitSet();
        mask.set(cpu);
        KthreadWorker w = KthreadWorker.create(mask, "wk-bound/%d", cpu);
        workers.add(w);
        AtomicReference<String> allowed = new AtomicReference<>();
        w.queueWork(new KthreadWork(() -> allowed.set(Procfs.threadCpusAllowedList())));
        w.flushWorker();
        assertEquals(Integer.toString(cpu), allowed.get());
        assertEquals(mask, w.thread().cpuMask());
        assertTrue(w.thread().affinityApplied());
    }

    @Test
    void aWorkerWithAnInvalidMaskIsNotCreated() {
        BitSet bad = new BitSet();
        bad.set(1 << 20);
        assertThrows(IllegalArgumentException.class, () -> KthreadWorker.create(bad, "wk-bad"));
        assertEquals(0, Kthreads.liveCount());
    }

    @Test
    void theWorkerThreadIsAKthread() {
        KthreadWorker w = worker("wk-kthread");
        AtomicReference<Kthread> current = new AtomicReference<>();
        Completion ran = new Completion();
        w.queueWork(new KthreadWork(() -> {
            current.set(Kthread.current());
            ran.complete();
        }));
        Await.until("the item to run", ran::completionDone);
        assertSame(w.thread(), current.get());
        assertEquals("wk-kthread", w.thread().name());
    }

    private static Kthread.State stateWhenIdle(KthreadWorker w) {
        Await.state(w.thread(), Kthread.State.SLEEPING);
        return w.thread().state();
    }

    private static void add(List<String> list, String s) {
        synchronized (list) {
            list.add(s);
        }
    }
}
