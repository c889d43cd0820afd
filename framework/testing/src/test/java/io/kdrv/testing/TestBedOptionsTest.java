package io.kdrv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.driver.ProbeDeferredException;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.Kthreads;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

/** The test bed's settings and guarantees: ids, ranking, settled bind, timeouts, leak check on close. */
@Timeout(60)
class TestBedOptionsTest {
    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.builder().stopTimeout(Duration.ofMillis(200)).build();

    static final class Named implements Driver {
        final String label;

        Named(String label) {
            this.label = label;
        }

        @Override
        public void probe(Device dev) {
            dev.setDriverData(label);
        }
    }

    static final class Other implements Driver {
        @Override
        public void probe(Device dev) {
        }
    }

    @Test
    void driverIdsAreSuffixedOnlyWhenTheSameIdIsRegisteredAgain() {
        assertEquals("test/Named", bed.register(new Named("a"), "x"));
        assertEquals("test/Other", bed.register(new Other(), "y"));
        assertEquals("test/Named#2", bed.register(new Named("b"), "z"));
        assertEquals("mine", bed.register("mine", new Other(), "w"));
    }

    @Test
    void theHigherRankedDriverWinsEvenWhenRegisteredLater() {
        bed.register("low", new Named("low"), 0, "x");
        bed.register("high", new Named("high"), 10, "x");
        assertEquals("high", bed.addDevice("d0", "x").driver());
    }

    /** Drivers for "s" (the supplier; its state in the returned flag) and "c" (defers until a supplier is up). */
    private AtomicBoolean registerSupplierAndConsumer() {
        AtomicBoolean supplierUp = new AtomicBoolean();
        bed.register("supplier", new Driver() {
            @Override
            public void probe(Device dev) {
                supplierUp.set(true);
            }

            @Override
            public void remove(Device dev) {
                supplierUp.set(false);
            }
        }, "s");
        bed.register("consumer", dev -> {
            if (!supplierUp.get()) {
                throw new ProbeDeferredException("waiting for s0");
            }
        }, "c");
        return supplierUp;
    }

    @Test
    void bindReturnsOnlyOnceTheDeferredConsumerWasRetried() {
        AtomicBoolean supplierUp = registerSupplierAndConsumer();
        bed.addDevice("s0", "s");
        bed.unbind("s0");
        assertEquals(DeviceState.DEFERRED, bed.addDevice("c0", "c").state());
        assertEquals(DeviceState.BOUND, bed.bind("s0").state());
        assertEquals(DeviceState.BOUND, bed.device("c0").state(), "the retry triggered by s0's probe has run");
    }

    @Test
    void nodesHandedOverAtOnceBindInAnyOrderAndRemoveTogether() {
        AtomicBoolean supplierUp = registerSupplierAndConsumer();
        // the consumer first: it defers, and is bound by the retry after s0's probe, before addDevices returns
        var ds = bed.addDevices(List.of(Map.of("name", "c0", "compatible", new String[] {"c"}),
                Map.of("name", "s0", "compatible", new String[] {"s"})));
        assertEquals(List.of("c0", "s0"), ds.stream().map(DeviceInfo::name).toList());
        assertEquals(List.of(DeviceState.BOUND, DeviceState.BOUND), ds.stream().map(DeviceInfo::state).toList());
        bed.removeDevices(List.of("s0", "c0"));
        assertEquals(List.of(), bed.devices());
        assertTrue(!supplierUp.get(), "s0 removed");
    }

    @Test
    void addDevicesAddsTheValidNodesAndReportsTheBadOneByName() {
        bed.register("named", new Named("n"), "x");
        DeviceConfigException e = assertThrows(DeviceConfigException.class, () -> bed.addDevices(List.of(
                Map.of("name", "ok0", "compatible", new String[] {"x"}),
                Map.of("name", "Bad Name!", "compatible", new String[] {"x"}))));
        assertTrue(e.getMessage().contains("Bad Name!"), e.getMessage());
        assertEquals(DeviceState.BOUND, bed.device("ok0").state(), "the valid node was added all the same");
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> bed.removeDevices(List.of("ok0", "never-added")));
        assertTrue(unknown.getMessage().contains("never-added"), unknown.getMessage());
        assertEquals(DeviceState.BOUND, bed.device("ok0").state(), "nothing deleted when one name is unknown");
    }

    @Test
    void theStopTimeoutBoundsRemoveOfAKthreadThatIgnoresStop() throws Exception {
        CountDownLatch hang = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        bed.register(dev -> dev.kthreadRun(x -> {
            running.countDown();
            hang.await(); // ignores kthread_stop
            return 0;
        }, null, "stubborn/%s", dev.name()), "st");
        bed.addDevice("st0", "st");
        // a stop() that overtakes the start skips the function (kthread_stop semantics): let it run first
        assertTrue(running.await(30, java.util.concurrent.TimeUnit.SECONDS));
        try {
            assertEquals(DeviceState.UNBOUND, bed.unbind("st0").state(), "remove gave up on the kthread after 200 ms");
            assertTrue(Kthreads.list().stream().anyMatch(k -> k.name().equals("stubborn/st0")), "left behind");
        } finally {
            hang.countDown(); // it exits; the leak check after the test waits for that
        }
    }

    @Test
    void closeRunsTheKthreadLeakCheck() {
        KdrvTestBed own = KdrvTestBed.builder().leakCheckGrace(Duration.ofMillis(100)).build();
        own.start();
        Kthread leaked = Kthread.run(x -> {
            while (!Kthread.shouldStop()) {
                Kthread.sleep(Duration.ofSeconds(10));
            }
            return 0;
        }, null, "leaked/1");
        try {
            AssertionFailedError e = assertThrows(AssertionFailedError.class, own::close);
            assertTrue(e.getMessage().contains("leaked/1"), e.getMessage());
        } finally {
            leaked.stop();
        }
    }
}
