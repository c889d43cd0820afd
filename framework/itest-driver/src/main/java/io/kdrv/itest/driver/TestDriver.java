package io.kdrv.itest.driver;

import com.pi4j.io.gpio.digital.DigitalInput;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.ProbeDeferredException;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.WaitQueue;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

/**
 * The integration tests' driver. Probe starts one kthread {@code testdrv/<device>} that sleeps on a
 * {@link WaitQueue} until it is stopped; remove stops it. Node keys bend that behaviour so the tests can exercise
 * the driver manager's error paths:
 * <ul>
 * <li>{@value #DEFER_UNTIL} (device name): defer probe until this driver has bound that device;</li>
 * <li>{@value #FAIL_PROBE} (message): throw from probe after the kthread started, so devres must stop it;</li>
 * <li>{@value #IGNORE_STOP_MS} (ms): once asked to stop, the kthread keeps sleeping this long before it exits;</li>
 * <li>{@value #FORGET_STOP} (boolean): remove does not stop the kthread, leaving it to devres;</li>
 * <li>{@value #GPIOS} (GPIO line): probe claims that line as an input (devres must free it);</li>
 * <li>{@value #IRQ} (boolean, with {@value #GPIOS}): probe requests a threaded IRQ on both edges of the line;</li>
 * <li>{@value #THROW_IN_THREAD} (message): the kthread's function throws at once (the device stays bound);</li>
 * <li>{@value #THROW_IN_REMOVE} (message): remove throws without stopping the kthread (devres must);</li>
 * <li>{@value #BLOCK_PROBE_MS} (ms): probe blocks this long (ignoring stop), then fails: a probe timeout test;</li>
 * <li>{@value #LEAK_RAW_THREAD} (boolean): probe also starts a raw {@code java.lang.Thread} {@code leaky/<device>}
 *     (deliberately not a kthread, so devres cannot stop it) that runs until system property
 *     {@code kdrv.itest.release.<device>} is {@code true} (at most a minute): a leak the framework must report.</li>
 * </ul>
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = {Driver.COMPATIBLE + "=kdrv,test-driver", Driver.COMPATIBLE + "=kdrv,itest"})
public final class TestDriver implements Driver {
    static final String DEFER_UNTIL = "defer-until";
    static final String FAIL_PROBE = "fail-probe";
    static final String IGNORE_STOP_MS = "ignore-stop-ms";
    static final String FORGET_STOP = "forget-stop";
    static final String GPIOS = "gpios";
    static final String IRQ = "irq";
    static final String THROW_IN_THREAD = "throw-in-thread";
    static final String THROW_IN_REMOVE = "throw-in-remove";
    static final String BLOCK_PROBE_MS = "block-probe-ms";
    static final String LEAK_RAW_THREAD = "leak-raw-thread";

    /** The node keys this driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(
            NodeKey.ofString(DEFER_UNTIL).description("defer until this device is bound by this driver"),
            NodeKey.ofString(FAIL_PROBE).description("probe throws with this message, after starting its kthread"),
            NodeKey.ofLong(IGNORE_STOP_MS).defaultValue(0L).min(0).description("the kthread lingers this long after stop"),
            NodeKey.ofBoolean(FORGET_STOP).defaultValue(false).description("remove does not stop the kthread"),
            NodeKey.ofIntArray(GPIOS).min(0).description("an input line to claim"),
            NodeKey.ofBoolean(IRQ).defaultValue(false).description("request a threaded IRQ on the input"),
            NodeKey.ofString(THROW_IN_THREAD).description("the kthread throws with this message"),
            NodeKey.ofString(THROW_IN_REMOVE).description("remove throws with this message"),
            NodeKey.ofLong(BLOCK_PROBE_MS).defaultValue(0L).min(0).description("probe blocks this long, ignoring stop"),
            NodeKey.ofBoolean(LEAK_RAW_THREAD).defaultValue(false)
                    .description("probe starts a raw java.lang.Thread (not a kthread) that outlives the bundle"));

    /** Devices this driver instance has bound: what {@value #DEFER_UNTIL} waits for. */
    private final Set<String> bound = ConcurrentHashMap.newKeySet();

    @Override
    public Binding binding() {
        return BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        String dependency = dev.getString(DEFER_UNTIL, null);
        if (dependency != null && !bound.contains(dependency)) {
            throw new ProbeDeferredException("waiting for device " + dependency);
        }
        long blockMs = dev.getLong(BLOCK_PROBE_MS);
        if (blockMs > 0) {
            // a wedged probe: acquires nothing, so the core's timeout path only has to abandon this thread
            lingerIgnoringStop(new WaitQueue(), Duration.ofMillis(blockMs));
            throw new IllegalStateException("probe blocked for " + blockMs + " ms");
        }
        if (dev.has(GPIOS)) {
            DigitalInput in = dev.gpioInput(GPIOS);
            if (dev.getBoolean(IRQ)) {
                dev.requestThreadedIrq(in, Edge.BOTH, event -> { });
            }
        }
        if (dev.getBoolean(LEAK_RAW_THREAD)) {
            leakRawThread("leaky/" + dev.name(), "kdrv.itest.release." + dev.name());
        }
        Worker worker = new Worker(Duration.ofMillis(dev.getLong(IGNORE_STOP_MS)),
                dev.getString(THROW_IN_THREAD, null));
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
        String failure = dev.getString(THROW_IN_REMOVE, null);
        if (failure != null) {
            // before stopping the kthread on purpose: the test checks that devres stops it anyway
            throw new IllegalStateException(failure);
        }
        if (worker != null && !dev.getBoolean(FORGET_STOP)) {
            worker.thread.stop();
        }
    }

    /** The per-device kthread: sleeps until stopped, then optionally lingers to simulate a stuck thread. */
    private static final class Worker {
        private final WaitQueue queue = new WaitQueue();
        private final Duration lingerAfterStop;
        private final String throwMessage;
        volatile Kthread thread;

        Worker(Duration lingerAfterStop, String throwMessage) {
            this.lingerAfterStop = lingerAfterStop;
            this.throwMessage = throwMessage;
        }

        int run() throws InterruptedException {
            if (throwMessage != null) {
                throw new IllegalStateException(throwMessage);
            }
            queue.waitEventInterruptible(Kthread::shouldStop);
            lingerIgnoringStop(queue, lingerAfterStop);
            return 0;
        }
    }

    /**
     * The bug the framework must catch: a plain thread that neither devres nor remove knows of. It polls its release
     * property (a raw thread cannot use kdrv waits that stop() would wake) and gives up after a minute, so a failed
     * test does not leave it spinning for the rest of the run.
     */
    private static void leakRawThread(String name, String releaseProperty) {
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!Boolean.getBoolean(releaseProperty) && System.nanoTime() - deadline < 0) {
                LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    /** Sleeps for {@code time} whatever happens: stop() wakes every kdrv wait, so a stuck thread goes back to sleep. */
    static void lingerIgnoringStop(WaitQueue queue, Duration time) throws InterruptedException {
        long deadline = System.nanoTime() + time.toNanos();
        for (long left = time.toNanos(); left > 0; left = deadline - System.nanoTime()) {
            queue.waitEventInterruptibleTimeout(() -> false, Duration.ofNanos(left));
        }
    }
}
