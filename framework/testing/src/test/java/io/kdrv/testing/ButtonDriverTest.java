package io.kdrv.testing;

// The README example (framework/board/README.md), kept compiling and passing.
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalInput;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.driver.IrqEvent;
import io.kdrv.testing.KdrvTestBed;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ButtonDriverTest {
    static final class ButtonDriver implements Driver {
        final List<IrqEvent> events = new CopyOnWriteArrayList<>();
        final CountDownLatch twoEdges = new CountDownLatch(2);

        @Override
        public void probe(Device dev) throws Exception {
            DigitalInput key = dev.gpioInput("gpios");
            dev.requestThreadedIrq(key, Edge.BOTH, Duration.ofMillis(dev.getInt("debounce-ms", 0)), e -> {
                events.add(e);
                twoEdges.countDown();
            });
        }
    }

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    @Test
    void pressReachesTheDriverAndUnplugFreesTheLine() throws Exception {
        ButtonDriver driver = new ButtonDriver();
        String id = bed.register(driver, "acme,button");
        assertEquals(DeviceState.BOUND, bed.addDevice("button0", "acme,button", "gpios", 17).state());

        bed.mock().pulse(17);                                   // press + release: two edges
        assertTrue(driver.twoEdges.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(true, false), driver.events.stream().map(IrqEvent::rising).toList());

        bed.unregister(id);                                     // the driver bundle goes away
        assertEquals(DeviceState.UNBOUND, bed.device("button0").state());
        assertTrue(bed.board().lines().isEmpty());              // line released, IRQ kthread stopped
    }                                                           // after the test: leak check
}
