package io.kdrv.itest.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.mock.MockBoard;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.SensorReading;
import io.kdrv.drivers.ds18b20.sim.Ds18b20Model;
import io.kdrv.testing.await.Await;
import java.util.Hashtable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.test.common.annotation.InjectService;

/**
 * The 1-Wire device class in Felix: bundle kdrv-driver-ds18b20 resolves and binds a node from Configuration Admin
 * to a DS18B20 model on the mock board's bus; deleting the node stops its poller and releases the slave.
 */
class W1DriverFelixTest extends HotplugTestBase {
    private static final String ID = "28-0000000fe11c";

    @InjectService(timeout = 10_000)
    MockBoard mock;

    @AfterEach
    void detach() {
        try {
            mock.detachW1(ID);
        } catch (IllegalArgumentException notAttached) {
            // the test failed before attaching
        }
    }

    private void node(String name, Object... kv) throws Exception {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("name", name);
        props.put("compatible", new String[] {"maxim,ds18b20"});
        props.put("w1-id", ID);
        props.put("poll-ms", 50);
        for (int i = 0; i < kv.length; i += 2) {
            props.put((String) kv[i], kv[i + 1]);
        }
        createRawNode(name, props);
    }

    @Test
    void aDs18b20NodeBindsReadsAndGoesAwayCleanly() throws Exception {
        Ds18b20Model chip = mock.attachW1(new Ds18b20Model(ID).setTemperature(21.37));
        node("hp-temp0", "resolution", 10);
        DeviceInfo d = awaitState("hp-temp0", DeviceState.BOUND);
        assertEquals("kdrv-driver-ds18b20", d.driver().split("/")[0]);
        SensorReading r = Await.value("a temperature reading", () -> manager.sensor("hp-temp0")
                .map(s -> s.readings().get(0)).filter(x -> !Double.isNaN(x.value())),
                () -> String.valueOf(manager.sensor("hp-temp0")));
        assertEquals(21.25, r.value(), 0.0, "10 bits: 1/4 °C steps");
        assertEquals("°C", r.unit());
        assertEquals(10, chip.resolution());
        assertTrue(kthread("sensor/hp-temp0").isPresent());

        node("hp-temp1"); // the same slave: refused, naming the owner
        DeviceInfo dup = awaitState("hp-temp1", DeviceState.FAILED);
        assertTrue(dup.reason().contains("hp-temp0"), dup.reason());

        deleteNode("hp-temp0");
        Await.until("hp-temp0 removed", () -> manager.device("hp-temp0").isEmpty());
        Await.until("its poller stopped", () -> kthread("sensor/hp-temp0").isEmpty());
        deleteNode("hp-temp1");
        node("hp-temp2"); // the slave was released
        awaitState("hp-temp2", DeviceState.BOUND);
    }
}
