package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceStateMachineTest {
    private static DeviceImpl device(String name) {
        NodeData n = NodeData.of("test:" + name, Map.of("name", name, "compatible", new String[] {"x"}));
        return new DeviceImpl(n, () -> null, () -> Duration.ofSeconds(1), r -> { });
    }

    @Test
    void illegalTransitionNamesDeviceFromAndToAndChangesNothing() {
        DeviceStateMachine states = new DeviceStateMachine();
        DeviceImpl dev = device("d0");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> states.transition(dev, DeviceState.BOUND, "drv", null));
        assertEquals("device d0: illegal state transition UNBOUND -> BOUND", e.getMessage());
        assertEquals(DeviceState.UNBOUND, dev.state());
    }

    @Test
    void aFullLifecycleFollowsTheTableAndReportsOnlySettledStates() {
        DeviceStateMachine states = new DeviceStateMachine();
        List<DeviceState> heard = new ArrayList<>();
        states.setListener(c -> heard.add(c.state()));
        DeviceImpl dev = device("d1");
        states.transition(dev, DeviceState.PROBING, "drv", null);
        states.transition(dev, DeviceState.DEFERRED, "drv", "waiting");
        states.transition(dev, DeviceState.PROBING, "drv", null);
        states.transition(dev, DeviceState.BOUND, "drv", null);
        states.transition(dev, DeviceState.REMOVING, "drv", null);
        states.transition(dev, DeviceState.UNBOUND, null, null);
        assertEquals(List.of(DeviceState.DEFERRED, DeviceState.BOUND, DeviceState.UNBOUND), heard);
    }

    @Test
    void tableCoversEveryStateAndNeverSkipsRemoving() {
        for (DeviceState s : DeviceState.values()) {
            assertTrue(DeviceStateMachine.ALLOWED.containsKey(s), s + " has a row");
            assertFalse(DeviceStateMachine.allowed(s, s), s + " -> " + s);
        }
        assertFalse(DeviceStateMachine.allowed(DeviceState.BOUND, DeviceState.UNBOUND), "BOUND goes through REMOVING");
        assertFalse(DeviceStateMachine.allowed(DeviceState.BOUND, DeviceState.PROBING));
        assertTrue(DeviceStateMachine.allowed(DeviceState.REMOVING, DeviceState.FAILED), "a remove that hung");
        assertFalse(DeviceStateMachine.allowed(DeviceState.REMOVING, DeviceState.PROBING));
    }

    @Test
    void theDeferredListFollowsTransitionsInDeferralOrder() {
        DeviceStateMachine states = new DeviceStateMachine();
        DeviceImpl a = device("a"), b = device("b"), c = device("c");
        assertFalse(states.anyDeferred());
        for (DeviceImpl d : List.of(a, b, c)) {
            states.transition(d, DeviceState.PROBING, "drv", null);
            states.transition(d, DeviceState.DEFERRED, "drv", "waiting");
        }
        assertEquals(List.of(a, b, c), states.deferredInOrder());
        states.transition(a, DeviceState.PROBING, "drv", null); // retried: off the list while probing
        assertEquals(List.of(b, c), states.deferredInOrder());
        states.transition(a, DeviceState.DEFERRED, "drv", "still waiting"); // deferred again: now last
        states.transition(b, DeviceState.UNBOUND, null, null); // node deleted
        assertEquals(List.of(c, a), states.deferredInOrder());
        states.transition(c, DeviceState.PROBING, "drv", null);
        states.transition(c, DeviceState.BOUND, "drv", null);
        states.transition(a, DeviceState.UNBOUND, null, null);
        assertFalse(states.anyDeferred());
    }
}
