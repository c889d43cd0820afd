package io.kdrv.itest.driver;

import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.ProbeDeferredException;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.WaitQueue;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;

/**
 * The integration tests' driver. Probe starts one kthread {@code testdrv/<device>} that sleeps on a
 * {@link WaitQueue} until it is stopped; remove stops it. Node keys bend that behaviour so the tests can exercise
 * the driver manager's error paths:
 * <ul>
 * <li>{@value #DEFER_UNTIL} (device name): defer probe until this driver has bound that device;</li>
 * <li>{@value #FAIL_PROBE} (message): throw from probe after the kthread started, so devres must stop it;</li>
 * <li>{@value #IGNORE_STOP_MS} (ms): once asked to stop, the kthread keeps sleeping this long before it exits;</li>
 * <li>{@value #FORGET_STOP} (boolean): remove does not stop the kthread, leaving it to devres.</li>
 * </ul>
 */
@Component(service = Driver.class, property = {Driver.COMPATIBLE + "=kdrv,test-driver", Driver.COMPATIBLE + "=kdrv,itest"})
public final class TestDriver implements Driver {
    static final String DEFER_UNTIL = "defer-until";
    static final String FAIL_PROBE = "fail-probe";
    static final String IGNORE_STOP_MS = "ignore-stop-ms";
    static final String FORGET_STOP = "forget-stop";

    /** Devices this driver instance has bound: what {@value #DEFER_UNTIL} waits for. */
    private final Set<String> bound = ConcurrentHashMap.newKeySet();

    @Override
    public void probe(Device dev) throws Exception {
        String dependency = dev.getString(DEFER_UNTIL, null);
        if (dependency != null && !bound.contains(dependency)) {
            throw new ProbeDeferredException("waiting for device " + dependency);
        }
        Worker worker = new Worker(Duration.ofMillis(dev.getLong(IGNORE_STOP_MS, 0)));
        worker.thread = dev.kthreadRun(Worker::run, worker, "testdrv/%s", dev.name());
        String failure = dev.getString(FAIL_PROBE, null);
        if (failure != null) {
            // after the kthread started on purpose: the test checks that devres stops it
            throw new IllegalStateException(failure);
        }
        dev.setDriverData(worker);
        bound.add(dev.name());
    }

    @Override
    public void remove(Device dev) throws Exception {
        bound.remove(dev.name());
        Worker worker = dev.driverData(Worker.class);
        if (worker != null && !dev.getBoolean(FORGET_STOP, false)) {
            worker.thread.stop();
        }
    }

    /** The per-device kthread: sleeps until stopped, then optionally lingers to simulate a stuck thread. */
    private static final class Worker {
        private final WaitQueue queue = new WaitQueue();
        private final Duration lingerAfterStop;
        volatile Kthread thread;

        Worker(Duration lingerAfterStop) {
            this.lingerAfterStop = lingerAfterStop;
        }

        int run() throws InterruptedException {
            queue.waitEventInterruptible(Kthread::shouldStop);
            long deadline = System.nanoTime() + lingerAfterStop.toNanos();
            for (long left = lingerAfterStop.toNanos(); left > 0; left = deadline - System.nanoTime()) {
                // stop() wakes every kdrv wait; a stuck thread just goes back to sleep until its deadline
                queue.waitEventInterruptibleTimeout(() -> false, Duration.ofNanos(left));
            }
            return 0;
        }
    }
}
