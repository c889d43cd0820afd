package io.kdrv.driver.internal;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.DriverInfo;
import io.kdrv.driver.ProbeDeferredException;
import io.kdrv.driver.spi.Board;
import io.kdrv.kthread.Completion;
import io.kdrv.kthread.KthreadStopTimeoutException;
import io.kdrv.kthread.KthreadWork;
import io.kdrv.kthread.KthreadWorker;
import io.kdrv.kthread.WaitQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver core (Linux {@code drivers/base/dd.c} and {@code bus.c} in one class), free of OSGi types so it can
 * be unit-tested: device nodes, drivers, matching, probe/remove, deferred probe, devres, shutdown.
 *
 * <h2>Threading</h2>
 * Every change of the device model runs as one work item on a single probe worker kthread ({@code kdrv-probe}),
 * so nodes, drivers and bindings change one at a time in submission order and no lock is held while driver code
 * runs. Each driver call ({@code probe}, {@code remove}) and each devres release runs on a short-lived kthread
 * ({@code probe/<device>}, {@code remove/<device>}, {@code devres/<device>}) that the worker waits for with a
 * timeout ({@link CoreConfig}): a driver that never returns is reported with its stack and abandoned, and the other
 * devices keep being probed. Public methods may be called from any thread; the registry maps are guarded by
 * {@code lock} for readers and written only by the worker.
 *
 * <h2>Matching</h2>
 * A node's compatible list is most specific first: the first entry that any registered driver supports wins;
 * among drivers supporting that entry the highest ranking wins, then the lowest service id. A node key
 * {@code driver} forces that driver id (Linux {@code driver_override}).
 *
 * <h2>States</h2>
 * UNBOUND → PROBING → BOUND | DEFERRED(reason) | FAILED(error); BOUND → REMOVING → UNBOUND. DEFERRED devices are
 * retried after every successful probe and when a board appears ({@code driver_deferred_probe_trigger}); FAILED
 * devices only on bind, node change, or when a (better) driver is registered or their driver goes away.
 */
public final class DriverCore implements DeviceManager, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DriverCore.class);

    /** Receives state changes (BOUND, UNBOUND, DEFERRED, FAILED) on the probe worker; must not block. */
    @FunctionalInterface
    public interface Listener {
        void deviceChanged(DeviceInfo info);
    }

    /** A node that was not accepted, kept so that a fix (or the name becoming free) brings it back. */
    private record Rejected(Map<String, Object> raw, List<String> problems, boolean duplicateOnly) {
    }

    private volatile CoreConfig config;
    private final KthreadWorker worker;
    private volatile Board board;
    private volatile Listener listener = info -> { };
    private volatile boolean closed;

    private final Object lock = new Object();
    // Written by the worker only, under lock; read under lock by snapshot methods.
    private final Map<String, DeviceImpl> bySource = new LinkedHashMap<>();
    private final Map<String, DeviceImpl> byName = new HashMap<>();
    private final Map<String, Rejected> rejected = new LinkedHashMap<>();
    private final Map<String, DriverEntry> drivers = new LinkedHashMap<>();

    // Worker-confined.
    private long seq;
    private boolean retryQueued;

    private final AtomicInteger pendingOps = new AtomicInteger();
    private final WaitQueue idle = new WaitQueue();
    /** Java threads of driver calls (running or abandoned): they must not call the blocking methods. */
    private final Set<Thread> callThreads = ConcurrentHashMap.newKeySet();
    private final Set<BoundedCall> abandoned = ConcurrentHashMap.newKeySet();
    private final java.util.Deque<StuckThreadReport> stuck = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int MAX_STUCK_REPORTS = 64;

    /** Starts the core and its probe worker kthread {@code kdrv-probe}. */
    public DriverCore(CoreConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.worker = KthreadWorker.create("kdrv-probe");
        worker.thread().owner("kdrv core");
    }

    public CoreConfig config() {
        return config;
    }

    /** New time bounds; they apply to the next wait (a running wait keeps its bound). */
    public void reconfigure(CoreConfig c) {
        this.config = Objects.requireNonNull(c, "config");
    }

    public void setListener(Listener l) {
        this.listener = l == null ? info -> { } : l;
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
        Map<String, Object> raw = new LinkedHashMap<>();
        props.forEach((k, v) -> raw.put(k, NodeData.copy(v)));
        List<String> problems = NodeValidator.validate(raw);
        for (String p : problems) {
            LOG.error("device node {}: {}; node ignored until fixed", source, p);
        }
        submit("node " + source + " updated", true, () -> {
            doNodeUpdated(source, raw, problems);
            return null;
        });
        return problems;
    }

    /** A device node was deleted: its device is removed (driver remove, devres release). Asynchronous. */
    public void nodeDeleted(String source) {
        submit("node " + source + " deleted", true, () -> {
            doNodeDeleted(source);
            return null;
        });
    }

    /** Nodes not accepted (invalid, or duplicate name) with their problems, by source. */
    public Map<String, List<String>> rejectedNodes() {
        synchronized (lock) {
            Map<String, List<String>> out = new LinkedHashMap<>();
            rejected.forEach((k, v) -> out.put(k, v.problems()));
            return out;
        }
    }

    /** Registers a driver; matching devices are probed. Asynchronous. */
    public void addDriver(DriverEntry d) {
        submit("driver " + d.id() + " added", true, () -> {
            doAddDriver(d);
            return null;
        });
    }

    /**
     * Unregisters a driver and waits (bounded by {@link CoreConfig#waitTimeout()}) until every device bound to it
     * has been removed and its resources released, so the caller (the driver's bundle stopping) can go on only
     * once nothing of the driver runs. Called from a driver call thread it does not wait (it would wait for
     * itself).
     *
     * @return true if removal completed within the bound
     */
    public boolean removeDriver(String id) {
        DriverEntry d;
        synchronized (lock) {
            d = drivers.get(id);
        }
        if (d != null) {
            d.removing = true; // no new match from now on, even before the worker gets to it
        }
        Op<Void> op = submit("driver " + id + " removed", true, () -> {
            doRemoveDriver(id);
            return null;
        });
        if (onProbeThread()) {
            LOG.warn("driver {} unregistered from a probe/remove call ({}): removal of its devices continues "
                    + "asynchronously", id, Thread.currentThread().getName());
            return false;
        }
        if (!op.await(config.waitTimeout())) {
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
        submit("board available", true, () -> {
            retryDeferred();
            return null;
        });
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
        Op<Void> op = submit("board gone", true, () -> {
            doBoardGone();
            return null;
        });
        if (!onProbeThread() && !op.await(config.waitTimeout())) {
            LOG.error("board removal: unbinding devices did not finish within {} ms", config.waitTimeout().toMillis());
        }
    }

    Board board() {
        return board;
    }

    /** Kthreads the core gave up waiting for (most recent last, at most 64): hung driver calls, unstoppable kthreads. */
    public List<StuckThreadReport> stuckThreads() {
        return List.copyOf(stuck);
    }

    private void report(StuckThreadReport r) {
        callThreads.removeIf(t -> !t.isAlive()); // abandoned calls that have returned since
        stuck.addLast(r);
        while (stuck.size() > MAX_STUCK_REPORTS) {
            stuck.pollFirst();
        }
    }

    // ================================================================================================ DeviceManager

    @Override
    public List<DeviceInfo> devices() {
        List<DeviceImpl> devs;
        synchronized (lock) {
            devs = new ArrayList<>(byName.values());
        }
        List<DeviceInfo> out = new ArrayList<>(devs.size());
        for (DeviceImpl d : devs) {
            out.add(d.info());
        }
        out.sort(Comparator.comparing(DeviceInfo::name));
        return out;
    }

    @Override
    public Optional<DeviceInfo> device(String name) {
        DeviceImpl d;
        synchronized (lock) {
            d = byName.get(name);
        }
        return d == null ? Optional.empty() : Optional.of(d.info());
    }

    @Override
    public List<DriverInfo> drivers() {
        List<DriverEntry> ds;
        List<DeviceImpl> devs;
        synchronized (lock) {
            ds = new ArrayList<>(drivers.values());
            devs = new ArrayList<>(byName.values());
        }
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
            out.add(new DriverInfo(d.id(), d.compatible(), d.bundle(), List.copyOf(bound)));
        }
        out.sort(Comparator.comparing(DriverInfo::id));
        return out;
    }

    @Override
    public List<DeviceInfo> deferred() {
        List<DeviceInfo> out = new ArrayList<>();
        for (DeviceInfo i : devices()) {
            if (i.state() == DeviceState.DEFERRED) {
                out.add(i);
            }
        }
        return out;
    }

    @Override
    public DeviceInfo bind(String device, String driverId) {
        checkNotProbeThread("bind");
        Objects.requireNonNull(device, "device");
        return submit("bind " + device, false, () -> doBind(device, driverId)).get(config.waitTimeout());
    }

    @Override
    public DeviceInfo unbind(String device) {
        checkNotProbeThread("unbind");
        Objects.requireNonNull(device, "device");
        return submit("unbind " + device, false, () -> doUnbind(device)).get(config.waitTimeout());
    }

    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        checkNotProbeThread("awaitIdle");
        return idle.waitEventInterruptibleTimeout(() -> pendingOps.get() == 0, timeout) > 0;
    }

    // ================================================================================================ shutdown

    /**
     * Removes every bound device in reverse probe order, then destroys the probe worker. Bounded by
     * {@link CoreConfig#waitTimeout()} (each driver call by its own timeout); threads that do not stop are
     * reported with their stacks. Idempotent; later inputs are ignored.
     */
    @Override
    public void close() {
        checkNotProbeThread("close");
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true; // queued probes become no-ops: nothing new binds while we take everything down
        }
        Op<Void> op = submit("shutdown", false, () -> {
            doShutdown();
            return null;
        }, true);
        if (op.await(config.waitTimeout())) {
            worker.destroy(); // queue is empty (inputs are ignored once closed): returns at once
        } else {
            LOG.error("kdrv core shutdown: removing devices did not finish within {} ms; stopping the probe worker",
                    config.waitTimeout().toMillis());
            stopReporting(worker.thread(), "probe worker");
        }
        for (BoundedCall c : abandoned) {
            if (!c.finished()) {
                stopReporting(c.thread(), "abandoned driver call");
            }
        }
        abandoned.clear();
        LOG.info("kdrv core stopped");
    }

    private void stopReporting(io.kdrv.kthread.Kthread k, String what) {
        try {
            k.stop(config.stopTimeout());
        } catch (KthreadStopTimeoutException e) {
            LOG.error("kdrv core shutdown: {} {} did not stop within {} ms and is left behind; its stack follows",
                    what, k.name(), config.stopTimeout().toMillis(), e);
            report(StuckThreadReport.of(String.valueOf(k.owner()), k.name(), what + " stop at shutdown", e));
        }
    }

    // ================================================================================================ work items

    /** One unit of work on the probe worker, with its result for a waiting caller. */
    private final class Op<T> implements Runnable {
        private final String what;
        private final boolean logErrors;
        private final Callable<T> body;
        private final Completion done = new Completion();
        private volatile T result;
        private volatile Throwable error;

        Op(String what, boolean logErrors, Callable<T> body) {
            this.what = what;
            this.logErrors = logErrors;
            this.body = body;
        }

        @Override
        public void run() {
            try {
                result = body.call();
            } catch (Throwable t) {
                error = t;
                if (logErrors || !(t instanceof IllegalArgumentException || t instanceof IllegalStateException)) {
                    LOG.error("kdrv core: {} failed", what, t);
                }
            } finally {
                finish();
            }
        }

        void finish() {
            done.completeAll();
            if (pendingOps.decrementAndGet() == 0) {
                idle.wakeUpAll();
            }
        }

        /** Bounded, uninterruptible wait (an interrupt stays pending for the caller). */
        boolean await(Duration timeout) {
            return done.waitForCompletionTimeout(timeout);
        }

        T get(Duration timeout) {
            if (!await(timeout)) {
                throw new IllegalStateException("kdrv core: " + what + " did not finish within " + timeout.toMillis()
                        + " ms (the probe worker is busy or a driver call hangs; see the log)");
            }
            Throwable t = error;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException("kdrv core: " + what + " failed: " + t, t);
            }
            return result;
        }
    }

    private <T> Op<T> submit(String what, boolean async, Callable<T> body) {
        return submit(what, async, body, false);
    }

    private <T> Op<T> submit(String what, boolean async, Callable<T> body, boolean evenIfClosed) {
        Op<T> op = new Op<>(what, async, body);
        pendingOps.incrementAndGet();
        if (closed && !evenIfClosed) {
            LOG.debug("kdrv core closed: ignoring {}", what);
            op.error = new IllegalStateException("kdrv core is shut down: " + what + " ignored");
            op.finish();
            return op;
        }
        try {
            worker.queueWork(new KthreadWork(op));
        } catch (IllegalStateException destroyed) {
            op.error = new IllegalStateException("kdrv core is shut down: " + what + " ignored");
            op.finish();
        }
        return op;
    }

    private boolean onProbeThread() {
        Thread t = Thread.currentThread();
        return t == worker.thread().javaThread() || callThreads.contains(t);
    }

    private void checkNotProbeThread(String method) {
        if (onProbeThread()) {
            throw new IllegalStateException("DeviceManager." + method + " called from the probe worker or a driver's "
                    + "probe/remove (" + Thread.currentThread().getName() + "): it would wait for itself");
        }
    }

    // ================================================================================================ on the worker

    private List<DeviceImpl> devicesInOrder(Comparator<DeviceImpl> order) {
        List<DeviceImpl> devs;
        synchronized (lock) {
            devs = new ArrayList<>(byName.values());
        }
        devs.sort(order);
        return devs;
    }

    private static final Comparator<DeviceImpl> BY_REGISTRATION = Comparator.comparingLong(d -> d.registeredSeq);
    private static final Comparator<DeviceImpl> BY_PROBE_REVERSED =
            Comparator.comparingLong((DeviceImpl d) -> d.boundSeq).reversed();

    private void doNodeUpdated(String source, Map<String, Object> raw, List<String> problems) {
        DeviceImpl existing;
        synchronized (lock) {
            existing = bySource.get(source);
        }
        if (!problems.isEmpty()) {
            if (existing != null) {
                LOG.error("device {}: node {} became invalid; removing the device", existing.name(), source);
                removeDevice(existing);
            }
            synchronized (lock) {
                rejected.put(source, new Rejected(raw, problems, false));
            }
            return;
        }
        NodeData n = NodeData.of(source, raw);
        if (existing != null) {
            if (existing.name().equals(n.name())) {
                if (existing.node().sameContent(n)) {
                    return; // e.g. a board file reloaded unchanged
                }
                LOG.info("device {}: node {} changed; re-probing", n.name(), source);
                detach(existing, "node changed");
                existing.node(n);
                existing.manualUnbound = false;
                attach(existing);
                return;
            }
            LOG.info("device {}: node {} renamed to {}", existing.name(), source, n.name());
            removeDevice(existing);
        }
        DeviceImpl holder;
        synchronized (lock) {
            rejected.remove(source);
            holder = byName.get(n.name());
            if (holder != null) {
                String problem = "key 'name': duplicate name '" + n.name() + "': already used by node "
                        + holder.node().source();
                rejected.put(source, new Rejected(raw, List.of(problem), true));
                LOG.error("device node {}: {}; node ignored until the name is free", source, problem);
                return;
            }
        }
        DeviceImpl dev = new DeviceImpl(n, this::board, () -> config.stopTimeout(), this::report);
        dev.registeredSeq = ++seq;
        synchronized (lock) {
            bySource.put(source, dev);
            byName.put(n.name(), dev);
        }
        LOG.info("device {}: added from node {}, compatible {}", n.name(), source, n.compatible());
        attach(dev);
    }

    private void doNodeDeleted(String source) {
        DeviceImpl dev;
        synchronized (lock) {
            if (rejected.remove(source) != null) {
                return;
            }
            dev = bySource.get(source);
        }
        if (dev != null) {
            removeDevice(dev);
        }
    }

    /** Detach and forget a device; a node waiting for its name takes its place. */
    private void removeDevice(DeviceImpl dev) {
        detach(dev, "node removed");
        String waiting = null;
        Rejected r = null;
        synchronized (lock) {
            bySource.remove(dev.node().source());
            byName.remove(dev.name());
            for (Map.Entry<String, Rejected> e : rejected.entrySet()) {
                if (e.getValue().duplicateOnly() && dev.name().equals(e.getValue().raw().get(NodeValidator.KEY_NAME))) {
                    waiting = e.getKey();
                    r = e.getValue();
                    break;
                }
            }
        }
        LOG.info("device {}: removed (node {})", dev.name(), dev.node().source());
        if (waiting != null) {
            LOG.info("device {}: name is free; accepting node {} that was waiting for it", dev.name(), waiting);
            doNodeUpdated(waiting, r.raw(), List.of());
        }
    }

    private void doAddDriver(DriverEntry d) {
        synchronized (lock) {
            DriverEntry old = drivers.get(d.id());
            if (old != null) {
                LOG.error("driver {}: id already registered ({}); ignoring the second registration", d.id(), old.bundle());
                return;
            }
            drivers.put(d.id(), d);
        }
        LOG.info("driver {} registered, compatible {}", d.id(), d.compatible());
        for (DeviceImpl dev : devicesInOrder(BY_REGISTRATION)) {
            DeviceState s = dev.state();
            boolean candidate = s == DeviceState.UNBOUND || s == DeviceState.DEFERRED || s == DeviceState.FAILED;
            if (candidate && !dev.manualUnbound && bestMatch(dev) == d) {
                probe(dev, d);
            }
        }
    }

    private void doRemoveDriver(String id) {
        DriverEntry d;
        synchronized (lock) {
            d = drivers.get(id);
        }
        if (d == null) {
            return;
        }
        d.removing = true;
        List<DeviceImpl> affected = new ArrayList<>();
        for (DeviceImpl dev : devicesInOrder(BY_PROBE_REVERSED)) {
            if (dev.driver == d) {
                affected.add(dev);
                detach(dev, "driver " + id + " removed");
            }
        }
        synchronized (lock) {
            drivers.remove(id);
        }
        LOG.info("driver {} unregistered ({} devices released)", id, affected.size());
        affected.sort(BY_REGISTRATION);
        for (DeviceImpl dev : affected) {
            attach(dev); // another driver may match
        }
    }

    private void doBoardGone() {
        List<DeviceImpl> affected = new ArrayList<>();
        for (DeviceImpl dev : devicesInOrder(BY_PROBE_REVERSED)) {
            if (dev.state() == DeviceState.BOUND && dev.usesBoard()) {
                affected.add(dev);
                detach(dev, "board gone");
            }
        }
        affected.sort(BY_REGISTRATION);
        for (DeviceImpl dev : affected) {
            attach(dev); // defers with "no board service" until a board comes back
        }
    }

    private DeviceInfo doBind(String device, String driverId) {
        DeviceImpl dev = requireDevice(device);
        if (dev.state() == DeviceState.BOUND) {
            throw new IllegalStateException("device " + device + " is already bound to driver " + dev.driverId()
                    + "; unbind it first");
        }
        DriverEntry d;
        if (driverId == null) {
            d = bestMatch(dev);
            if (d == null) {
                throw new IllegalArgumentException("no registered driver matches device " + device + " (compatible "
                        + dev.compatible() + (dev.node().forcedDriver() != null
                                ? ", forced driver " + dev.node().forcedDriver() : "") + ")");
            }
        } else {
            synchronized (lock) {
                d = drivers.get(driverId);
            }
            if (d == null || d.removing) {
                throw new IllegalArgumentException("no driver '" + driverId + "' (registered: " + driverIds() + ")");
            }
            boolean compatible = driverId.equals(dev.node().forcedDriver())
                    || dev.compatible().stream().anyMatch(d::supports);
            if (!compatible) {
                throw new IllegalArgumentException("driver " + driverId + " (compatible " + d.compatible()
                        + ") is not compatible with device " + device + " (compatible " + dev.compatible() + ")");
            }
        }
        dev.manualUnbound = false;
        probe(dev, d);
        return dev.info();
    }

    private DeviceInfo doUnbind(String device) {
        DeviceImpl dev = requireDevice(device);
        detach(dev, "unbound on request");
        dev.manualUnbound = true;
        return dev.info();
    }

    private DeviceImpl requireDevice(String device) {
        synchronized (lock) {
            DeviceImpl dev = byName.get(device);
            if (dev == null) {
                throw new IllegalArgumentException("no device '" + device + "' (known: " + new java.util.TreeSet<>(byName.keySet()) + ")");
            }
            return dev;
        }
    }

    private List<String> driverIds() {
        synchronized (lock) {
            List<String> ids = new ArrayList<>(drivers.keySet());
            ids.sort(null);
            return ids;
        }
    }

    private void doShutdown() {
        List<DeviceImpl> devs = devicesInOrder(BY_PROBE_REVERSED);
        int n = 0;
        for (DeviceImpl dev : devs) {
            if (dev.state() == DeviceState.BOUND) {
                detach(dev, "shutdown");
                n++;
            }
        }
        LOG.info("kdrv core shutdown: {} devices removed", n);
    }

    /** Probes {@code dev} with its best driver, if any and if allowed. */
    private void attach(DeviceImpl dev) {
        if (closed || dev.manualUnbound) {
            return;
        }
        DeviceState s = dev.state();
        if (s == DeviceState.BOUND || s == DeviceState.PROBING || s == DeviceState.REMOVING) {
            return;
        }
        DriverEntry d = bestMatch(dev);
        if (d == null) {
            if (s != DeviceState.UNBOUND) {
                dev.driver = null;
                transition(dev, DeviceState.UNBOUND, null, null);
            }
            return;
        }
        probe(dev, d);
    }

    /** The driver for {@code dev}: forced by its {@code driver} key, else first compatible entry with a driver. */
    private DriverEntry bestMatch(DeviceImpl dev) {
        List<DriverEntry> all;
        synchronized (lock) {
            all = new ArrayList<>(drivers.values());
        }
        all.removeIf(d -> d.removing);
        String forced = dev.node().forcedDriver();
        if (forced != null) {
            return all.stream().filter(d -> d.id().equals(forced)).findFirst().orElse(null);
        }
        for (String compat : dev.compatible()) {
            DriverEntry best = null;
            for (DriverEntry d : all) {
                if (d.supports(compat) && (best == null || d.betterThan(best))) {
                    best = d;
                }
            }
            if (best != null) {
                return best;
            }
        }
        return null;
    }

    private BoundedCall startCall(String kind, DeviceImpl dev, BoundedCall.Body body) {
        BoundedCall c = new BoundedCall(kind + "/" + dev.name(), "device " + dev.name(), body);
        callThreads.add(c.thread().javaThread());
        return c.start();
    }

    /** Waits for a driver call; on timeout abandons it, reports it, and returns false. */
    private boolean awaitCall(BoundedCall c, DeviceImpl dev, Duration timeout, String what) {
        if (c.await(timeout)) {
            callThreads.remove(c.thread().javaThread());
            return true;
        }
        dev.abandon(c.thread().javaThread());
        abandoned.add(c);
        Throwable stack = c.stuckReport("kthread " + c.thread().name() + " stuck in " + what);
        LOG.error("device {}: {} did not return within {} ms; kthread {} abandoned (its stack follows)",
                dev.name(), what, timeout.toMillis(), c.thread().name(), stack);
        report(StuckThreadReport.of(dev.name(), c.thread().name(), what, stack));
        return false;
    }

    /** really_probe(): one probe attempt, with its outcome recorded in the device state. */
    private void probe(DeviceImpl dev, DriverEntry d) {
        if (closed) {
            return;
        }
        dev.pruneAbandoned();
        dev.newDevres();
        dev.driver = d;
        dev.clearDriverData();
        transition(dev, DeviceState.PROBING, d.id(), null);
        LOG.debug("device {}: probing with driver {}", dev.name(), d.id());
        BoundedCall call = startCall("probe", dev, () -> d.driver().probe(dev));
        if (!awaitCall(call, dev, config.probeTimeout(), "probe by driver " + d.id())) {
            String msg = "probe of device " + dev.name() + " by driver " + d.id() + " did not return within "
                    + config.probeTimeout().toMillis() + " ms (kthread " + call.thread().name() + " abandoned)";
            release(dev);
            transition(dev, DeviceState.FAILED, d.id(), msg);
            return;
        }
        Throwable err = call.error();
        if (err == null) {
            dev.countProbe();
            dev.boundSeq = ++seq;
            transition(dev, DeviceState.BOUND, d.id(), null);
            LOG.info("device {}: bound to driver {}", dev.name(), d.id());
            triggerDeferred();
            return;
        }
        if (err instanceof ProbeDeferredException pde) {
            String reason = pde.getMessage() == null ? "deferred" : pde.getMessage();
            dev.deferredSeq = ++seq;
            release(dev);
            transition(dev, DeviceState.DEFERRED, d.id(), reason);
            LOG.info("device {}: probe by driver {} deferred: {}", dev.name(), d.id(), reason);
            return;
        }
        String msg = err.getMessage() == null || err.getMessage().isBlank() ? err.toString() : err.getMessage();
        LOG.error("device {}: probe by driver {} failed: {}", dev.name(), d.id(), msg, err);
        // As really_probe(): resources go before the state says FAILED/DEFERRED, so anyone who sees that state
        // also sees the probe's threads and pins gone.
        release(dev);
        transition(dev, DeviceState.FAILED, d.id(), msg);
    }

    /** Unbinds a BOUND device (remove, then devres release); DEFERRED/FAILED devices just become UNBOUND. */
    private void detach(DeviceImpl dev, String why) {
        DeviceState s = dev.state();
        if (s == DeviceState.BOUND) {
            DriverEntry d = dev.driver;
            transition(dev, DeviceState.REMOVING, d.id(), null);
            BoundedCall call = startCall("remove", dev, () -> d.driver().remove(dev));
            if (awaitCall(call, dev, config.removeTimeout(), "remove by driver " + d.id()) && call.error() != null) {
                LOG.error("device {}: remove by driver {} threw; releasing its resources anyway", dev.name(), d.id(),
                        call.error());
            }
            release(dev);
            dev.clearDriverData();
            dev.countRemove();
            dev.driver = null;
            transition(dev, DeviceState.UNBOUND, null, null);
            LOG.info("device {}: unbound from driver {} ({})", dev.name(), d.id(), why);
        } else if (s == DeviceState.DEFERRED || s == DeviceState.FAILED) {
            dev.driver = null;
            transition(dev, DeviceState.UNBOUND, null, null);
        }
    }

    /** Releases the device's devres list on a {@code devres/<device>} kthread, bounded. */
    private void release(DeviceImpl dev) {
        Devres res = dev.takeDevres();
        if (res == null || res.size() == 0) {
            return;
        }
        BoundedCall call = startCall("devres", dev, res::releaseAll);
        if (!awaitCall(call, dev, config.removeTimeout(), "devres release")) {
            LOG.error("device {}: resources still held after the devres timeout: {}", dev.name(), res.describe());
        }
    }

    /** driver_deferred_probe_trigger(): queue one retry of the deferred list, if anything is deferred. */
    private void triggerDeferred() {
        if (retryQueued) {
            return;
        }
        // Runs after every successful probe: a scan, not devicesInOrder()'s copy and sort (O(N log N) per probe made
        // binding 1,000 devices quadratic-ish; benchmark 7)
        boolean any;
        synchronized (lock) {
            any = byName.values().stream().anyMatch(d -> d.state() == DeviceState.DEFERRED);
        }
        if (any) {
            retryQueued = true;
            submit("deferred probe", true, () -> {
                retryQueued = false;
                retryDeferred();
                return null;
            });
        }
    }

    /** Re-probes every deferred device, in the order they deferred. */
    private void retryDeferred() {
        List<DeviceImpl> deferred = devicesInOrder(Comparator.comparingLong(d -> d.deferredSeq));
        deferred.removeIf(d -> d.state() != DeviceState.DEFERRED);
        for (DeviceImpl dev : deferred) {
            if (dev.state() == DeviceState.DEFERRED) {
                attach(dev);
            }
        }
    }

    private void transition(DeviceImpl dev, DeviceState s, String driverId, String reason) {
        dev.setBinding(s, driverId, reason);
        if (s == DeviceState.BOUND || s == DeviceState.UNBOUND || s == DeviceState.DEFERRED || s == DeviceState.FAILED) {
            try {
                listener.deviceChanged(dev.info());
            } catch (RuntimeException e) {
                LOG.warn("device {}: state listener failed", dev.name(), e);
            }
        }
    }
}
