package io.kdrv.benchmarks;

import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.PeriodicTimer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * 5. Periodic poller jitter at 1 kHz: a kthread looping on {@code PeriodicTimer.waitNextPeriod()} against
 * {@code ScheduledThreadPoolExecutor.scheduleAtFixedRate} (baseline only). Each wake-up k is compared with its ideal
 * absolute deadline {@code start + k * period}: deviation percentiles, the maximum, and the deviation of the last
 * period (cumulative drift: a relative-sleep loop would accumulate its overheads here).
 */
final class TimerJitter {
    private static final long PERIOD = 1_000_000L; // 1 ms

    private TimerJitter() {
    }

    record Result(Stats deviation, long drift, long overruns) {
    }

    static void run(Config c, Report r) throws Exception {
        int n = (int) (c.timerDuration().toNanos() / PERIOD);
        // warm-up: class loading inside the first timer construction / schedule call would otherwise show up as
        // a constant offset of every later deadline (both sides take their start time just before that call)
        kdrv(Math.min(n, 200));
        executor(Math.min(n, 200));
        Result k = kdrv(n);
        Result b = executor(n);
        String bench = "5 1 kHz poller, " + c.timerDuration().toSeconds() + " s";
        if (c.timerDuration().toSeconds() == 0) {
            bench = "5 1 kHz poller, " + c.timerDuration().toMillis() + " ms";
        }
        String base = "STPE.scheduleAtFixedRate";
        r.add(bench, "p50 deviation", k.deviation.median(), b.deviation.median(), base, Report.Unit.NANOS);
        r.add(bench, "p99 deviation", k.deviation.pct(99), b.deviation.pct(99), base, Report.Unit.NANOS);
        r.add(bench, "max deviation", k.deviation.max(), b.deviation.max(), base, Report.Unit.NANOS);
        r.add(bench, "drift last-first 10%", k.drift, b.drift, base, Report.Unit.NANOS);
        r.add(bench, "overrun periods", k.overruns, b.overruns, base, Report.Unit.COUNT);
        r.note(bench + ": deviation = wake-up time - the absolute deadline it serves; drift = median deviation of the"
                + " last 10% of periods - that of the first 10%. PeriodicTimer coalesces"
                + " passed deadlines into one wake-up (timerfd, counted as overruns); fixed-rate STPE runs every late"
                + " period back to back (a deviation over 1 ms = a late period)");
    }

    static Result kdrv(int n) throws Exception {
        long[] wake = new long[n];
        long[] deadlineIndex = new long[n];
        long[] startAndOverruns = new long[2];
        CountDownLatch done = new CountDownLatch(1);
        Kthread t = Kthread.run(d -> {
            startAndOverruns[0] = System.nanoTime();
            PeriodicTimer timer = new PeriodicTimer(Duration.ofNanos(PERIOD)); // first deadline = now + period
            int i = 0;
            while (i < n && timer.waitNextPeriod()) {
                wake[i] = System.nanoTime();
                deadlineIndex[i++] = timer.periods(); // a late wake consumes every passed deadline (timerfd)
            }
            startAndOverruns[1] = timer.overruns();
            done.countDown();
            return i;
        }, null, "bench/poll");
        // stop() would end the timer early: wait for the last period first
        boolean finished = done.await(n / 1000 + 30, TimeUnit.SECONDS);
        int got = t.stop();
        if (!finished) {
            throw new AssertionError("poller ran " + got + " of " + n + " periods");
        }
        return result(wake, deadlineIndex, got, startAndOverruns[0], startAndOverruns[1]);
    }

    static Result executor(int n) throws Exception {
        long[] wake = new long[n];
        int[] count = {0};
        CountDownLatch done = new CountDownLatch(1);
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1); // baseline only
        try {
            long start = System.nanoTime();
            ScheduledFuture<?> f = ex.scheduleAtFixedRate(() -> {
                if (count[0] < n) {
                    wake[count[0]++] = System.nanoTime();
                    if (count[0] == n) {
                        done.countDown();
                    }
                }
            }, PERIOD, PERIOD, TimeUnit.NANOSECONDS);
            if (!done.await(n / 1000 + 30, TimeUnit.SECONDS)) {
                throw new AssertionError("executor ran " + count[0] + " of " + n + " periods");
            }
            f.cancel(false);
            long[] deadlineIndex = new long[n];
            for (int i = 0; i < n; i++) {
                deadlineIndex[i] = i + 1; // fixed rate: every deadline gets its own (possibly late) run
            }
            return result(wake, deadlineIndex, n, start, -1);
        } finally {
            ex.shutdownNow();
            ex.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static Result result(long[] wake, long[] deadlineIndex, int n, long start, long overruns) {
        if (n <= 0) {
            throw new AssertionError("no periods measured");
        }
        long[] dev = new long[n];
        for (int i = 0; i < n; i++) {
            dev[i] = wake[i] - (start + deadlineIndex[i] * PERIOD);
        }
        if (overruns < 0) { // count late periods the same way as PeriodicTimer does
            overruns = 0;
            for (long d : dev) {
                overruns += Math.max(0, d / PERIOD);
            }
        }
        // cumulative drift: how much later the last tenth of the periods is than the first tenth (medians, so one
        // late wake-up does not count as drift); an accumulating error of a relative-sleep loop shows up here
        int tenth = Math.max(1, n / 10);
        long first = new Stats(java.util.Arrays.copyOfRange(dev, 0, tenth)).median();
        long last = new Stats(java.util.Arrays.copyOfRange(dev, n - tenth, n)).median();
        return new Result(new Stats(dev), last - first, overruns);
    }
}
