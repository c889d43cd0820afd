package io.kdrv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Device links when one consumer's remove hangs: the watchdog abandons it and a fresh probe worker re-runs the
 * controller's unbind from its start. Every consumer unbound because its supplier left must still go back to
 * deferred probe and bind again when the supplier returns (Linux DL_FLAG_AUTOPROBE_CONSUMER), the hung one is
 * FAILED with a reason naming it.
 */
@Timeout(90)
class ControllerUnbindHungConsumerTest {
    private static final Duration REMOVE_BOUND = Duration.ofMillis(500);

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.builder().removeTimeout(REMOVE_BOUND).stopTimeout(Duration.ofSeconds(5))
            .build();

    final CountDownLatch hang = new CountDownLatch(1);
    final List<String> order = new CopyOnWriteArrayList<>();

    /** A consumer on one expander line; its remove hangs for device {@code stuck} until the test lets it go. */
    final class Lamp implements Driver {
        final String stuck;

        Lamp(String stuck) {
            this.stuck = stuck;
        }

        @Override
        public void probe(Device dev) throws Exception {
            dev.gpioOutput("gpios", 0, DigitalState.LOW);
        }

        @Override
        public void remove(Device dev) throws InterruptedException {
            order.add("remove " + dev.name());
            if (dev.name().equals(stuck)) {
                hang.await(); // outside any kdrv wait: only the test's countDown ends it
            }
        }
    }

    @Test
    void consumersUnboundBeforeAHungOneComeBackWithTheController() {
        bed.register(new MemoryGpioController(8), "test,expander");
        bed.register(new Lamp("lamp1"), "test,lamp");
        bed.addDevice("expander0", "test,expander");
        for (int i = 0; i < 3; i++) {
            DeviceInfo l = bed.addDevice("lamp" + i, "test,lamp", "gpios", new String[] {"expander0:" + i});
            assertEquals(DeviceState.BOUND, l.state(), l.reason());
        }

        try {
            bed.unbind("expander0");
            assertEquals(List.of("remove lamp2", "remove lamp1", "remove lamp0"), order,
                    "newest consumer first; the hung remove is not called again");
            for (String c : List.of("lamp0", "lamp2")) {
                DeviceInfo d = bed.device(c);
                assertEquals(DeviceState.DEFERRED, d.state(), c + " waits for its supplier: " + d.reason());
                assertTrue(d.reason().contains("GPIO controller expander0"), d.reason());
            }
            DeviceInfo hung = bed.device("lamp1");
            assertEquals(DeviceState.FAILED, hung.state());
            assertTrue(hung.reason().contains("remove of device lamp1") && hung.reason().contains("did not return"),
                    hung.reason());

            bed.bind("expander0");
            assertEquals(DeviceState.BOUND, bed.awaitState("lamp0", DeviceState.BOUND).state());
            assertEquals(DeviceState.BOUND, bed.awaitState("lamp2", DeviceState.BOUND).state());
            assertEquals(DeviceState.FAILED, bed.device("lamp1").state(), "a driver whose remove hung is not "
                    + "called again by itself");
        } finally {
            hang.countDown(); // the abandoned worker leaves; close() checks that no kthread is left
        }
    }

    @Test
    void aConsumerWhoseReleaseHungIsProbedAgainToo() {
        bed.register(new MemoryGpioController(8), "test,expander");
        bed.register(new Lamp(null), "test,lamp");
        bed.register((Driver) dev -> {
            dev.gpioOutput("gpios", 0, DigitalState.LOW);
            dev.addAction(() -> {
                if (dev.name().equals("stuck0")) {
                    try {
                        hang.await(); // the devres release hangs, after remove returned
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
        }, "test,sticky");
        bed.addDevice("expander0", "test,expander");
        bed.addDevice("stuck0", "test,sticky", "gpios", new String[] {"expander0:0"});
        bed.addDevice("lamp1", "test,lamp", "gpios", new String[] {"expander0:1"});
        try {
            bed.unbind("expander0");
            for (String c : List.of("stuck0", "lamp1")) {
                DeviceInfo d = bed.device(c);
                assertEquals(DeviceState.DEFERRED, d.state(), c + ": " + d.reason());
                assertTrue(d.reason().contains("GPIO controller expander0"), d.reason());
            }
            bed.bind("expander0");
            assertEquals(DeviceState.BOUND, bed.awaitState("lamp1", DeviceState.BOUND).state());
        } finally {
            hang.countDown();
        }
    }

    @Test
    void aHungControllerRemoveStillSendsItsConsumersBackToDeferredProbe() {
        MemoryGpioController lines = new MemoryGpioController(8);
        bed.register(new Driver() {
            @Override
            public void probe(Device dev) {
                lines.probe(dev);
            }

            @Override
            public void remove(Device dev) throws InterruptedException {
                order.add("remove " + dev.name());
                hang.await();
            }
        }, "test,expander");
        bed.register(new Lamp(null), "test,lamp");
        bed.addDevice("expander0", "test,expander");
        bed.addDevice("lamp0", "test,lamp", "gpios", new String[] {"expander0:0"});
        bed.addDevice("lamp1", "test,lamp", "gpios", new String[] {"expander0:1"});
        try {
            bed.unbind("expander0");
            assertEquals(List.of("remove lamp1", "remove lamp0", "remove expander0"), order);
            assertEquals(DeviceState.UNBOUND, bed.device("expander0").state(), "unbound as requested");
            for (String c : List.of("lamp0", "lamp1")) {
                assertEquals(DeviceState.DEFERRED, bed.device(c).state(), c);
            }
        } finally {
            hang.countDown();
        }
    }
}
