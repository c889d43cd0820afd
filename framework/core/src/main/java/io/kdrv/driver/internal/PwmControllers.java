package io.kdrv.driver.internal;

import io.kdrv.driver.PwmController;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The PWM controllers registered by drivers, by device name, and the claims on their channels (one claimant per
 * channel, like a SoC line). Registration lives from {@code Device.registerPwmController} in the controller's probe
 * until its devres release; the device links that remove consumers first are on the consumers
 * ({@link DeviceImpl#suppliers()}).
 *
 * <p>Thread-safe; no driver code runs under this object's lock.
 */
final class PwmControllers {
    /** One registered controller. */
    static final class Entry {
        final String device;
        final PwmController controller;
        final int channels;
        private final Map<Integer, String> claims = new TreeMap<>(); // guarded by the registry
        private volatile boolean live = true;

        private Entry(String device, PwmController controller, int channels) {
            this.device = device;
            this.controller = controller;
            this.channels = channels;
        }

        /** @return false once the controller's device released it */
        boolean live() {
            return live;
        }
    }

    private final Map<String, Entry> byDevice = new HashMap<>(); // guarded by this
    /** The state of the device of that name, null when there is no such node (for deferral reasons). */
    private final java.util.function.Function<String, io.kdrv.driver.DeviceState> states;

    PwmControllers() {
        this(name -> null);
    }

    PwmControllers(java.util.function.Function<String, io.kdrv.driver.DeviceState> states) {
        this.states = states;
    }

    /** @return the state of device {@code name}, null when no node has that name */
    io.kdrv.driver.DeviceState deviceState(String name) {
        return states.apply(name);
    }

    /** @throws IllegalStateException the device already has a controller */
    synchronized Entry register(String device, PwmController controller, int channels) {
        if (byDevice.containsKey(device)) {
            throw new IllegalStateException("device " + device + " already has a PWM controller");
        }
        Entry e = new Entry(device, controller, channels);
        byDevice.put(device, e);
        return e;
    }

    synchronized void unregister(Entry e) {
        e.live = false;
        byDevice.remove(e.device, e);
        if (!e.claims.isEmpty()) {
            // Device links remove consumers first; a claim left here means a consumer outlived its supplier
            // (e.g. its release timed out): its Pwm now fails naming the controller instead of writing to nothing.
            org.slf4j.LoggerFactory.getLogger(PwmControllers.class).warn(
                    "PWM controller {} unregistered with channels still claimed: {}", e.device, e.claims);
        }
    }

    /** @return the live controller of {@code device}, or null */
    synchronized Entry lookup(String device) {
        return byDevice.get(device);
    }

    /** @throws IllegalStateException the channel is claimed by another device, or the controller is gone */
    synchronized void claim(Entry e, int channel, String owner) {
        if (!e.live) {
            throw new IllegalStateException("PWM controller " + e.device + " is no longer registered");
        }
        String held = e.claims.get(channel);
        if (held != null) {
            throw new IllegalStateException("PWM " + e.device + ":" + channel + " is already claimed by device " + held);
        }
        e.claims.put(channel, owner);
    }

    synchronized void unclaim(Entry e, int channel, String owner) {
        e.claims.remove(channel, owner);
    }
}
