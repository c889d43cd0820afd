package io.kdrv.driver.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.kthread.Kthread;
import java.util.List;

/** A scriptable driver: records where probe/remove ran and runs optional per-test steps. */
final class TestDriver implements Driver {
    @FunctionalInterface
    interface Step {
        void run(Device dev) throws Exception;
    }

    final List<String> log;
    final String label;
    volatile Step onProbe = dev -> { };
    volatile Step onRemove = dev -> { };
    volatile Binding binding = Binding.UNDECLARED;

    TestDriver(String label, List<String> log) {
        this.label = label;
        this.log = log;
    }

    static String thread() {
        Kthread k = Kthread.current();
        return k == null ? "not-a-kthread:" + Thread.currentThread().getName() : k.name();
    }

    @Override
    public Binding binding() {
        return binding;
    }

    @Override
    public void probe(Device dev) throws Exception {
        log.add(label + " probe " + dev.name() + " on " + thread());
        onProbe.run(dev);
    }

    @Override
    public void remove(Device dev) throws Exception {
        log.add(label + " remove " + dev.name() + " on " + thread());
        onRemove.run(dev);
    }
}
