package io.kdrv.driver.internal;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.DriverInfo;
import io.kdrv.driver.host.HostConfig;
import io.kdrv.driver.spi.Board;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver core (Linux {@code drivers/base/bus.c} and {@code dd.c}), free of OSGi types so it can be unit-tested:
 * device nodes, drivers, matching, probe/remove, deferred probe, devres, shutdown. This class takes the inputs and
 * answers {@link DeviceManager}; the work is done by package-private parts, each with one job:
 * <ul>
 *   <li>{@link ProbeQueue}: the serial probe worker {@code kdrv-probe}; every model change is one item on it, so
 *       nodes, drivers and bindings change one at a time in submission order;</li>
 *   <li>{@link DeviceBinder}: really_probe / device_release_driver / the deferred-probe trigger;</li>
 *   <li>{@link DriverCalls}: each driver call (probe, remove, devres release) runs on the probe worker under a
 *       watchdog bound ({@link HostConfig}); a driver that never returns is reported, its kthread abandoned, and a
 *       fresh worker takes over ({@link ProbeQueue#takeOver});</li>
 *   <li>{@link DeviceRegistry} (devices and rejected nodes), {@link DriverMatcher} (drivers and matching),
 *       {@link DeviceStateMachine} (the one table of allowed state transitions).</li>
 * </ul>
 * Public methods may be called from any thread; no lock is held while driver code runs.
 */
final class DriverCore implements DeviceManager, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriverCore.class);

    /** Receives state changes (BOUND, UNBOUND, DEFERRED, FAILED) on the probe worker; must not block. */
    @FunctionalInterface
    interface Listener {
        void deviceChanged(StateChange change);
    }

    /**
     * One settled state change: what the Event Admin topic {@code kdrv/device/<STATE>} carries. Not a
     * {@link DeviceInfo}: copying the node's properties for every transition was a fifth of a bind's worker time
     * (benchmark 7), and no listener reads them.
     *
     * @param device the device's name
     * @param state  the state it settled in
     * @param driver the bound (or failed) driver's id, null when none
     * @param reason the deferral reason or failure message, null when none
     */
    record StateChange(String device, DeviceState state, String driver, String reason) {
    }

    private volatile HostConfig config;
    private volatile Board board;

    private final ProbeQueue queue;
    private final DeviceRegistry devices = new DeviceRegistry();
    private final DriverMatcher matcher = new DriverMatcher();
    private final DriverCalls calls = new DriverCalls();
    private final DeviceStateMachine states = new DeviceStateMachine();
    private final DeviceBinder binder;
    /** GPIO controllers registered by drivers; a name is known once a node of that name exists. */
    private final GpioControllers controllers = new GpioControllers(name -> devices.byName(name) != null);

    /** Starts the core and its probe worker kthread {@code kdrv-probe}. */
    public DriverCore(HostConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.queue = new ProbeQueue("kdrv-probe", "kdrv core");
        calls.useQueue(queue); // driver calls run inline on the probe worker, under the watchdog
        this.binder = new DeviceBinder(devices, matcher, calls, states, queue, () -> this.config);
    }

    public HostConfig config() {
        return config;
    }

    /** New time bounds; they apply to the next wait (a running wait keeps its bound). */
    public void reconfigure(HostConfig c) {
        Objects.requireNonNull(c, "config");
        HostConfig old = this.config;
        this.config = c;
        if (!c.equals(old)) {
            // A device may have FAILED because of the old bounds (a probe timeout too short): the fix retries it,
            // as a driver registration would. Devices unbound by hand stay unbound.
            queue.queue("core reconfigured", this::doRetryFailed);
        }
    }

    private final SensorHub sensors = new SensorHub();
    private final PwmControllers pwmControllers = new PwmControllers(name -> {
        DeviceImpl d = devices.byName(name);
        return d == null ? null : d.state();
    });

    /** Where sensor events go ({@code kdrv/sensor/<device>}); null for nowhere. */
    void setSensorEventSink(java.util.function.BiConsumer<String, java.util.Map<String, Object>> sink) {
        sensors.setEventSink(sink);
    }

    @Override
    public Optional<io.kdrv.driver.SensorInfo> sensor(String device) {
        return sensors.info(device);
    }

    public void setListener(Listener l) {
        states.setListener(l);
    }

    // ================================================================================================ inputs

    /**
     * A device node was created or changed (Configuration Admin {@code updated}). Validation problems are logged
     * right away, naming the node and key; the node is then kept aside until fixed. Asynchronous.
     *
     * @param source the node's identity (its PID)
     * @param props  its keys
     * @return the validation problems (empty if valid); a duplicate name is detected later, on the worker
     */
    public List<String> nodeUpdated(String source, Map<String, ?> props) {
        Objects.requireNonNull(source, "source");
        NodeParser.Result parsed = NodeParser.parse(source, props); // copies arrays: the caller may reuse its own
        for (String p : parsed.problems()) {
            LOG.error("device node {}: {}; node ignored until fixed", Props.printableName(source), p);
        }
        queue.queue("node " + source + " updated", () -> doNodeUpdated(source, parsed));
        return parsed.problems();
    }

    /** A device node was deleted: its device is removed (driver remove, devres release). Asynchronous. */
    public void nodeDeleted(String source) {
        queue.queue("node " + source + " deleted", () -> doNodeDeleted(source));
    }

    /** Nodes not accepted (invalid, or duplicate name) with their problems, by source. */
    public Map<String, List<String>> rejectedNodes() {
        return devices.rejectedNodes();
    }

    /** Registers a driver; matching devices are probed. Asynchronous. */
    public void addDriver(DriverEntry d) {
        queue.queue("driver " + d.id() + " added", () -> doAddDriver(d));
    }

    /**
     * Unregisters a driver and waits (bounded by {@link HostConfig#waitTimeout()}) until every device bound to it
     * has been removed and its resources released, so the caller (the driver's bundle stopping) can go on only
     * once nothing of the driver runs. Called from a driver call thread it does not wait (it would wait for
     * itself).
     *
     * @return true if removal completed within the bound
     */
    public boolean removeDriver(String id) {
        DriverEntry d = matcher.get(id);
        if (d != null) {
            d.removing = true; // no new match from now on, even before the worker gets to it
        }
        ProbeQueue.Pending op = queue.queue("driver " + id + " removed", () -> doRemoveDriver(id));
        if (onProbeThread()) {
            LOG.warn("driver {} unregistered from a probe/remove call ({}): removal of its devices continues "
                    + "asynchronously", id, Thread.currentThread().getName());
            return false;
        }
        if (!op.awaitDone(config.waitTimeout())) {
            LOG.error("driver {}: removing its devices did not finish within {} ms; the driver goes away anyway",
                    id, config.waitTimeout().toMillis());
            return false;
        }
        return true;
    }

    /** A board service appeared: deferred devices (waiting for "no board service") are retried. */
    public void setBoard(Board b) {
        this.board = Objects.requireNonNull(b, "board");
        LOG.info("board {} available", b.platform());
        queue.queue("board available", binder::retryDeferred);
    }

    /**
     * The board service goes away: devices holding board resources are removed (waiting, bounded) and probed
     * again, which defers them until a board comes back.
     */
    public void unsetBoard(Board b) {
        if (board != b) {
            return;
        }
        board = null;
        ProbeQueue.Pending op = queue.queue("board gone", this::doBoardGone);
        if (!onProbeThread() && !op.awaitDone(config.waitTimeout())) {
            LOG.error("board removal: unbinding devices did not finish within {} ms", config.waitTimeout().toMillis());
        }
    }

    Board board() {
        return board;
    }

    /**
     * Runs {@code action} on the probe worker once everything queued so far has run and nothing else is pending,
     * deferred retries included; not at all once the core is closing. Asynchronous; {@code action} must not block.
     */
    public void whenIdle(String what, Runnable action) {
        queue.queueWhenIdle(what, action);
    }

    /** Kthreads the core gave up waiting for (most recent last, at most 64): hung driver calls, unstoppable kthreads. */
    public List<StuckThreadReport> stuckThreads() {
        return calls.stuckThreads();
    }

    // ================================================================================================ DeviceManager

    @Override
    public List<DeviceInfo> devices() {
        List<DeviceImpl> devs = devices.all();
        List<DeviceInfo> out = new ArrayList<>(devs.size());
        for (DeviceImpl d : devs) {
            out.add(d.info());
        }
        out.sort(Comparator.comparing(DeviceInfo::name));
        return out;
    }

    @Override
    public Optional<DeviceInfo> device(String name) {
        DeviceImpl d = devices.byName(name);
        return d == null ? Optional.empty() : Optional.of(d.info());
    }

    @Override
    public List<DriverInfo> drivers() {
        List<DriverEntry> ds = matcher.all();
        List<DeviceImpl> devs = devices.all();
        List<DriverInfo> out = new ArrayList<>();
        for (DriverEntry d : ds) {
            List<String> bound = new ArrayList<>();
            for (DeviceImpl dev : devs) {
                DeviceInfo i = dev.info();
                if (i.state() == DeviceState.BOUND && d.id().equals(i.driver())) {
                    bound.add(i.name());
                }
            }
            bound.sort(null);
            out.add(new DriverInfo(d.id(), d.compatible(), d.bundle(), bound, d.binding().keys()));
        }
        out.sort(Comparator.comparing(DriverInfo::id));
        return out;
    }

    @Override
    public List<DeviceInfo> deferred() {
        List<DeviceInfo> out = new ArrayList<>();
        for (DeviceInfo i : devices()) {
            if (i.state() == DeviceState.DEFERRED || i.state() == DeviceState.UNBOUND && i.reason() != null) {
                out.add(i); // UNBOUND with a reason: waiting for a forced driver
            }
        }
        return out;
    }

    @Override
    public DeviceInfo bind(String device, String driverId) {
        checkNotProbeThread("bind");
        Objects.requireNonNull(device, "device");
        return queue.runAndWait("bind " + device, () -> doBind(device, driverId), config.waitTimeout());
    }

    @Override
    public DeviceInfo unbind(String device) {
        checkNotProbeThread("unbind");
        Objects.requireNonNull(device, "device");
        return queue.runAndWait("unbind " + device, () -> doUnbind(device), config.waitTimeout());
    }

    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        checkNotProbeThread("awaitIdle");
        return queue.awaitIdleInterruptible(timeout);
    }

    // ================================================================================================ shutdown

    /**
     * Removes every bound device in reverse probe order, then destroys the probe worker and the call kthreads.
     * Bounded by {@link HostConfig#waitTimeout()}: stuck removes are set aside and wait in parallel under one deadline
     * ({@link ShutdownRemoval}); threads that do not stop
     * are reported with their stacks. Idempotent; later inputs are ignored.
     */
    @Override
    public void close() {
        checkNotProbeThread("close");
        if (!queue.closeInputs()) {
            return; // queued probes are no-ops from now on: nothing new binds while we take everything down
        }
        ProbeQueue.Pending op = queue.queueShutdown("shutdown", this::doShutdown);
        if (op.awaitDone(config.waitTimeout())) {
            queue.destroy(); // queue is empty (inputs are ignored once closed): returns at once
        } else {
            LOG.error("kdrv core shutdown: removing devices did not finish within {} ms; stopping the probe worker",
                    config.waitTimeout().toMillis());
            calls.stopReporting(queue.thread(), "probe worker", config.stopTimeout());
        }
        calls.close(config.stopTimeout());
        LOG.info("kdrv core stopped");
    }

    private boolean onProbeThread() {
        Thread t = Thread.currentThread();
        return queue.isWorkerThread(t) || calls.isCallThread(t);
    }

    private void checkNotProbeThread(String method) {
        if (onProbeThread()) {
            throw new IllegalStateException("DeviceManager." + method + " called from the probe worker or a driver's "
                    + "probe/remove (" + Thread.currentThread().getName() + "): it would wait for itself");
        }
    }

    // ================================================================================================ on the worker

    private void doNodeUpdated(String source, NodeParser.Result parsed) {
        DeviceImpl existing = devices.bySource(source);
        if (!parsed.valid()) {
            if (existing != null) {
                LOG.error("device {}: node {} became invalid; removing the device", existing.name(), source);
                removeDevice(existing);
            }
            devices.reject(source, new DeviceRegistry.Rejected(null, parsed.problems()));
            return;
        }
        NodeData n = parsed.node();
        if (existing != null) {
            if (existing.name().equals(n.name())) {
                if (existing.node().sameContent(n)) {
                    return; // e.g. a board file reloaded unchanged
                }
                LOG.info("device {}: node {} changed; re-probing", n.name(), source);
                binder.detach(existing, "node changed");
                existing.node(n);
                existing.manualUnbound = false;
                binder.attach(existing);
                return;
            }
            LOG.info("device {}: node {} renamed to {}", existing.name(), source, n.name());
            removeDevice(existing);
        }
        devices.forgetRejected(source);
        DeviceImpl holder = devices.byName(n.name());
        if (holder != null) {
            String problem = "key 'name': duplicate name '" + n.name() + "': already used by node "
                    + holder.node().source();
            devices.reject(source, new DeviceRegistry.Rejected(n, List.of(problem)));
            LOG.error("device node {}: {}; node ignored until the name is free", source, problem);
            return;
        }
        DeviceImpl dev = new DeviceImpl(n, this::board, () -> config.stopTimeout(), calls::report, sensors,
                pwmControllers);
        dev.controllers(controllers);
        dev.links(binder.links);
        binder.registered(dev);
        devices.add(dev);
        LOG.info("device {}: added from node {}, compatible {}", n.name(), source, n.compatible());
        binder.attach(dev);
        binder.nodeAdded(n.name());
    }

    private void doNodeDeleted(String source) {
        if (devices.forgetRejected(source)) {
            return;
        }
        DeviceImpl dev = devices.bySource(source);
        if (dev != null) {
            removeDevice(dev);
        }
    }

    /** Detach and forget a device; a node waiting for its name takes its place. */
    private void removeDevice(DeviceImpl dev) {
        binder.detach(dev, "node removed");
        DeviceRegistry.Waiting waiting = devices.remove(dev);
        LOG.info("device {}: removed (node {})", dev.name(), dev.node().source());
        if (waiting != null) {
            LOG.info("device {}: name is free; accepting node {} that was waiting for it", dev.name(), waiting.source());
            doNodeUpdated(waiting.source(), new NodeParser.Result(waiting.node().node(), List.of()));
        }
    }

    private void doAddDriver(DriverEntry d) {
        DriverEntry old = matcher.add(d);
        if (old != null && old != d) { // old == d: this item runs again after a hung probe (ProbeQueue.takeOver)
            LOG.error("driver {}: id already registered ({}); ignoring the second registration", d.id(), old.bundle());
            return;
        }
        LOG.info("driver {} registered, compatible {}", d.id(), d.compatible());
        for (DeviceImpl dev : devices.inOrder(DeviceBinder.BY_REGISTRATION)) {
            DeviceState s = dev.state();
            boolean candidate = s == DeviceState.UNBOUND || s == DeviceState.DEFERRED || s == DeviceState.FAILED;
            if (candidate && !dev.manualUnbound && matcher.bestMatch(dev) == d) {
                binder.probe(dev, d);
            }
        }
    }

    private void doRetryFailed() {
        for (DeviceImpl dev : devices.inOrder(DeviceBinder.BY_REGISTRATION)) {
            if (dev.state() == DeviceState.FAILED && !dev.manualUnbound) {
                LOG.info("device {}: core configuration changed; retrying its failed probe", dev.name());
                binder.attach(dev);
            }
        }
    }

    private void doRemoveDriver(String id) {
        DriverEntry d = matcher.get(id);
        if (d == null) {
            return;
        }
        d.removing = true;
        List<DeviceImpl> affected = queue.itemState(ArrayList::new); // kept if a hung remove re-runs this item
        for (DeviceImpl dev : devices.inOrder(DeviceBinder.BY_PROBE_REVERSED)) {
            if (dev.driver == d) {
                affected.add(dev);
                binder.detach(dev, "driver " + id + " removed");
            }
        }
        matcher.remove(id);
        LOG.info("driver {} unregistered ({} devices released)", id, affected.size());
        affected.sort(DeviceBinder.BY_REGISTRATION);
        for (DeviceImpl dev : affected) {
            binder.attach(dev); // another driver may match
        }
    }

    private void doBoardGone() {
        List<DeviceImpl> affected = queue.itemState(ArrayList::new); // kept if a hung remove re-runs this item
        for (DeviceImpl dev : devices.inOrder(DeviceBinder.BY_PROBE_REVERSED)) {
            if (dev.state() == DeviceState.BOUND && dev.usesBoard()) {
                affected.add(dev);
                binder.detach(dev, "board gone");
            }
        }
        affected.sort(DeviceBinder.BY_REGISTRATION);
        for (DeviceImpl dev : affected) {
            binder.attach(dev); // defers with "no board service" until a board comes back
        }
    }

    private DeviceInfo doBind(String device, String driverId) {
        DeviceImpl dev = devices.require(device);
        if (dev.state() == DeviceState.BOUND) {
            throw new IllegalStateException("device " + device + " is already bound to driver " + dev.driverId()
                    + "; unbind it first");
        }
        DriverEntry d;
        if (driverId == null) {
            d = matcher.bestMatch(dev);
            if (d == null) {
                throw new IllegalArgumentException("no registered driver matches device " + device + " (compatible "
                        + dev.compatible() + (dev.node().forcedDriver() != null
                                ? ", forced driver " + dev.node().forcedDriver() : "") + ")");
            }
        } else {
            d = matcher.requireFor(dev, driverId);
        }
        dev.manualUnbound = false;
        binder.probe(dev, d);
        return dev.info();
    }

    private DeviceInfo doUnbind(String device) {
        DeviceImpl dev = devices.require(device);
        binder.detach(dev, "unbound on request");
        dev.manualUnbound = true;
        return dev.info();
    }

    private void doShutdown() {
        int n = new ShutdownRemoval(calls, states, binder).removeAll(
                devices.inOrder(DeviceBinder.BY_PROBE_REVERSED), config);
        LOG.info("kdrv core shutdown: {} devices removed", n);
    }
}
