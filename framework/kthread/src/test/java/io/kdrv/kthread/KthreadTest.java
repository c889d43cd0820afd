package io.kdrv.kthread;

import static io.kdrv.kthread.Await.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kdrv.kthread.Kthread.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoKthreadLeaks.class)
class KthreadTest {

    /** A thread function that sleeps in a wait queue until stopped, then returns {@code code}. */
    private static ThreadFn<Object> untilStopped(int code) {
        WaitQueue wq = new WaitQueue();
        return d -> {
            wq.waitEventInterruptible(Kthread::shouldStop);
            return code;
        };
    }

    // ---------------------------------------------------------------------------------------------- create/run/stop

    @Test
    void runFormatsTheNameAndStopReturnsTheFunctionResult() {
        Kthread k = Kthread.run(untilStopped(42), null, "kt-%s/%d", "run", 7);
        assertEquals("kt-run/7", k.name());
        assertEquals("kt-run/7", k.javaThread().getName());
        Await.state(k, State.SLEEPING);

        assertEquals(42, k.stop());
        assertEquals(State.EXITED, k.state());
        assertEquals(OptionalInt.of(42), k.exitCode());
        assertTrue(k.failure().isEmpty());
        assertFalse(k.javaThread().isAlive(), "stop() returns after the Java thread has terminated");
    }

    @Test
    void createDoesNotRunUntilWakeUp() {
        Completion ran = new Completion();
        Kthread k = Kthread.create(d -> {
            ran.complete();
            return 0;
        }, null, "kt-create");
        assertEquals(State.CREATED, k.state());
        assertFalse(ran.completionDone());
        assertEquals(Thread.State.NEW, k.javaThread().getState(), "the Java thread starts lazily");
        assertTrue(k.exitCode().isEmpty());

        assertTrue(k.wakeUp(), "the first wakeUp() starts it");
        Await.exited(k);
        assertTrue(ran.completionDone());
        assertFalse(k.wakeUp(), "an exited kthread is not woken");
        assertEquals(0, k.stop());
    }

    @Test
    void stopBeforeWakeReturnsEintrAndTheFunctionNeverRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        Kthread k = Kthread.create(d -> {
            ran.set(true);
            return 0;
        }, null, "kt-never");

        assertEquals(-Errno.EINTR, k.stop());
        assertEquals(-4, k.stop(), "twice");
        assertFalse(ran.get());
        assertEquals(Thread.State.NEW, k.javaThread().getState(), "no thread was ever started");
        assertEquals(State.EXITED, k.state());
        assertFalse(k.wakeUp(), "a stopped kthread cannot be started any more");
        assertFalse(ran.get());
    }

    @Test
    void stopAfterTheWakeUpButBeforeTheFunctionStartedAlsoReturnsEintr() {
        AtomicBoolean ran = new AtomicBoolean();
        Kthread k = Kthread.create(d -> {
            ran.set(true);
            return 0;
        }, null, "kt-early-stop");
        k.park(); // started, and held before its function
        k.wakeUp();
        assertEquals(-Errno.EINTR, k.stop());
        assertFalse(ran.get());
    }

    @Test
    void stopTwiceAndStopAfterExitReturnTheSameCode() {
        Kthread quick = Kthread.run(d -> 3, null, "kt-quick");
        Await.exited(quick); // ended on its own, nobody stopped it
        assertEquals(3, quick.stop());
        assertEquals(3, quick.stop());

        Kthread waiting = Kthread.run(untilStopped(5), null, "kt-twice");
        Await.state(waiting, State.SLEEPING); // in its function: a stop before that would return -EINTR
        assertEquals(5, waiting.stop());
        assertEquals(5, waiting.stop());
    }

    @Test
    void stopOnItselfIsRefused() {
        AtomicReference<Throwable> refused = new AtomicReference<>();
        Kthread k = Kthread.run(d -> {
            try {
                Kthread.current().stop();
            } catch (IllegalStateException e) {
                refused.set(e);
            }
            return 0;
        }, null, "kt-self-stop");
        Await.exited(k);
        assertEquals(0, k.stop());
        assertInstanceOf(IllegalStateException.class, refused.get());
        assertTrue(refused.get().getMessage().contains("kt-self-stop"));
    }

    @Test
    void exitEndsTheFunctionWithItsCodeAndRunsFinallyBlocks() {
        AtomicBoolean afterExit = new AtomicBoolean();
        AtomicBoolean finallyRan = new AtomicBoolean();
        Kthread k = Kthread.run(d -> {
            try {
                Kthread.exit(7);
                afterExit.set(true);
                return 0;
            } finally {
                finallyRan.set(true);
            }
        }, null, "kt-exit");
        Await.exited(k);
        assertEquals(7, k.stop());
        assertFalse(afterExit.get());
        assertTrue(finallyRan.get());
        assertTrue(k.failure().isEmpty(), "exit() is not a failure");
    }

    @Test
    void exitOutsideAKthreadIsRefused() {
        assertThrows(IllegalStateException.class, () -> Kthread.exit(1));
    }

    @Test
    void exceptionInTheFunctionEndsWithEioAndIsKept() {
        IOException boom = new IOException("boom");
        Kthread k = Kthread.run(d -> {
            throw boom;
        }, null, "kt-throws");
        Await.exited(k);
        assertEquals(-Errno.EIO, k.stop());
        assertSame(boom, k.failure().orElseThrow());
        assertEquals(OptionalInt.of(-Errno.EIO), k.exitCode());
    }

    @Test
    void interruptedExceptionFromTheFunctionEndsWithEintr() {
        Kthread k = Kthread.run(d -> {
            new WaitQueue().waitEventInterruptible(() -> false);
            return 0;
        }, null, "kt-interrupted");
        Await.state(k, State.SLEEPING);
        k.javaThread().interrupt();
        Await.exited(k);
        assertEquals(-Errno.EINTR, k.stop());
        assertInstanceOf(InterruptedException.class, k.failure().orElseThrow());
    }

    @Test
    void currentDataAndOwner() {
        AtomicReference<Kthread> seen = new AtomicReference<>();
        AtomicReference<Object> data = new AtomicReference<>();
        Kthread k = Kthread.create((String s) -> {
            seen.set(Kthread.current());
            data.set(s);
            return 0;
        }, "payload", "kt-current");
        assertSame(k, k.owner("device button0"));
        assertEquals("device button0", k.owner());
        assertEquals("payload", k.data());
        k.wakeUp();
        Await.exited(k);
        assertEquals(0, k.stop());
        assertSame(k, seen.get());
        assertEquals("payload", data.get());
        assertTrue(k.toString().contains("kt-current"));
    }

    @Test
    void nonKthreadCallersSeeNoKthread() {
        assertNull(Kthread.current());
        assertFalse(Kthread.shouldStop());
        assertFalse(Kthread.shouldPark());
        assertThrows(IllegalStateException.class, Kthread::parkme);
    }

    @Test
    void stopWithTimeoutReportsAThreadThatIgnoresShouldStop() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Completion started = new Completion();
        Kthread k = Kthread.run(d -> {
            started.complete();
            release.await(); // blocks outside kdrv and never looks at shouldStop()
            return 9;
        }, null, "kt-stubborn/%d", 1);
        assertTrue(started.waitForCompletionTimeout(TIMEOUT));

        KthreadStopTimeoutException e = assertThrows(KthreadStopTimeoutException.class,
                () -> k.stop(Duration.ofMillis(200)));
        assertSame(k, e.kthread());
        assertTrue(e.getMessage().contains("kt-stubborn/1"), e.getMessage());
        assertTrue(Arrays.stream(e.getStackTrace()).anyMatch(f -> f.getClassName().contains("CountDownLatch")),
                "the exception carries the hung thread's stack: " + Arrays.toString(e.getStackTrace()));
        assertEquals(State.STUCK, k.state(), "still marked should-stop, and visible as stuck");

        release.countDown(); // let it end
        assertEquals(9, k.stop(TIMEOUT));
    }

    // ---------------------------------------------------------------------------------------------- binding

    @Test
    void bindAfterTheFirstWakeIsRefusedNamingTheThread() {
        Kthread k = Kthread.run(untilStopped(0), null, "kt-bind-late/%d", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> k.bind(0));
        assertTrue(e.getMessage().contains("kt-bind-late/1"), e.getMessage());
        BitSet zero = new BitSet();
        zero.set(0);
        assertThrows(IllegalStateException.class, () -> k.bindMask(zero));
        assertTrue(k.cpuMask().isEmpty());
        Await.state(k, State.SLEEPING);
        assertEquals(0, k.stop());
        assertThrows(IllegalStateException.class, () -> k.bind(0), "nor after exit");
    }

    @Test
    void bindRejectsCpusThatDoNotExist() {
        Kthread k = Kthread.create(d -> 0, null, "kt-bind-bad");
        assertThrows(IllegalArgumentException.class, () -> k.bind(-1));
        assertThrows(IllegalArgumentException.class, () -> k.bind(1 << 20));
        BitSet huge = new BitSet();
        huge.set(1 << 20);
        assertThrows(IllegalArgumentException.class, () -> k.bindMask(huge));
        assertThrows(NullPointerException.class, () -> k.bindMask(null));
        assertTrue(k.cpuMask().isEmpty());
        assertEquals(-Errno.EINTR, k.stop());
    }

    @Test
    void bindIsAppliedByTheThreadBeforeItsFunctionRuns() {
        assumeTrue(Procfs.available(), "needs /proc");
        int cpu = Procfs.lastAllowedCpu();
        AtomicReference<String> allowed = new AtomicReference<>();
        Kthread k = Kthread.create(d -> {
            allowed.set(Procfs.threadCpusAllowedList());
            return 0;
        }, null, "kt-bound/%d", cpu);
        k.bind(cpu);
        BitSet expected = new BitSet();
        expected.set(cpu);
        assertEquals(expected, k.cpuMask());
        assertFalse(k.affinityApplied(), "not before it runs");

        k.wakeUp();
        Await.exited(k);
        assertEquals(0, k.stop());
        assertEquals(Integer.toString(cpu), allowed.get());
        assertTrue(k.affinityApplied());
    }

    @Test
    void bindMaskWithSeveralCpusAndUnboundThreadsKeepTheProcessMask() {
        assumeTrue(Procfs.available(), "needs /proc");
        BitSet processMask = Procfs.parseCpuList(Procfs.cpusAllowedList(Path.of("/proc/self/status")));
        AtomicReference<String> bound = new AtomicReference<>();
        AtomicReference<String> unbound = new AtomicReference<>();
        Kthread b = Kthread.create(d -> {
            bound.set(Procfs.threadCpusAllowedList());
            return 0;
        }, null, "kt-mask");
        b.bindMask(processMask);
        Kthread u = Kthread.run(d -> {
            unbound.set(Procfs.threadCpusAllowedList());
            return 0;
        }, null, "kt-unbound");
        b.wakeUp();
        Await.exited(b);
        Await.exited(u);
        assertEquals(0, b.stop());
        assertEquals(0, u.stop());
        assertEquals(processMask, Procfs.parseCpuList(bound.get()));
        assertEquals(processMask, Procfs.parseCpuList(unbound.get()));
        assertTrue(b.affinityApplied());
        assertFalse(u.affinityApplied(), "nothing to apply when unbound");
    }

    // ---------------------------------------------------------------------------------------------- identity

    @Test
    void nativeNameIsTheKthreadNameCutTo15Characters() {
        assumeTrue(Procfs.available(), "needs /proc");
        AtomicReference<String> comm = new AtomicReference<>();
        AtomicLong tid = new AtomicLong();
        Kthread k = Kthread.run(d -> {
            tid.set(Kthread.current().tid());
            comm.set(Procfs.comm(Kthread.current().tid()));
            return 0;
        }, null, "kdrv-name/%s", "abcdefghij");
        Await.exited(k);
        assertEquals(0, k.stop());
        assertEquals("kdrv-name/abcdefghij".substring(0, 15), comm.get());
        assertTrue(tid.get() > 0);
    }

    @Test
    void tidAndCpuTimeAreKnownOnlyWhileRunning() throws IOException {
        assumeTrue(Procfs.available(), "needs /proc");
        AtomicReference<String> threadSelf = new AtomicReference<>();
        WaitQueue wq = new WaitQueue();
        Kthread k = Kthread.create(d -> {
            threadSelf.set(Files.readSymbolicLink(Path.of("/proc/thread-self")).toString());
            wq.waitEventInterruptible(Kthread::shouldStop);
            return 0;
        }, null, "kt-tid");
        assertEquals(-1, k.tid());
        assertEquals(-1, k.cpuTimeNanos());
        k.wakeUp();
        Await.state(k, State.SLEEPING);
        assertTrue(k.tid() > 0);
        assertTrue(threadSelf.get().endsWith("/task/" + k.tid()), threadSelf.get() + " vs " + k.tid());
        assertTrue(k.cpuTimeNanos() >= 0);
        assertEquals(0, k.stop());
        assertEquals(-1, k.tid());
        assertEquals(-1, k.cpuTimeNanos());
    }

    // ---------------------------------------------------------------------------------------------- waking, sleeping

    @Test
    void wakeUpWakesAKdrvSleepAndCountsIt() {
        AtomicInteger conditionChecks = new AtomicInteger();
        WaitQueue wq = new WaitQueue();
        Kthread k = Kthread.run(d -> {
            wq.waitEventInterruptible(() -> {
                conditionChecks.incrementAndGet();
                return Kthread.shouldStop();
            });
            return 0;
        }, null, "kt-wake");
        Await.state(k, State.SLEEPING);
        assertEquals(1, k.wakeups(), "the start counts as the first wake-up");
        int checks = conditionChecks.get();

        assertTrue(k.wakeUp(), "SLEEPING -> RUNNING");
        Await.until("the woken thread to re-check and sleep again",
                () -> conditionChecks.get() > checks && k.state() == State.SLEEPING);
        assertEquals(2, k.wakeups());
        assertEquals(0, k.stop());
    }

    @Test
    void sleepEndsEarlyOnWakeUpOtherwiseRunsItsFullTime() {
        AtomicLong wokenRemaining = new AtomicLong(-1);
        AtomicLong fullRemaining = new AtomicLong(-1);
        Kthread k = Kthread.run(d -> {
            wokenRemaining.set(Kthread.sleep(Duration.ofSeconds(30)));
            fullRemaining.set(Kthread.sleep(Duration.ofMillis(1)));
            return 0;
        }, null, "kt-sleep-wake");
        Await.state(k, State.SLEEPING);
        assertTrue(k.wakeUp());
        Await.exited(k);
        assertEquals(0, k.stop());
        assertTrue(wokenRemaining.get() > 0, "woken early: time remains");
        assertEquals(0, fullRemaining.get(), "slept its full time");
        assertEquals(0, Kthread.sleep(Duration.ZERO), "zero returns at once");
    }

    // ---------------------------------------------------------------------------------------------- park

    @Test
    void parkBeforeTheFirstWakeParksBeforeTheFunctionRuns() {
        AtomicInteger runs = new AtomicInteger();
        Completion ran = new Completion();
        WaitQueue wq = new WaitQueue();
        Kthread k = Kthread.create(d -> {
            runs.incrementAndGet();
            ran.complete();
            wq.waitEventInterruptible(Kthread::shouldStop);
            return 1;
        }, null, "kt-park-early");

        k.park();
        assertEquals(State.PARKED, k.state());
        assertEquals(0, runs.get());
        assertThrows(IllegalStateException.class, () -> k.bind(0), "the thread exists now");

        k.unpark();
        Await.until("the function to run after unpark", ran::completionDone);
        assertEquals(1, k.stop());
        assertEquals(1, runs.get());
    }

    @Test
    void stopWhileParkedBeforeTheFirstRunReturnsEintr() {
        AtomicBoolean ran = new AtomicBoolean();
        Kthread k = Kthread.create(d -> {
            ran.set(true);
            return 0;
        }, null, "kt-park-stop");
        k.park();
        assertEquals(State.PARKED, k.state());
        assertEquals(-Errno.EINTR, k.stop());
        assertFalse(ran.get());
    }

    @Test
    void parkUnparkCycles() {
        AtomicLong loops = new AtomicLong();
        WaitQueue wq = new WaitQueue();
        Kthread k = Kthread.run(d -> {
            while (!Kthread.shouldStop()) {
                if (Kthread.shouldPark()) {
                    Kthread.parkme();
                }
                loops.incrementAndGet();
                wq.waitEventInterruptibleTimeout(() -> Kthread.shouldStop() || Kthread.shouldPark(), Duration.ofMillis(1));
            }
            return 0;
        }, null, "kt-park-cycle");

        for (int i = 0; i < 5; i++) {
            k.park();
            assertEquals(State.PARKED, k.state());
            long frozen = loops.get();
            assertFalse(k.wakeUp(), "wakeUp() does not unpark");
            assertEquals(State.PARKED, k.state());
            assertEquals(frozen, loops.get(), "a parked thread makes no progress");
            k.unpark();
            Await.until("progress after unpark", () -> loops.get() > frozen);
        }
        k.park();
        assertEquals(0, k.stop(), "stop() releases a parked thread");
        k.park(); // no-op on an exited kthread
        k.unpark();
    }

    @Test
    void parkOnAnExitedKthreadReturnsAtOnce() {
        Kthread k = Kthread.run(d -> 0, null, "kt-park-exited");
        Await.exited(k);
        k.park();
        assertEquals(State.EXITED, k.state());
        assertEquals(0, k.stop());
    }
}
