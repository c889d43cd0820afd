package io.kdrv.itest.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.pwm.Pwm;
import io.kdrv.board.mock.MockBoard;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.drivers.pca9685.sim.Pca9685Chip;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceRegistration;
import org.osgi.test.common.annotation.InjectService;

/**
 * The PWM device class in Felix: a consumer bundle's device on a channel of the pca9685 bundle's controller,
 * deferred until the controller binds, removed before it when the pca9685 bundle stops (device link across
 * bundles), bound again when it restarts.
 */
class PwmControllerTest extends HotplugTestBase {
    private static final String PCA_BSN = "kdrv-driver-pca9685";

    @InjectService(timeout = 10_000)
    MockBoard mock;

    /** A consumer driver registered by this test bundle (whiteboard), as a fan driver bundle would. */
    static final class Fan implements Driver {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void probe(Device dev) throws Exception {
            Pwm p = dev.pwm("pwms");
            p.on();
            events.add("probe " + dev.name());
        }

        @Override
        public void remove(Device dev) {
            events.add("remove " + dev.name());
        }
    }

    private Bundle pcaBundle() {
        return Arrays.stream(ownContext().getBundles()).filter(b -> PCA_BSN.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("bundle " + PCA_BSN + " is not installed"));
    }

    @Test
    void aConsumerDefersUntilThePca9685BindsAndGoesFirstWhenItsBundleStops() throws Exception {
        Pca9685Chip chip = mock.attach(1, 0x40, new Pca9685Chip());
        Fan fan = new Fan();
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(Driver.COMPATIBLE, new String[] {"hp,pwm-fan"});
        ServiceRegistration<Driver> reg = ownContext().registerService(Driver.class, fan, props);
        Bundle pca = pcaBundle();
        try {
            Hashtable<String, Object> fanNode = new Hashtable<>();
            fanNode.put("name", "hp-fan");
            fanNode.put("compatible", new String[] {"hp,pwm-fan"});
            fanNode.put("pwms", new String[] {"hp-pca:3"});
            fanNode.put("pwm-frequency", 50);
            fanNode.put("pwm-duty-cycle", 25);
            createRawNode("hp-fan", fanNode);
            DeviceInfo deferred = awaitState("hp-fan", DeviceState.DEFERRED);
            assertTrue(deferred.reason().contains("PWM controller hp-pca is not bound"), deferred.reason());

            Hashtable<String, Object> pcaNode = new Hashtable<>();
            pcaNode.put("name", "hp-pca");
            pcaNode.put("compatible", new String[] {"nxp,pca9685-pwm"});
            pcaNode.put("i2c-bus", 1);
            pcaNode.put("reg", "0x40");
            pcaNode.put("frequency", 50);
            createRawNode("hp-pca", pcaNode);
            awaitState("hp-pca", DeviceState.BOUND);
            awaitState("hp-fan", DeviceState.BOUND);
            assertEquals(121, chip.prescale(), "50 Hz");
            assertEquals(1024, chip.off(3), "25 % of 4096 counts");
            assertTrue(chip.running());

            pca.stop(); // synchronous: the fan (device link) and then the chip are removed before stop returns
            assertEquals(List.of("probe hp-fan", "remove hp-fan"), fan.events);
            assertTrue(chip.allOff(), "every output off");
            assertFalse(chip.running(), "the chip sleeps");
            assertEquals(DeviceState.DEFERRED, device("hp-fan").state());

            pca.start();
            awaitState("hp-pca", DeviceState.BOUND);
            awaitState("hp-fan", DeviceState.BOUND);
            assertEquals(1024, chip.off(3), "the fan runs again");
        } finally {
            if (pca.getState() != Bundle.ACTIVE) {
                pca.start();
            }
            deleteNode("hp-fan");
            deleteNode("hp-pca");
            awaitIdle();
            reg.unregister();
            mock.detach(1, 0x40);
        }
    }
}
