package io.kdrv.benchmarks;

import java.time.Duration;

/**
 * Sizes of one run. {@link #full()} keeps the whole run under about three minutes on a loaded 2-core box;
 * {@link #smoke()} only exercises every code path (the unit test, well under five seconds).
 */
record Config(int lifecycleOps, int workerItems, int workerRuns, int wakeSamples, int irqSamples,
              Duration timerDuration, int idleThreads, boolean forkIdle, int rounds,
              int hotplugCycles, int bootRuns, int manyDevices, java.util.List<Integer> scaleSizes) {

    static Config full() {
        return new Config(3_000, 200_000, 7, 30_000, 20_000, Duration.ofSeconds(10), 1_000, true, 5,
                300, 5, 1_000, java.util.List.of(1_000, 10_000, 100_000));
    }

    static Config smoke() {
        return new Config(40, 2_000, 1, 200, 200, Duration.ofMillis(50), 20, false, 1,
                5, 1, 20, java.util.List.of(50, 100, 200));
    }
}
