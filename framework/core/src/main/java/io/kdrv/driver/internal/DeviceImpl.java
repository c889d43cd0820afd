package io.kdrv.driver.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.serial.Serial;
import io.kdrv.driver.Binding;
import io.kdrv.driver.ControllerRef;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.DevresAction;
import io.kdrv.driver.DevresHandle;
import io.kdrv.driver.Edge;
import io.kdrv.driver.GpioChip;
import io.kdrv.driver.GpioController;
import io.kdrv.driver.Irq;
import io.kdrv.driver.LineConfig;
import io.kdrv.driver.IrqHandler;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.ProbeDeferredException;
import io.kdrv.driver.Sensor;
import io.kdrv.driver.SensorChannel;
import io.kdrv.driver.SensorPoll;
import io.kdrv.driver.W1Slave;
import io.kdrv.driver.spi.Board;
import io.kdrv.driver.spi.SpiSettings;
import io.kdrv.driver.spi.ControllerLine;
import io.kdrv.driver.spi.SerialSettings;
import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadStopTimeoutException;
import io.kdrv.kthread.KthreadWork;
import io.kdrv.kthread.KthreadWorker;
import io.kdrv.kthread.PeriodicTimer;
import io.kdrv.kthread.ThreadFn;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's {@link Device}: one accepted node, its binding state, and the devres list of the current probe.
 *
 * <p>Binding fields are written only by the probe worker (through {@link DriverCore}); they are guarded by this
 * object's monitor so {@link #info()} is a consistent snapshot, and {@link #state} is also volatile so the resource
 * methods can check it cheaply from driver threads. Getters read an immutable {@link NodeData}.
 */
final class DeviceImpl implements Device {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceImpl.class);

    /** Receives reports of kthreads that would not stop. */
    @FunctionalInterface
    interface Reporter {
        void stuck(StuckThreadReport report);
    }

    private final String name;
    private final Supplier<Board> boards;
    private final Supplier<Duration> stopTimeout;
    private final Reporter reporter;
    private final SensorHub sensors;
    private final PwmControllers pwmControllers;
    /** Device links: supplier device name -> resources of it this device holds (device-managed). */
    private final Map<String, Integer> suppliers = new ConcurrentHashMap<>();
    private volatile DeviceLinks links = new DeviceLinks();

    private volatile NodeData node;           // replaced by the worker while the device is not bound
    private volatile DeviceState state = DeviceState.UNBOUND;
    private volatile Devres devres;           // the current probe's list, null when none
    private List<Devres.Entry> boardEntries = new ArrayList<>(0); // guarded by this: board entries of that list
    private volatile Object driverData;
    private volatile Binding binding = Binding.UNDECLARED; // of the driver probing or bound; its defaults apply
    /** The core's GPIO controllers (lines referenced as "<controller>:<n>"); none outside a core. */
    private volatile GpioControllers controllers = GpioControllers.none();
    /** The controller name of the last probe's "unknown GPIO controller" failure: a node of that name retries it. */
    private volatile String missingController;
    /** Driver call threads the core gave up on: their late resource requests are refused. */
    private final Set<Thread> abandoned = ConcurrentHashMap.newKeySet();

    // Guarded by this (written by the worker only).
    private String driverId;
    private String reason;
    private long probes;
    private long removes;

    // Confined to the probe worker.
    boolean manualUnbound;     // kdrv:unbind: not auto-probed until bind or a node change
    long boundSeq;             // probe order, for reverse-order shutdown
    long deferredSeq;          // deferral order, for retries in Linux order
    long registeredSeq;        // node order, for deterministic attach order
    DriverEntry driver;        // the bound (or probing/deferred/failed) driver

    DeviceImpl(NodeData node, Supplier<Board> boards, Supplier<Duration> stopTimeout, Reporter reporter) {
        this(node, boards, stopTimeout, reporter, new SensorHub());
    }

    DeviceImpl(NodeData node, Supplier<Board> boards, Supplier<Duration> stopTimeout, Reporter reporter,
            SensorHub sensors) {
        this(node, boards, stopTimeout, reporter, sensors, new PwmControllers());
    }

    DeviceImpl(NodeData node, Supplier<Board> boards, Supplier<Duration> stopTimeout, Reporter reporter,
            SensorHub sensors, PwmControllers pwmControllers) {
        this.pwmControllers = pwmControllers;
        this.sensors = sensors;
        this.name = node.name();
        this.node = node;
        this.boards = boards;
        this.stopTimeout = stopTimeout;
        this.reporter = reporter;
    }

    // ------------------------------------------------------------------------------------------------ core side

    NodeData node() {
        return node;
    }

    void node(NodeData n) {
        this.node = n;
    }

    synchronized void setBinding(DeviceState s, String driverId, String reason) {
        this.state = s;
        this.driverId = driverId;
        this.reason = reason;
    }

    /** Why an UNBOUND device waits (null: it does not); not a state change, so no listener is told. */
    synchronized void noteUnbound(String why) {
        if (state == DeviceState.UNBOUND) {
            this.reason = why;
        }
    }

    synchronized void countProbe() {
        probes++;
    }

    synchronized void countRemove() {
        removes++;
    }

    synchronized DeviceInfo info() {
        NodeData n = node;
        return new DeviceInfo(name, n.compatible(), state, driverId, reason, n.snapshot(), probes, removes);
    }

    /** The current state, driver and reason, for the state listener (no copy of the node's properties). */
    synchronized DriverCore.StateChange stateChange() {
        return new DriverCore.StateChange(name, state, driverId, reason);
    }

    synchronized String reason() {
        return reason;
    }

    synchronized String driverId() {
        return driverId;
    }

    /** Starts a fresh devres list for a probe attempt. */
    Devres newDevres() {
        Devres d = new Devres(name);
        missingController = null;
        synchronized (this) {
            boardEntries = new ArrayList<>(0);
        }
        devres = d;
        return d;
    }

    /** Detaches the current devres list (the caller releases it); later acquisitions are refused. */
    Devres takeDevres() {
        Devres d = devres;
        devres = null;
        if (d != null) {
            d.close();
        }
        return d;
    }

    /** Whether board resources are held now (so losing the board must unbind this device). */
    synchronized boolean usesBoard() {
        return devres != null && boardEntries.stream().anyMatch(Devres.Entry::active);
    }

    /** The driver core's GPIO controllers (set once, before the device is first probed). */
    void controllers(GpioControllers g) {
        this.controllers = Objects.requireNonNull(g, "controllers");
    }

    /** Whether the last probe failed because no node named {@code name} existed (its controller). */
    /** The unknown GPIO controller the last probe named, null if none. */
    String missingController() {
        return missingController;
    }

    boolean missesController(String name) {
        return name.equals(missingController);
    }

    void abandon(Thread t) {
        abandoned.add(t);
    }

    /** Forget abandoned threads that have since ended. */
    void pruneAbandoned() {
        abandoned.removeIf(t -> !t.isAlive());
    }

    /** The binding of the driver about to probe: its declared defaults apply to the getters. */
    void binding(Binding b) {
        this.binding = Objects.requireNonNull(b, "binding");
    }

    void clearDriverData() {
        driverData = null;
    }

    // ------------------------------------------------------------------------------------------------ identity

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> compatible() {
        return node.compatible();
    }

    @Override
    public DeviceState state() {
        return state;
    }

    @Override
    public Optional<String> driverName() {
        DeviceState s = state;
        if (s == DeviceState.PROBING || s == DeviceState.BOUND || s == DeviceState.REMOVING) {
            return Optional.ofNullable(driverId());
        }
        return Optional.empty();
    }

    @Override
    public Map<String, Object> properties() {
        return node.snapshot();
    }

    // ------------------------------------------------------------------------------------------------ getters

    private Object raw(String key) {
        return node.properties().get(Objects.requireNonNull(key, "key"));
    }

    /** The node's value of {@code key} as {@code type}, else the binding's default, else null. */
    private Object valueOrDeclared(String key, NodeKey.Type type) {
        Object v = raw(key);
        if (v == null) {
            v = binding.key(key).flatMap(NodeKey::defaultValue).orElse(null);
            if (v == null) {
                return null;
            }
        }
        return convert(key, v, type);
    }

    /** Converts a node value; in an int array a controller reference becomes its global number ({@link GpioChip#number}). */
    private Object convert(String key, Object v, NodeKey.Type type) {
        try {
            if (type == NodeKey.Type.INT_ARRAY) {
                GpioControllers g = controllers;
                v = LineRefs.numbered(v, g::number);
            }
            return Props.convert(v, type);
        } catch (Props.BadValue e) {
            throw new DeviceConfigException(name, key, e.getMessage());
        }
    }

    private Object required(String key, NodeKey.Type type) {
        Object v = valueOrDeclared(key, type);
        if (v == null) {
            throw new DeviceConfigException(name, key, "missing");
        }
        return v;
    }

    /** The node's value as {@code type}, or null when the node lacks it (the caller's default applies). */
    private Object present(String key, NodeKey.Type type) {
        Object v = raw(key);
        if (v == null) {
            return null;
        }
        return convert(key, v, type);
    }

    @Override
    public boolean has(String key) {
        return raw(key) != null;
    }

    /** The node's value, else the declared default, else "missing"; as the getter of {@code type} returns it. */
    @SuppressWarnings("unchecked")
    private <T> T value(String key, NodeKey.Type type) {
        return (T) required(key, type);
    }

    /** The node's value, else {@code def}. */
    @SuppressWarnings("unchecked")
    private <T> T value(String key, NodeKey.Type type, T def) {
        Object v = present(key, type);
        return v == null ? def : (T) v;
    }

    @Override
    public String getString(String key) {
        return this.<String>value(key, NodeKey.Type.STRING);
    }

    @Override
    public String getString(String key, String def) {
        return value(key, NodeKey.Type.STRING, def);
    }

    @Override
    public int getInt(String key) {
        return this.<Integer>value(key, NodeKey.Type.INT);
    }

    @Override
    public int getInt(String key, int def) {
        return value(key, NodeKey.Type.INT, def);
    }

    @Override
    public long getLong(String key) {
        return this.<Long>value(key, NodeKey.Type.LONG);
    }

    @Override
    public long getLong(String key, long def) {
        return value(key, NodeKey.Type.LONG, def);
    }

    @Override
    public double getDouble(String key) {
        return this.<Double>value(key, NodeKey.Type.DOUBLE);
    }

    @Override
    public double getDouble(String key, double def) {
        return value(key, NodeKey.Type.DOUBLE, def);
    }

    @Override
    public boolean getBoolean(String key) {
        return this.<Boolean>value(key, NodeKey.Type.BOOLEAN);
    }

    @Override
    public boolean getBoolean(String key, boolean def) {
        return value(key, NodeKey.Type.BOOLEAN, def);
    }

    @Override
    public String[] getStringArray(String key) {
        return this.<String[]>value(key, NodeKey.Type.STRING_ARRAY);
    }

    @Override
    public String[] getStringArray(String key, String[] def) {
        return value(key, NodeKey.Type.STRING_ARRAY, def);
    }

    @Override
    public int[] getIntArray(String key) {
        return this.<int[]>value(key, NodeKey.Type.INT_ARRAY);
    }

    @Override
    public int[] getIntArray(String key, int[] def) {
        return value(key, NodeKey.Type.INT_ARRAY, def);
    }

    @Override
    public long[] getLongArray(String key) {
        return this.<long[]>value(key, NodeKey.Type.LONG_ARRAY);
    }

    @Override
    public long[] getLongArray(String key, long[] def) {
        return value(key, NodeKey.Type.LONG_ARRAY, def);
    }

    @Override
    public double[] getDoubleArray(String key) {
        return this.<double[]>value(key, NodeKey.Type.DOUBLE_ARRAY);
    }

    @Override
    public double[] getDoubleArray(String key, double[] def) {
        return value(key, NodeKey.Type.DOUBLE_ARRAY, def);
    }

    @Override
    public boolean[] getBooleanArray(String key) {
        return this.<boolean[]>value(key, NodeKey.Type.BOOLEAN_ARRAY);
    }

    @Override
    public boolean[] getBooleanArray(String key, boolean[] def) {
        return value(key, NodeKey.Type.BOOLEAN_ARRAY, def);
    }

    // ------------------------------------------------------------------------------------------------ devres

    /** The current devres list, if resources may be acquired now by the calling thread. */
    private Devres active(String what) {
        DeviceState s = state;
        Devres d = devres;
        if ((s != DeviceState.PROBING && s != DeviceState.BOUND) || d == null) {
            throw new IllegalStateException("device " + name + ": " + what
                    + " is only allowed while the device is probing or bound (state " + s + ")");
        }
        if (abandoned.contains(Thread.currentThread())) {
            throw new IllegalStateException("device " + name + ": " + what + " refused: this call ("
                    + Thread.currentThread().getName() + ") was abandoned after a timeout");
        }
        return d;
    }

    /** Adds a release entry, or releases at once and refuses when the list was closed meanwhile. */
    private Devres.Entry register(Devres d, String what, DevresAction release, Object resource) {
        return register(d, what, null, release, resource);
    }

    /** {@link #register(Devres, String, DevresAction, Object)} described as {@code kind + subject}, lazily. */
    private Devres.Entry register(Devres d, String kind, Object subject, DevresAction release, Object resource) {
        Devres.Entry e = d.add(kind, subject, release, resource);
        if (e != null) {
            return e;
        }
        String what = subject == null ? kind : kind + subject;
        try {
            release.release();
        } catch (Exception ex) {
            LOG.error("device {}: releasing refused {} failed", name, what, ex);
        }
        throw new IllegalStateException("device " + name + ": " + what
                + " refused: the device is no longer probing or bound (state " + state + "); released again");
    }

    /** A board resource: while any is held, losing the board service must unbind this device. */
    private Devres.Entry registerBoard(Devres d, String what, DevresAction release, Object resource) {
        Devres.Entry e = register(d, what, release, resource);
        synchronized (this) {
            boardEntries.add(e);
        }
        return e;
    }

    @Override
    public <T> Kthread kthreadCreate(ThreadFn<? super T> fn, T data, String nameFmt, Object... args) {
        Devres d = active("kthreadCreate");
        Kthread k = Kthread.create(fn, data, nameFmt, args).owner("device " + name);
        register(d, "kthread " + k.name(), () -> stopKthread(k), k);
        return k;
    }

    @Override
    public <T> Kthread kthreadRun(ThreadFn<? super T> fn, T data, String nameFmt, Object... args) {
        Kthread k = kthreadCreate(fn, data, nameFmt, args);
        k.wakeUp();
        return k;
    }

    @Override
    public KthreadWorker createWorker(String nameFmt, Object... args) {
        Devres d = active("createWorker");
        KthreadWorker w = KthreadWorker.create(nameFmt, args);
        w.thread().owner("device " + name);
        register(d, "kthread worker " + w.thread().name(), () -> destroyWorker(w), w);
        return w;
    }

    @Override
    public DevresHandle addAction(DevresAction action) {
        Objects.requireNonNull(action, "action");
        return register(active("addAction"), "action ", action, action, null);
    }

    @Override
    public Optional<DevresHandle> devres(Object resource) {
        Objects.requireNonNull(resource, "resource");
        Devres d = devres;
        return d == null ? Optional.empty() : Optional.ofNullable(d.find(resource));
    }

    /**
     * Bounded kthread stop: a thread that ignores {@link Kthread#shouldStop()} is reported with its stack and left
     * behind (marked should-stop), so remove and shutdown still finish.
     */
    void stopKthread(Kthread k) {
        Duration timeout = stopTimeout.get();
        try {
            k.stop(timeout);
        } catch (KthreadStopTimeoutException e) {
            LOG.error("device {}: kthread {} did not stop within {} ms; abandoning it (still marked should-stop). "
                    + "Its stack follows", name, k.name(), timeout.toMillis(), e);
            reporter.stuck(StuckThreadReport.of(name, k.name(), "kthread stop", e));
        }
    }

    /**
     * Bounded {@link KthreadWorker#destroy()}: wait (bounded) for queued work to drain, then stop the worker
     * thread with {@link #stopKthread}. {@code destroy()} itself waits without a bound for a hung item.
     */
    private void destroyWorker(KthreadWorker w) {
        Completion drained = new Completion();
        try {
            w.queueWork(new KthreadWork(drained::complete));
        } catch (IllegalStateException alreadyDestroyed) {
            drained.complete();
        }
        Duration timeout = stopTimeout.get();
        if (!drained.waitForCompletionTimeout(timeout)) { // uninterruptible: an interrupt stays pending
            LOG.warn("device {}: kthread worker {} did not drain its queue within {} ms; stopping it (pending work dropped)",
                    name, w.thread().name(), timeout.toMillis());
        }
        stopKthread(w.thread());
    }

    // ------------------------------------------------------------------------------------------------ sensors

    private static final long LOG_EVERY_NTH_POLL_ERROR = 100;

    @Override
    public Sensor sensor(SensorChannel... channels) {
        Objects.requireNonNull(channels, "channels");
        if (channels.length == 0) {
            throw new IllegalArgumentException("device " + name + ": a sensor needs at least one channel");
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        for (SensorChannel c : channels) {
            if (!names.add(Objects.requireNonNull(c, "channel").name())) {
                throw new IllegalArgumentException("device " + name + ": sensor channel " + c.name()
                        + " is declared twice");
            }
        }
        active("sensor");
        SensorImpl s = new SensorImpl(name, List.of(channels), sensors);
        sensors.add(s);
        addAction(() -> {
            s.close();
            sensors.remove(s);
        });
        return s;
    }

    @Override
    public Kthread startSensorPoller(Sensor sensor, Duration period, int cpu, SensorPoll poll) {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(poll, "poll");
        if (!(sensor instanceof SensorImpl s) || !s.device().equals(name)) {
            throw new IllegalArgumentException("device " + name + ": the sensor was not created by this device");
        }
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("device " + name + ": sensor poll period must be > 0, got " + period);
        }
        Kthread k = kthreadCreate(x -> runPoller(s, period, poll), s, "sensor/%s", name);
        if (cpu >= 0) {
            try {
                k.bind(cpu);
            } catch (IllegalArgumentException e) {
                // The created kthread is device-managed: a failed probe stops it before it ever runs.
                throw new DeviceConfigException(name, "cpu", e.getMessage());
            }
        }
        s.pollerName = k.name();
        s.period = period;
        s.cpu = cpu;
        k.wakeUp();
        return k;
    }

    /** The poller kthread: polls at once, then once per period, until stopped. */
    private int runPoller(SensorImpl s, Duration period, SensorPoll poll) throws InterruptedException {
        PeriodicTimer timer = new PeriodicTimer(period);
        do {
            try {
                poll.poll(s);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                long n = ++s.pollErrors; // only this kthread writes
                if (n == 1 || n % LOG_EVERY_NTH_POLL_ERROR == 0) {
                    LOG.warn("device {}: sensor poll failed ({} failures so far): {}", name, n, e.toString());
                }
            }
            s.overruns = timer.overruns();
        } while (timer.waitNextPeriod());
        s.overruns = timer.overruns();
        return 0;
    }

    // ------------------------------------------------------------------------------------------------ board

    private Board board() throws ProbeDeferredException {
        Board b = boards.get();
        if (b == null) {
            throw new ProbeDeferredException("no board service");
        }
        return b;
    }

    /** Line number {@code key[index]}, with an error naming device, key and index when out of range. */
    private int line(String key, int index) {
        int[] lines = getIntArray(key);
        if (index < 0 || index >= lines.length) {
            throw new DeviceConfigException(name, key, "index " + index + " out of range: the key has "
                    + lines.length + (lines.length == 1 ? " entry" : " entries"));
        }
        return lines[index];
    }

    @Override
    public String gpioName(String key, int index) {
        int number = line(key, index); // index range, named
        Object raw = raw(key);
        if (raw != null && LineRefs.hasRefs(raw)) {
            try {
                if (LineRefs.entry(Props.elements(raw).get(index), index) instanceof ControllerRef ref) {
                    return ref.toString();
                }
            } catch (Props.BadValue e) {
                throw new DeviceConfigException(name, key, e.getMessage());
            }
        }
        return Integer.toString(number);
    }

    @Override
    public LineConfig gpioConfig(String key, int index) {
        int count = getIntArray(key).length;
        line(key, index); // index range, named
        String flagsKey = LineConfig.flagsKey(key);
        String[] flags = getStringArray(flagsKey, null);
        if (flags == null || flags.length == 0) {
            return LineConfig.DEFAULT;
        }
        if (flags.length != 1 && flags.length != count) {
            throw new DeviceConfigException(name, flagsKey, flags.length + " entries for " + count
                    + " lines of '" + key + "' (give one entry per line, or one for all)");
        }
        String entry = flags[flags.length == 1 ? 0 : index];
        try {
            return LineConfig.parse(entry);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(name, flagsKey, e.getMessage());
        }
    }

    /**
     * Entry {@code key[index]} as a controller line when it is a reference ({@code "expander0:3"}), else null (a SoC
     * line). Unknown controller and line out of range are configuration errors; a controller whose node exists but
     * has not registered yet defers.
     */
    private ControllerLine controllerLine(String key, int index) throws ProbeDeferredException {
        line(key, index); // index range, named
        Object raw = raw(key);
        if (raw == null || !LineRefs.hasRefs(raw)) {
            return null;
        }
        Object entry;
        try {
            entry = LineRefs.entry(Props.elements(raw).get(index), index);
        } catch (Props.BadValue e) {
            throw new DeviceConfigException(name, key, e.getMessage());
        }
        if (!(entry instanceof ControllerRef ref)) {
            return null;
        }
        GpioControllers g = controllers;
        GpioControllers.Chip chip = g.get(ref.controller());
        if (chip == null) {
            if (!g.nodeExists(ref.controller())) {
                missingController = ref.controller(); // Config Admin delivers nodes in any order: retried on add
                throw new DeviceConfigException(name, key, "entry " + index + " (" + ref + "): unknown GPIO controller '"
                        + ref.controller() + "': no device node of that name");
            }
            throw new ProbeDeferredException("waiting for GPIO controller " + ref.controller() + " (" + key + "["
                    + index + "] = " + ref + "): its device has not registered it yet");
        }
        if (ref.index() >= chip.lineCount()) {
            throw new DeviceConfigException(name, key, "entry " + index + " (" + ref + "): line " + ref.index()
                    + " out of range of GPIO controller " + ref.controller() + " (lines 0.." + (chip.lineCount() - 1)
                    + ")");
        }
        if (ref.controller().equals(name)) {
            throw new DeviceConfigException(name, key, "entry " + index + " (" + ref
                    + "): a device cannot use a line of its own GPIO controller");
        }
        return chip.line(ref.index());
    }

    /** A controller line's release: the claim, then the device link to its controller (held while claimed). */
    private DevresAction closeAndUnlink(Board.Handle<?> h, String controller) {
        DevresAction unlink = linkSupplier(controller);
        return () -> {
            try {
                h.close();
            } finally {
                unlink.release();
            }
        };
    }

    @Override
    public GpioChip registerGpioController(GpioController controller) {
        Objects.requireNonNull(controller, "controller");
        Devres d = active("registerGpioController");
        GpioControllers g = controllers;
        GpioControllers.Chip chip = g.register(name, controller);
        register(d, "gpio controller " + name + " (" + chip.lineCount() + " lines)", () -> g.unregister(chip), chip);
        LOG.info("device {}: GPIO controller registered, {} lines ({}:0..{}, numbers {}..{})", name, chip.lineCount(),
                name, chip.lineCount() - 1, chip.number(0), chip.number(chip.lineCount() - 1));
        return chip;
    }

    @Override
    public DigitalInput gpioInput(String key, int index, LineConfig config) throws ProbeDeferredException {
        Objects.requireNonNull(config, "config");
        Devres d = active("gpioInput");
        ControllerLine cl = controllerLine(key, index);
        if (cl != null) {
            Board.Handle<DigitalInput> h = board().openInput(this, cl, config);
            DigitalInput in = h.get();
            registerBoard(d, "gpio input " + cl.label() + " (" + key + "[" + index + "])",
                    closeAndUnlink(h, cl.controller()), in);
            return in;
        }
        int line = line(key, index);
        Board.Handle<DigitalInput> h = board().openInput(this, line, config);
        DigitalInput in = h.get();
        registerBoard(d, "gpio input " + line + " (" + key + "[" + index + "])", h::close, in);
        return in;
    }

    @Override
    public DigitalOutput gpioOutput(String key, int index, LineConfig config, DigitalState offState)
            throws ProbeDeferredException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(offState, "offState");
        Devres d = active("gpioOutput");
        ControllerLine cl = controllerLine(key, index);
        if (cl != null) {
            Board.Handle<DigitalOutput> h = board().openOutput(this, cl, config, offState);
            DigitalOutput out = h.get();
            registerBoard(d, "gpio output " + cl.label() + " (" + key + "[" + index + "])",
                    closeAndUnlink(h, cl.controller()), out);
            return out;
        }
        int line = line(key, index);
        Board.Handle<DigitalOutput> h = board().openOutput(this, line, config, offState);
        DigitalOutput out = h.get();
        registerBoard(d, "gpio output " + line + " (" + key + "[" + index + "])", h::close, out);
        return out;
    }

    @Override
    public I2C i2c() throws ProbeDeferredException {
        Devres d = active("i2c");
        Object declaredBus = valueOrDeclared(NodeKey.I2C_BUS.name(), NodeKey.Type.INT); // a driver may declare its own default
        int bus = declaredBus == null ? 1 : (Integer) declaredBus;
        int address = getInt(NodeKey.REG.name());
        Board.Handle<I2C> h = board().openI2c(this, bus, address);
        I2C i2c = h.get();
        registerBoard(d, String.format("i2c %d-0x%02x", bus, address), h::close, i2c);
        return i2c;
    }

    @Override
    public Spi spi() throws ProbeDeferredException {
        Devres d = active("spi");
        SpiSettings settings = SpiNode.settings(this, binding); // DeviceConfigException naming the key
        Board.Handle<Spi> h = board().openSpi(this, settings);
        Spi spi = h.get();
        registerBoard(d, "spi " + settings, h::close, spi);
        return spi;
    }

    @Override
    public Irq requestThreadedIrq(DigitalInput input, Edge edge, Duration debounce, IrqHandler handler)
            throws ProbeDeferredException {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(handler, "handler");
        Devres d = active("requestThreadedIrq");
        Board.Handle<Irq> h = board().requestThreadedIrq(this, input, edge, debounce, handler);
        Irq irq = h.get();
        ManagedIrq managed = new ManagedIrq(irq);
        managed.entry = registerBoard(d, "irq " + (irq != null ? irq.threadName() : "?"), h::close, managed);
        return managed;
    }

    // ------------------------------------------------------------------------------------------------ PWM

    /** Whether this device holds a resource of device {@code supplier} (a device link: it is removed first). */
    boolean usesSupplier(String supplier) {
        return suppliers.containsKey(supplier);
    }

    /** Links this device to {@code supplier} until the returned action runs (on release of the resource). */
    private DevresAction linkSupplier(String supplier) {
        if (suppliers.merge(supplier, 1, Integer::sum) == 1) {
            links.link(supplier, this);
        }
        return () -> {
            if (suppliers.computeIfPresent(supplier, (k, n) -> n > 1 ? n - 1 : null) == null) {
                links.unlink(supplier, this);
            }
        };
    }

    /** The core's device-link index (a device made outside a core keeps its own). */
    void links(DeviceLinks l) {
        this.links = Objects.requireNonNull(l, "links");
    }

    @Override
    public com.pi4j.io.pwm.Pwm pwm(String key, int index) throws ProbeDeferredException {
        Devres d = active("pwm");
        PwmNodeKeys keys = new PwmNodeKeys(name, this::valueOrDeclared);
        PwmRef ref = keys.ref(key, raw(key), index);
        io.kdrv.driver.PwmState initial = keys.defaults(key, raw(key), index);
        String what = "pwm " + ref + " (" + key + "[" + index + "])";
        if (ref.controller() != null) {
            return controllerPwm(d, key, ref, initial, what);
        }
        Board.Handle<com.pi4j.io.pwm.Pwm> h;
        try {
            h = board().openPwm(this, ref.chip(), ref.channel(), initial);
        } catch (DeviceConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(name, key, e.getMessage());
        }
        com.pi4j.io.pwm.Pwm p = h.get();
        registerBoard(d, what, h::close, p);
        return p;
    }

    private com.pi4j.io.pwm.Pwm controllerPwm(Devres d, String key, PwmRef ref, io.kdrv.driver.PwmState initial,
            String what) throws ProbeDeferredException {
        PwmControllers.Entry c = pwmControllers.lookup(ref.controller());
        if (c == null) {
            DeviceState s = pwmControllers.deviceState(ref.controller());
            if (s == DeviceState.BOUND) {
                throw new DeviceConfigException(name, key, ref + ": device " + ref.controller()
                        + " is bound but registered no PWM controller");
            }
            // Linux -EPROBE_DEFER: the supplier may simply bind later (or never: the reason says which).
            throw new ProbeDeferredException("PWM controller " + ref.controller() + " is not bound ("
                    + (s == null ? "no device node " + ref.controller() + " yet" : "device " + ref.controller()
                    + " is " + s) + "; " + key + " = " + ref + ")");
        }
        if (ref.channel() >= c.channels) {
            throw new DeviceConfigException(name, key, "PWM controller " + c.device + " has channels 0.."
                    + (c.channels - 1) + ", not " + ref.channel());
        }
        pwmControllers.claim(c, ref.channel(), name);
        ControllerPwm p = new ControllerPwm(c, ref.channel(), name, initial);
        DevresAction unlink = linkSupplier(c.device);
        Devres.Entry e = register(d, what, () -> {
            try {
                p.release();
            } finally {
                pwmControllers.unclaim(c, ref.channel(), name);
                unlink.release();
            }
        }, p);
        try {
            p.applyInitial();
        } catch (RuntimeException ex) {
            e.release();
            throw ex;
        }
        return p;
    }

    @Override
    public void registerPwmController(io.kdrv.driver.PwmController controller) {
        Objects.requireNonNull(controller, "controller");
        Devres d = active("registerPwmController");
        int channels = controller.channels();
        if (channels <= 0) {
            throw new IllegalArgumentException("device " + name + ": a PWM controller needs channels, got " + channels);
        }
        PwmControllers.Entry e = pwmControllers.register(name, controller, channels);
        register(d, "PWM controller (" + channels + " channels)", () -> pwmControllers.unregister(e), null);
    }

    // ------------------------------------------------------------------------------------------------ UART, 1-Wire

    @Override
    public Serial serial() throws ProbeDeferredException {
        Devres d = active("serial");
        SerialSettings settings = DeviceClassNodes.serial(name, this::valueOrDeclared);
        Board.Handle<Serial> h = board().openSerial(this, settings);
        Serial port = h.get();
        registerBoard(d, "serial " + settings.device(), h::close, port);
        return port;
    }

    @Override
    public W1Slave w1() throws ProbeDeferredException {
        Devres d = active("w1");
        String id = DeviceClassNodes.w1Id(name, this::valueOrDeclared);
        String master = DeviceClassNodes.w1Master(name, this::valueOrDeclared);
        Board.Handle<W1Slave> h = board().openW1(this, master, id);
        W1Slave slave = h.get();
        registerBoard(d, "w1 " + id, h::close, slave);
        return slave;
    }

    // ------------------------------------------------------------------------------------------------ driver data

    @Override
    public void setDriverData(Object data) {
        this.driverData = data;
    }

    @Override
    public <T> T driverData(Class<T> type) {
        Object d = driverData;
        return d == null ? null : type.cast(d);
    }

    @Override
    public String toString() {
        return "Device[" + name + ", " + state + "]";
    }

    /**
     * The board's {@link Irq} as handed to the driver: {@link #free()} goes through the devres entry, so a freed IRQ
     * leaves no entry behind (devm_free_irq). Every other method delegates, including the interface's defaults.
     */
    private static final class ManagedIrq implements Irq {
        private final Irq irq;
        volatile Devres.Entry entry;

        ManagedIrq(Irq irq) {
            this.irq = irq;
        }

        @Override
        public int line() {
            return irq.line();
        }

        @Override
        public String threadName() {
            return irq.threadName();
        }

        @Override
        public long edges() {
            return irq.edges();
        }

        @Override
        public long handled() {
            return irq.handled();
        }

        @Override
        public long overflows() {
            return irq.overflows();
        }

        @Override
        public long lost() {
            return irq.lost();
        }

        @Override
        public long debounced() {
            return irq.debounced();
        }

        @Override
        public long failures() {
            return irq.failures();
        }

        @Override
        public Duration debounce() {
            return irq.debounce();
        }

        @Override
        public void free() {
            Devres.Entry e = entry;
            if (e == null || !e.release()) {
                irq.free(); // idempotent: already released through devres, or registration was refused
            }
        }

        @Override
        public String toString() {
            return irq.toString();
        }
    }
}
