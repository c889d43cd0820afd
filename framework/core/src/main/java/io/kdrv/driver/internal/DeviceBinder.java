package io.kdrv.driver.internal;

import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.ProbeDeferredException;
import io.kdrv.driver.host.HostConfig;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binding and unbinding one device (Linux {@code drivers/base/dd.c}): {@code really_probe}, {@code
 * device_release_driver}, and the deferred-probe trigger. Runs on the probe worker only; its counters are confined
 * to it.
 */
final class DeviceBinder {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceBinder.class);

    static final Comparator<DeviceImpl> BY_REGISTRATION = Comparator.comparingLong(d -> d.registeredSeq);
    static final Comparator<DeviceImpl> BY_PROBE_REVERSED =
            Comparator.comparingLong((DeviceImpl d) -> d.boundSeq).reversed();
    private static final Comparator<DeviceImpl> BY_DEFERRAL = Comparator.comparingLong(d -> d.deferredSeq);

    private final DeviceRegistry devices;
    private final DriverMatcher matcher;
    private final DriverCalls calls;
    private final DeviceStateMachine states;
    private final ProbeQueue queue;
    /** FAILED devices by the unknown GPIO controller they named (probe queue only): retried when that node appears. */
    private final Map<String, List<DeviceImpl>> waitingForNode = new java.util.HashMap<>();
    /** Who holds a resource of whom (shared with the devices, which link themselves). */
    final DeviceLinks links = new DeviceLinks();
    /**
     * Consumers unbound because their supplier is unbinding, by supplier, until its unbind ends and they are probed
     * again (probe queue only). Kept here, not in the unbind's locals: when a consumer's remove hangs, the fresh
     * worker re-runs the item from its start (ProbeQueue.takeOver) and must still find the ones unbound before.
     */
    private final Map<DeviceImpl, List<DeviceImpl>> unboundBySupplier = new java.util.HashMap<>();
    private final Supplier<HostConfig> config;

    // Worker-confined.
    private long seq;
    private boolean retryQueued;

    DeviceBinder(DeviceRegistry devices, DriverMatcher matcher, DriverCalls calls, DeviceStateMachine states,
            ProbeQueue queue, Supplier<HostConfig> config) {
        this.devices = devices;
        this.matcher = matcher;
        this.calls = calls;
        this.states = states;
        this.queue = queue;
        this.config = config;
    }

    /** Stamps a newly registered device with its registration order. */
    void registered(DeviceImpl dev) {
        dev.registeredSeq = ++seq;
    }

    /** Probes {@code dev} with its best driver, if any and if allowed. */
    void attach(DeviceImpl dev) {
        if (queue.closed() || dev.manualUnbound) {
            return;
        }
        DeviceState s = dev.state();
        if (s == DeviceState.BOUND || s == DeviceState.PROBING || s == DeviceState.REMOVING) {
            return;
        }
        DriverEntry d = matcher.bestMatch(dev);
        if (d == null) {
            // A forced driver that does not exist is a typo as often as a driver still to come: say which, so
            // kdrv:devices and kdrv:deferred show it instead of a silent UNBOUND.
            String forced = dev.node().forcedDriver();
            String why = forced == null ? null : "waiting for driver " + Props.printable(forced)
                    + " (forced by node key 'driver'; registered drivers: " + matcher.ids() + ")";
            if (s != DeviceState.UNBOUND) {
                dev.driver = null;
                states.transition(dev, DeviceState.UNBOUND, null, why);
            } else {
                dev.noteUnbound(why);
            }
            return;
        }
        probe(dev, d);
    }

    /** really_probe(): one probe attempt, with its outcome recorded in the device state. */
    void probe(DeviceImpl dev, DriverEntry d) {
        if (queue.closed() || queue.abandonedInCurrent(dev)) {
            return; // a re-run of the item whose probe of dev hung (ProbeQueue.takeOver) does not call it again
        }
        dev.pruneAbandoned();
        dev.newDevres();
        dev.driver = d;
        dev.clearDriverData();
        dev.binding(d.binding());
        states.transition(dev, DeviceState.PROBING, d.id(), null);
        if (!fitsBinding(dev, d)) {
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("device {}: probing with driver {}", dev.name(), d.id());
        }
        Duration timeout = config.get().probeTimeout();
        DriverCalls.Outcome call = calls.callInline(dev, "probe by driver " + d.id(), timeout,
                () -> d.driver().probe(dev), thread -> probeAbandoned(dev, d, timeout, thread));
        if (call.timedOut()) {
            return; // probeAbandoned ran
        }
        Throwable err = call.error();
        if (err == null) {
            dev.countProbe();
            dev.boundSeq = ++seq;
            states.transition(dev, DeviceState.BOUND, d.id(), null);
            LOG.info("device {}: bound to driver {}", dev.name(), d.id());
            triggerDeferred();
            return;
        }
        // As really_probe(): resources go before the state says FAILED/DEFERRED, so anyone who sees that state
        // also sees the probe's threads and pins gone.
        if (err instanceof ProbeDeferredException pde) {
            String reason = pde.getMessage() == null ? "deferred" : pde.getMessage();
            dev.deferredSeq = ++seq;
            release(dev, () -> {
                states.transition(dev, DeviceState.DEFERRED, d.id(), reason);
                LOG.info("device {}: probe by driver {} deferred: {}", dev.name(), d.id(), reason);
            });
            return;
        }
        String msg = err.getMessage() == null || err.getMessage().isBlank() ? err.toString() : err.getMessage();
        String missing = dev.missingController();
        if (missing == null) {
            LOG.error("device {}: probe by driver {} failed: {}", dev.name(), d.id(), msg, err);
        } else {
            // Configuration Admin hands nodes over in any order: at start this is usually a node still on its way,
            // so not an ERROR line in a healthy start; the state and kdrv:devices keep the reason.
            LOG.info("device {}: probe by driver {} failed: {} (retried when a node named {} appears)", dev.name(),
                    d.id(), msg, missing);
        }
        if (missing != null) {
            List<DeviceImpl> waiting = waitingForNode.computeIfAbsent(missing, k -> new java.util.ArrayList<>(1));
            if (!waiting.contains(dev)) {
                waiting.add(dev);
            }
        }
        release(dev, () -> states.transition(dev, DeviceState.FAILED, d.id(), msg));
    }

    /** The probe of {@code dev} hung and its kthread was abandoned: resources released, the device FAILED. */
    private void probeAbandoned(DeviceImpl dev, DriverEntry d, Duration timeout, String thread) {
        queue.markAbandonedInCurrent(dev);
        String msg = "probe of device " + dev.name() + " by driver " + d.id() + " did not return within "
                + timeout.toMillis() + " ms (kthread " + thread + " abandoned)";
        release(dev, () -> states.transition(dev, DeviceState.FAILED, d.id(), msg));
    }

    /**
     * Checks the node against the driver's binding; a misfit fails the device without calling the driver (the
     * reason is the {@link io.kdrv.driver.DeviceConfigException} message, naming device and key).
     */
    private boolean fitsBinding(DeviceImpl dev, DriverEntry d) {
        Map<String, Object> props = dev.node().properties();
        List<DeviceConfigException> problems = BindingCheck.check(dev.name(), props, d.binding());
        for (String k : BindingCheck.undeclared(props, d.binding())) {
            LOG.warn("device {}: key '{}' is not declared by driver {} (declared: {}); ignored by the core", dev.name(),
                    k, d.id(), d.binding().keys().stream().map(io.kdrv.driver.NodeKey::name).toList());
        }
        if (problems.isEmpty()) {
            return true;
        }
        String msg = String.join("; ", problems.stream().map(Throwable::getMessage).toList());
        LOG.error("device {}: node does not fit driver {}: {}; probe not called", dev.name(), d.id(), msg);
        dev.takeDevres(); // nothing was acquired: close the list
        states.transition(dev, DeviceState.FAILED, d.id(), msg);
        return false;
    }

    /**
     * Unbinds a BOUND device (its consumers first, then remove, then devres release); DEFERRED/FAILED devices just
     * become UNBOUND. A remove that does not return in time leaves the device FAILED ({@link #removeAbandoned}).
     */
    void detach(DeviceImpl dev, String why) {
        DeviceState s = dev.state();
        if (s == DeviceState.BOUND) {
            unbindConsumers(dev);
            DriverEntry d = dev.driver;
            states.transition(dev, DeviceState.REMOVING, d.id(), null);
            // remove, then the devres release in the same bounded call; the list is taken only after remove
            // returned, so threads the driver stops in remove may still use its resources
            java.util.concurrent.atomic.AtomicReference<Devres> taken = new java.util.concurrent.atomic.AtomicReference<>();
            Duration timeout = config.get().removeTimeout();
            DriverCalls.Outcomes out = calls.callThenInline(dev, "remove by driver " + d.id(), timeout,
                    () -> d.driver().remove(dev),
                    thread -> removeAbandoned(dev, d, timeout, thread),
                    "devres release", timeout, () -> {
                        Devres res = dev.takeDevres();
                        taken.set(res);
                        if (res != null) {
                            res.releaseAll();
                        }
                    }, thread -> {
                        Devres res = taken.get();
                        LOG.error("device {}: resources still held after the devres timeout: {}", dev.name(),
                                res == null ? "?" : res.describe());
                        unbound(dev, d, why);
                        consumersBack(dev);
                    });
            if (out.first().timedOut() || out.second().timedOut()) {
                return; // the repair above finished the unbind
            }
            if (out.first().error() != null) {
                LOG.error("device {}: remove by driver {} threw; its resources were released anyway", dev.name(),
                        d.id(), out.first().error());
            }
            unbound(dev, d, why);
            consumersBack(dev);
        } else if (s == DeviceState.DEFERRED || s == DeviceState.FAILED) {
            dev.driver = null;
            states.transition(dev, DeviceState.UNBOUND, null, null);
        }
    }

    /**
     * The remove of {@code dev} hung and its kthread was abandoned (on the fresh worker, before the item runs
     * again): resources released, the device FAILED with a reason naming the hung call, so it is not probed again
     * by itself while the driver may still be in its remove; its own consumers go back to deferred probe.
     */
    private void removeAbandoned(DeviceImpl dev, DriverEntry d, Duration timeout, String thread) {
        String msg = "remove of device " + dev.name() + " by driver " + d.id() + " did not return within "
                + timeout.toMillis() + " ms (kthread " + thread + " abandoned)";
        release(dev, () -> {
            dev.clearDriverData();
            dev.countRemove();
            dev.driver = null; // no longer bound: the item's re-run (a driver removal) does not unbind it again
            states.transition(dev, DeviceState.FAILED, d.id(), msg);
            LOG.warn("device {}: {}; FAILED until bound again (kdrv:bind) or its driver changes", dev.name(), msg);
            consumersBack(dev);
        });
    }

    /** The end of an unbind whose remove was called apart (the shutdown): devres release, then UNBOUND. */
    void releaseAndUnbind(DeviceImpl dev, DriverEntry d, String why) {
        // On the standby call kthread, not inline: a release that hung inline would re-run the shutdown item
        // (ProbeQueue.takeOver), and the removes ShutdownRemoval set aside live in its locals.
        Devres res = dev.takeDevres();
        if (res != null && res.size() != 0
                && calls.call(dev, "devres release", config.get().removeTimeout(), res::releaseAll).timedOut()) {
            LOG.error("device {}: resources still held after the devres timeout: {}", dev.name(), res.describe());
        }
        unbound(dev, d, why);
    }

    /**
     * The end of a supplier's unbind: the consumers it unbound are probed again (Linux
     * {@code DL_FLAG_AUTOPROBE_CONSUMER}), so they defer until it is back. Only the UNBOUND ones: a consumer whose
     * remove hung is FAILED and waits for {@code kdrv:bind}; one deleted meanwhile is skipped.
     */
    private void consumersBack(DeviceImpl supplier) {
        List<DeviceImpl> consumers = unboundBySupplier.remove(supplier);
        if (consumers == null) {
            return;
        }
        consumers.sort(BY_REGISTRATION);
        for (DeviceImpl c : consumers) {
            if (devices.byName(c.name()) == c && c.state() == DeviceState.UNBOUND) {
                attach(c);
            }
        }
    }

    /** The end of an unbind: the driver's data and the driver go, the device is UNBOUND. */
    private void unbound(DeviceImpl dev, DriverEntry d, String why) {
        dev.clearDriverData();
        dev.countRemove();
        dev.driver = null;
        states.transition(dev, DeviceState.UNBOUND, null, null);
        LOG.info("device {}: unbound from driver {} ({})", dev.name(), d.id(), why);
    }

    /**
     * Device links (Linux {@code device_links_unbind_consumers}): unbinds, newest first, every bound device holding
     * a resource of {@code supplier} (a PWM channel or a GPIO line of its controller), so none outlives it. Each one
     * is noted in {@link #unboundBySupplier} before its detach, for {@link #consumersBack}: a re-run after a hung
     * consumer remove or release finds the earlier ones there (no longer BOUND, not linked any more).
     */
    private void unbindConsumers(DeviceImpl supplier) {
        List<DeviceImpl> linked = links.consumersOf(supplier.name()); // not every device: removes stay O(1)
        linked.sort(BY_PROBE_REVERSED);
        for (DeviceImpl c : linked) {
            if (c != supplier && c.state() == DeviceState.BOUND && c.usesSupplier(supplier.name())) {
                List<DeviceImpl> out = unboundBySupplier.computeIfAbsent(supplier, k -> new java.util.ArrayList<>());
                if (!out.contains(c)) {
                    out.add(c);
                }
                detach(c, "supplier " + supplier.name() + " unbinding (device link)");
            }
        }
    }

    /**
     * Releases the device's devres list (bounded), then runs {@code then}; if the release hangs, its kthread is
     * abandoned and {@code then} runs all the same (on the fresh worker, before the item runs again).
     */
    private void release(DeviceImpl dev, Runnable then) {
        Devres res = dev.takeDevres();
        if (res == null || res.size() == 0) {
            then.run();
            return;
        }
        DriverCalls.Outcome o = calls.callInline(dev, "devres release", config.get().removeTimeout(), res::releaseAll,
                thread -> {
                    queue.markAbandonedInCurrent(dev);
                    LOG.error("device {}: resources still held after the devres timeout: {}", dev.name(),
                            res.describe());
                    then.run();
                });
        if (!o.timedOut()) {
            then.run();
        }
    }

    /**
     * A node named {@code name} was added: devices that failed because it was an unknown GPIO controller are probed
     * again (they defer until it registers), as nodes may arrive in any order.
     */
    void nodeAdded(String name) {
        List<DeviceImpl> waiting = waitingForNode.remove(name); // not a scan of every device: adds stay O(1)
        if (waiting == null) {
            return;
        }
        waiting.sort(BY_REGISTRATION);
        for (DeviceImpl dev : waiting) {
            if (dev.state() == DeviceState.FAILED && dev.missesController(name)) {
                LOG.info("device {}: node {} appeared; retrying its probe (it names {} as a GPIO controller)",
                        dev.name(), name, name);
                attach(dev);
            }
        }
    }

    /** driver_deferred_probe_trigger(): queue one retry of the deferred list, if anything is deferred. */
    private void triggerDeferred() {
        if (retryQueued || !states.anyDeferred()) {
            return;
        }
        retryQueued = true;
        queue.queue("deferred probe", () -> {
            retryQueued = false;
            retryDeferred();
        });
    }

    /** Re-probes every deferred device, in the order they deferred. */
    void retryDeferred() {
        List<DeviceImpl> deferred = states.deferredInOrder(); // only the deferred ones, not every device
        deferred.sort(BY_DEFERRAL);
        for (DeviceImpl dev : deferred) {
            if (dev.state() == DeviceState.DEFERRED) {
                attach(dev);
            }
        }
    }
}
