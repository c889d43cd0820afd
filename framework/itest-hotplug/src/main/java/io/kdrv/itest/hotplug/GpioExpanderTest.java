package io.kdrv.itest.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.LineInfo;
import io.kdrv.board.mock.MockBoard;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.mcp23017.sim.Mcp23017Chip;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.await.Await;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.test.common.annotation.InjectService;

/**
 * A GPIO controller provided by a driver bundle in a real Felix: an MCP23017 (register model on the mock board,
 * INTA on SoC line 22) and gpio-keys on one of its lines, both configured through Configuration Admin with the
 * stored reference form {@code "hp-exp0:3"}; key edges arrive through the INTA cascade; stopping the mcp23017
 * bundle removes the consumer first (device link) and defers it, starting it binds it again.
 */
class GpioExpanderTest extends HotplugTestBase {
    private static final int INT = 22;
    private static final String MCP_BSN = "kdrv-driver-mcp23017";

    @InjectService(timeout = 10_000)
    MockBoard mock;

    private Optional<LineInfo> line(String label) {
        return board.lines().stream().filter(l -> l.label().equals(label)).findFirst();
    }

    private Bundle mcpBundle() {
        return Arrays.stream(ownContext().getBundles()).filter(b -> MCP_BSN.equals(b.getSymbolicName())).findFirst()
                .orElseThrow(() -> new AssertionError("bundle " + MCP_BSN + " is not installed"));
    }

    @Test
    void keysOnAnExpanderLineGetEdgesThroughIntaAndFollowTheExpanderBundle() throws Exception {
        Mcp23017Chip chip = mock.attach(1, 0x20, new Mcp23017Chip()).wireIntA(mock, INT);
        try {
            chip.setInput(3, true);
            Hashtable<String, Object> exp = new Hashtable<>();
            exp.put("name", "hp-exp0");
            exp.put("compatible", new String[] {"microchip,mcp23017"});
            exp.put("i2c-bus", 1);
            exp.put("reg", 0x20);
            exp.put("interrupts", new int[] {INT});
            Hashtable<String, Object> keys = new Hashtable<>();
            keys.put("name", "hp-keys");
            keys.put("compatible", new String[] {"gpio-keys"});
            keys.put("gpios", new String[] {"hp-exp0:3"});
            keys.put("gpio-flags", new String[] {"pull-up|active-low"});
            keys.put("labels", new String[] {"OK"});
            keys.put("debounce-ms", 0);
            createRawNode("hp-keys", keys); // the consumer first: it defers until the controller is there
            createRawNode("hp-exp0", exp);
            awaitState("hp-exp0", DeviceState.BOUND);
            awaitState("hp-keys", DeviceState.BOUND);
            assertTrue(chip.pullUp(3) && chip.interruptEnabled(3));

            chip.setInput(3, false);
            Await.until("press handled", () -> line("hp-exp0:3").map(l -> l.handled() == 1).orElse(false),
                    () -> board.lines().toString());
            chip.setInput(3, true);
            Await.until("release handled", () -> line("hp-exp0:3").map(l -> l.handled() == 2).orElse(false),
                    () -> board.lines().toString());
            assertEquals("irq/hp-exp0:3-hp-keys", line("hp-exp0:3").orElseThrow().irqThread());

            Bundle mcp = mcpBundle();
            mcp.stop();
            DeviceInfo k = awaitState("hp-keys", DeviceState.DEFERRED);
            assertTrue(k.reason().contains("GPIO controller hp-exp0"), k.reason());
            assertTrue(line("hp-exp0:3").isEmpty() && line(String.valueOf(INT)).isEmpty(), board.lines().toString());
            assertTrue(Kthreads.list().stream().noneMatch(t -> t.name().contains("hp-exp0")),
                    Kthreads.list().toString());
            assertEquals(0xFF, chip.peek(0x00), "the expander reset every pin to an input on remove");

            mcp.start();
            awaitState("hp-keys", DeviceState.BOUND);
            chip.setInput(3, false);
            Await.until("press after the bundle came back",
                    () -> line("hp-exp0:3").map(l -> l.handled() == 1).orElse(false), () -> board.lines().toString());
        } finally {
            deleteNode("hp-keys");
            deleteNode("hp-exp0");
            Await.until("expander devices gone", () -> manager.device("hp-exp0").isEmpty()
                    && manager.device("hp-keys").isEmpty());
            mock.detach(1, 0x20);
        }
    }
}
