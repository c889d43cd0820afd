package io.kdrv.kthread;

import static io.kdrv.kthread.Await.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code stop()} must wake a kthread sleeping in any kdrv wait. Each function sleeps for an hour (or forever) and
 * returns a distinctive code once it notices the stop; stop(TIMEOUT) must return that code well before.
 */
@ExtendWith(NoKthreadLeaks.class)
class StopWakesEveryWaitTest {

    private static void assertStopWakes(ThreadFn<Object> fn, int code, Kthread.State sleeping) throws KthreadStopTimeoutException {
        Kthread k = Kthread.run(fn, null, "stop-wakes");
        Await.state(k, sleeping);
        assertEquals(code, k.stop(TIMEOUT));
    }

    @Test
    void waitQueue() throws Exception {
        WaitQueue wq = new WaitQueue();
        assertStopWakes(d -> {
            wq.waitEventInterruptible(Kthread::shouldStop);
            return 1;
        }, 1, Kthread.State.SLEEPING);
    }

    @Test
    void waitQueueWithTimeout() throws Exception {
        WaitQueue wq = new WaitQueue();
        assertStopWakes(d -> wq.waitEventInterruptibleTimeout(Kthread::shouldStop, Duration.ofHours(1)) > 0 ? 2 : -2,
                2, Kthread.State.SLEEPING);
    }

    @Test
    void completion() throws Exception {
        Completion c = new Completion();
        assertStopWakes(d -> {
            c.waitForCompletion();
            return 3;
        }, 3, Kthread.State.SLEEPING);
    }

    @Test
    void completionWithTimeout() throws Exception {
        Completion c = new Completion();
        assertStopWakes(d -> c.waitForCompletionTimeout(Duration.ofHours(1)) ? -4 : 4, 4, Kthread.State.SLEEPING);
    }

    @Test
    void uninterruptibleWaitQueue() throws Exception {
        WaitQueue wq = new WaitQueue();
        assertStopWakes(d -> {
            wq.waitEvent(Kthread::shouldStop);
            return 6;
        }, 6, Kthread.State.SLEEPING);
        assertStopWakes(d -> wq.waitEventTimeout(Kthread::shouldStop, Duration.ofHours(1)) > 0 ? 7 : -7, 7,
                Kthread.State.SLEEPING);
    }

    @Test
    void interruptibleCompletion() throws Exception {
        Completion c = new Completion();
        assertStopWakes(d -> {
            c.waitForCompletionInterruptible();
            return 8;
        }, 8, Kthread.State.SLEEPING);
        assertStopWakes(d -> c.waitForCompletionInterruptibleTimeout(Duration.ofHours(1)) ? -9 : 9, 9,
                Kthread.State.SLEEPING);
    }

    @Test
    void periodicTimer() throws Exception {
        assertStopWakes(d -> new PeriodicTimer(Duration.ofHours(1)).waitNextPeriod() ? -5 : 5, 5, Kthread.State.SLEEPING);
    }

    @Test
    void sleep() throws Exception {
        assertStopWakes(d -> Kthread.sleep(Duration.ofHours(1)) > 0 ? 6 : -6, 6, Kthread.State.SLEEPING);
    }

    @Test
    void parkme() throws Exception {
        Kthread k = Kthread.run(d -> {
            while (!Kthread.shouldStop()) {
                Kthread.parkme();
                Kthread.sleep(Duration.ofHours(1));
            }
            return 7;
        }, null, "stop-wakes-parked");
        Await.state(k, Kthread.State.SLEEPING); // in its function (a park before that parks ahead of it)
        k.park();
        assertEquals(Kthread.State.PARKED, k.state());
        assertEquals(7, k.stop(TIMEOUT));
    }

    @Test
    void idleWorker() throws Exception {
        KthreadWorker w = KthreadWorker.create("stop-wakes-worker");
        Await.state(w.thread(), Kthread.State.SLEEPING);
        assertEquals(0, w.thread().stop(TIMEOUT));
        w.destroy();
    }

    @Test
    void workerWithOnlyADistantTimer() throws Exception {
        KthreadWorker w = KthreadWorker.create("stop-wakes-worker-timer");
        w.queueDelayedWork(new KthreadDelayedWork(() -> { }), Duration.ofHours(1));
        Await.state(w.thread(), Kthread.State.SLEEPING);
        assertEquals(0, w.thread().stop(TIMEOUT));
        w.destroy();
    }
}
