package io.kdrv.driver.internal;

import io.kdrv.driver.DeviceState;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device binding state machine: every state change of a {@link DeviceImpl} goes through {@link #transition},
 * which checks it against the one table {@link #ALLOWED} and then tells the listener.
 *
 * <pre>
 * UNBOUND  → PROBING                          match, bind
 * PROBING  → BOUND | DEFERRED | FAILED        really_probe() outcome
 * BOUND    → REMOVING                         device_release_driver()
 * REMOVING → UNBOUND | FAILED                remove returned; remove did not return in time (abandoned)
 * DEFERRED → PROBING | UNBOUND                deferred retry; driver gone, unbind, node change
 * FAILED   → PROBING | UNBOUND                bind, better driver; driver gone, unbind, node change
 * </pre>
 *
 * <p>Called on the probe worker only (states are written there); the listener runs there too.
 */
final class DeviceStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceStateMachine.class);

    /** The allowed transitions, from → to. Anything else is a core bug. */
    static final Map<DeviceState, Set<DeviceState>> ALLOWED = table();

    private static Map<DeviceState, Set<DeviceState>> table() {
        Map<DeviceState, Set<DeviceState>> t = new EnumMap<>(DeviceState.class);
        t.put(DeviceState.UNBOUND, EnumSet.of(DeviceState.PROBING));
        t.put(DeviceState.PROBING, EnumSet.of(DeviceState.BOUND, DeviceState.DEFERRED, DeviceState.FAILED));
        t.put(DeviceState.BOUND, EnumSet.of(DeviceState.REMOVING));
        t.put(DeviceState.REMOVING, EnumSet.of(DeviceState.UNBOUND, DeviceState.FAILED));
        t.put(DeviceState.DEFERRED, EnumSet.of(DeviceState.PROBING, DeviceState.UNBOUND));
        t.put(DeviceState.FAILED, EnumSet.of(DeviceState.PROBING, DeviceState.UNBOUND));
        return t;
    }

    /** States a listener hears about (the settled ones; PROBING and REMOVING are transient). */
    private static final Set<DeviceState> REPORTED =
            EnumSet.of(DeviceState.BOUND, DeviceState.UNBOUND, DeviceState.DEFERRED, DeviceState.FAILED);

    private volatile DriverCore.Listener listener = info -> { };
    // The DEFERRED devices in the order they deferred, kept by transition(): the deferred-probe trigger runs after
    // every successful probe and used to scan every device for one (O(N) per bind, benchmark 9). Worker-confined.
    private final Set<DeviceImpl> deferred = new LinkedHashSet<>();

    void setListener(DriverCore.Listener l) {
        this.listener = l == null ? info -> { } : l;
    }

    static boolean allowed(DeviceState from, DeviceState to) {
        return ALLOWED.get(from).contains(to);
    }

    /**
     * Moves {@code dev} to {@code to}, recording the driver id and reason of the new state.
     *
     * @throws IllegalStateException naming device, from and to, if the table does not allow the transition
     */
    void transition(DeviceImpl dev, DeviceState to, String driverId, String reason) {
        DeviceState from = dev.state();
        if (!allowed(from, to)) {
            throw new IllegalStateException("device " + dev.name() + ": illegal state transition " + from + " -> " + to);
        }
        dev.setBinding(to, driverId, reason);
        if (from == DeviceState.DEFERRED) {
            deferred.remove(dev);
        }
        if (to == DeviceState.DEFERRED) {
            deferred.add(dev);
        }
        if (REPORTED.contains(to)) {
            try {
                listener.deviceChanged(dev.stateChange());
            } catch (RuntimeException e) {
                LOG.warn("device {}: state listener failed", dev.name(), e);
            }
        }
    }

    /** Whether any device is DEFERRED (constant time). */
    boolean anyDeferred() {
        return !deferred.isEmpty();
    }

    /** The DEFERRED devices, in the order they deferred (a copy). */
    List<DeviceImpl> deferredInOrder() {
        return new ArrayList<>(deferred);
    }
}
