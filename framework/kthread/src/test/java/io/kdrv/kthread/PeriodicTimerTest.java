package io.kdrv.kthread;

import static io.kdrv.kthread.Await.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NoKthreadLeaks.class)
class PeriodicTimerTest {

    @Test
    void deadlinesAreAbsoluteSoTheLoopDoesNotDrift() {
        final Duration period = Duration.ofMillis(20);
        final Duration work = Duration.ofMillis(15); // most of a period of "work" per loop
        final int loops = 25;
        AtomicLong elapsed = new AtomicLong();
        AtomicLong periods = new AtomicLong();
        AtomicLong overruns = new AtomicLong();
        Kthread k = Kthread.run(d -> {
            long start = System.nanoTime();
            PeriodicTimer timer = new PeriodicTimer(period);
            for (int i = 0; i < loops; i++) {
                if (!timer.waitNextPeriod()) {
                    return -1;
                }
                Kthread.sleep(work); // simulated work: with relative sleeps this would add up to 375 ms of drift
            }
            timer.waitNextPeriod();
            elapsed.set(System.nanoTime() - start);
            periods.set(timer.periods());
            overruns.set(timer.overruns());
            return 0;
        }, null, "pt-drift");
        Await.exited(k);
        assertEquals(0, k.stop());

        long p = period.toNanos();
        assertEquals(loops + 1 + overruns.get(), periods.get(), "every call consumes one period plus its overruns");
        assertTrue(elapsed.get() >= periods.get() * p, "never early: " + elapsed.get() + " < " + periods.get() + " periods");
        // The lag behind the schedule is one wake-up latency, whatever the number of loops (drift would be 375 ms).
        long lag = elapsed.get() - periods.get() * p;
        assertTrue(lag < Duration.ofMillis(300).toNanos(), "lag " + lag / 1_000_000 + " ms behind the absolute schedule");
    }

    @Test
    void overrunsAreCountedWhenTheBodyTakesLongerThanAPeriod() {
        AtomicLong periods = new AtomicLong();
        AtomicLong overruns = new AtomicLong();
        final int calls = 6;
        Kthread k = Kthread.run(d -> {
            PeriodicTimer timer = new PeriodicTimer(Duration.ofMillis(10));
            for (int i = 0; i < calls; i++) {
                timer.waitNextPeriod();
                Kthread.sleep(Duration.ofMillis(25)); // 2.5 periods: at least two deadlines pass each time
            }
            periods.set(timer.periods());
            overruns.set(timer.overruns());
            return 0;
        }, null, "pt-overrun");
        Await.exited(k);
        assertEquals(0, k.stop());
        assertTrue(overruns.get() >= calls - 1, "overruns " + overruns.get());
        assertEquals(calls + overruns.get(), periods.get());
    }

    @Test
    void waitNextPeriodReturnsFalseEarlyWhenTheKthreadIsStopped() throws KthreadStopTimeoutException {
        AtomicLong ticks = new AtomicLong();
        Kthread k = Kthread.run(d -> {
            PeriodicTimer timer = new PeriodicTimer(Duration.ofHours(1));
            while (timer.waitNextPeriod()) {
                ticks.incrementAndGet();
            }
            return timer.waitNextPeriod() ? 1 : 0; // still false: checked before sleeping
        }, null, "pt-stop");
        Await.state(k, Kthread.State.SLEEPING);
        assertEquals(0, k.stop(TIMEOUT));
        assertEquals(0, ticks.get());
    }

    @Test
    void worksOnAPlainThread() throws InterruptedException {
        PeriodicTimer timer = new PeriodicTimer(Duration.ofMillis(2));
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertTrue(timer.waitNextPeriod());
        }
        assertTrue(timer.periods() >= 3);
        assertTrue(System.nanoTime() - start >= timer.periods() * timer.periodNanos());
    }

    @Test
    void anInterruptEndsTheWait() {
        PeriodicTimer timer = new PeriodicTimer(Duration.ofHours(1));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, timer::waitNextPeriod);
        assertEquals(0, timer.periods());
    }

    @Test
    void thePeriodMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new PeriodicTimer(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new PeriodicTimer(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> new PeriodicTimer(null));
    }
}
