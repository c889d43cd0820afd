package io.kdrv.benchmarks.dsbase;

/**
 * The one class of benchmark 8a's plain-DS baseline bundle, which {@code HotplugBench} builds in memory from this
 * class file and a component description: a DS component with a service, a service property and an optional
 * dynamic greedy field reference, like a kdrv driver's, but no kdrv. It only refers to {@code java.lang}, so the
 * bundle needs no imports. Never used by the harness itself.
 */
public final class DsComponent implements Runnable {
    /** Injected by SCR (field reference {@code other}). */
    volatile Runnable other;

    @Override
    public void run() {
        Runnable r = other;
        if (r != null) {
            r.run();
        }
    }
}
