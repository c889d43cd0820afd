package io.kdrv.testing;

import io.kdrv.board.KdrvBoard;
import io.kdrv.board.LineInfo;
import io.kdrv.board.mock.MockBoard;
import io.kdrv.board.mock.RegisterChip;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.driver.host.DriverHost;
import io.kdrv.driver.host.HostConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.opentest4j.AssertionFailedError;

/**
 * A test bed for driver authors: a {@link MockBoard}, a running board on it, and the kdrv driver core in plain Java
 * (no OSGi), fresh for every test and torn down after it, followed by a {@linkplain KthreadLeakCheck kthread leak
 * check}.
 *
 * <pre>{@code
 * class GpioKeysTest {
 *     @RegisterExtension
 *     final KdrvTestBed bed = KdrvTestBed.create();
 *
 *     @Test
 *     void pressReachesTheHandler() throws Exception {
 *         bed.register(new GpioKeysDriver(), "gpio-keys");
 *         bed.addDevice("button0", "gpio-keys", "gpios", 17);
 *         assertEquals(DeviceState.BOUND, bed.device("button0").state());
 *         bed.mock().pulse(17);
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>Every method that changes the device model (register, unregister, add/update/remove device, bind, unbind)
 * waits until the core is idle again, including the deferred-probe retries it triggered, so the test sees the
 * settled result (bound, deferred, failed) without sleeping. Outside JUnit, call {@link #start()} and
 * {@link #close()} yourself ({@code close()} also runs the kthread leak check). The core is embedded through the
 * exported host API {@link DriverHost}.
 *
 * <p>Thread-safety: meant for the test thread. Must not be called from a driver's probe/remove.
 */
public final class KdrvTestBed implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
    /** How long each model change may take before the test fails. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final int lines;
    private final int irqFifoCapacity;
    private final HostConfig hostConfig;
    private final Duration timeout;
    private final boolean leakCheck;
    private final Duration leakCheckGrace;

    private MockBoard mock;
    private KdrvBoard board;
    private DriverHost core;
    private final Map<String, String> nodeSources = new LinkedHashMap<>();
    private final Map<String, Integer> registrations = new HashMap<>(); // base driver id -> times registered
    private long nextServiceId = 1;
    private String testName = "KdrvTestBed";

    private KdrvTestBed(Builder b) {
        this.lines = b.lines;
        this.irqFifoCapacity = b.irqFifoCapacity;
        this.hostConfig = b.hostConfig;
        this.timeout = b.timeout;
        this.leakCheck = b.leakCheck;
        this.leakCheckGrace = b.leakCheckGrace;
    }

    /** A test bed with a {@value MockBoard#DEFAULT_LINES}-line mock board and default settings. */
    public static KdrvTestBed create() {
        return builder().build();
    }

    /** @return a builder for non-default settings */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------------ life cycle

    @Override
    public void beforeEach(ExtensionContext context) {
        testName = context.getDisplayName();
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        testName = context.getDisplayName();
        close();
    }

    /** Creates the mock board, opens the board on it and starts the driver core. Called before each test. */
    public void start() {
        if (core != null) {
            throw new IllegalStateException("KdrvTestBed already started");
        }
        mock = new MockBoard(lines);
        board = mock.open(irqFifoCapacity);
        core = DriverHost.start(hostConfig);
        core.setBoard(board);
        nodeSources.clear();
        registrations.clear();
        awaitIdle();
    }

    /**
     * Tears down: the core removes every bound device (driver remove, then devres release: IRQs freed, kthreads
     * stopped, pins released), then the board closes, then (unless turned off) the {@linkplain KthreadLeakCheck
     * kthread leak check} runs. Called after each test. Idempotent: a second call only repeats the leak check.
     *
     * @throws AssertionFailedError naming the leaked kthreads (a teardown failure is attached as suppressed)
     */
    @Override
    public void close() {
        DriverHost c = core;
        KdrvBoard b = board;
        core = null;
        board = null;
        Throwable failure = null;
        try {
            if (c != null) {
                c.close();
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        } finally {
            if (b != null) {
                b.close();
            }
        }
        if (leakCheck) {
            try {
                new KthreadLeakCheck(leakCheckGrace).check(testName);
            } catch (AssertionFailedError e) {
                if (failure != null) {
                    e.addSuppressed(failure);
                }
                throw e;
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    // ------------------------------------------------------------------------------------------ fixtures

    /** @return the simulated board: drive inputs, read outputs, attach I2C chips */
    public MockBoard mock() {
        active();
        return mock;
    }

    /** @return the running board (pin ownership, {@link KdrvBoard#lines()}) */
    public KdrvBoard board() {
        active();
        return board;
    }

    /** @return the driver manager (device states, bind/unbind) */
    public DeviceManager manager() {
        return active();
    }

    /** Shortcut for {@code mock().attach(bus, address, chip)}. */
    public <C extends RegisterChip> C attach(int bus, int address, C chip) {
        return mock().attach(bus, address, chip);
    }

    // ------------------------------------------------------------------------------------------ drivers

    /**
     * Registers {@code driver} for {@code compatible} strings, as a driver bundle's DS component would, and waits
     * until matching devices are probed.
     *
     * @return the driver id: {@code test/<class simple name>}; a second registration of the same id gets
     *         {@code #2}, a third {@code #3}, ...
     */
    public String register(Driver driver, String... compatible) {
        return register(null, driver, 0, compatible);
    }

    /**
     * Registers {@code driver} under {@code id} (null for the default id).
     *
     * @return the driver id ({@code id}, suffixed {@code #n} when already registered)
     */
    public String register(String id, Driver driver, String... compatible) {
        return register(id, driver, 0, compatible);
    }

    /**
     * Registers {@code driver} under {@code id} (null for the default id) with a service ranking: among drivers for
     * the same compatible string the highest ranking wins, then the earlier registration.
     *
     * @return the driver id ({@code id}, suffixed {@code #n} when already registered)
     */
    public String register(String id, Driver driver, int ranking, String... compatible) {
        DriverHost c = active();
        Objects.requireNonNull(driver, "driver");
        if (compatible.length == 0) {
            throw new IllegalArgumentException("register " + driver.getClass().getName()
                    + ": give at least one compatible string");
        }
        String base = id != null ? id : "test/" + driver.getClass().getSimpleName();
        int n = registrations.merge(base, 1, Integer::sum);
        String driverId = n == 1 ? base : base + "#" + n;
        c.addDriver(driverId, driver, List.of(compatible), ranking, nextServiceId++, "kdrv-testing");
        awaitIdle();
        return driverId;
    }

    /** Unregisters a driver (a driver bundle unplugged): its devices are removed and their resources released. */
    public void unregister(String driverId) {
        DriverHost c = active();
        if (!c.removeDriver(driverId)) {
            throw new AssertionFailedError("driver " + driverId + ": removing its devices did not finish within "
                    + hostConfig.waitTimeout().toMillis() + " ms");
        }
        awaitIdle();
    }

    // ------------------------------------------------------------------------------------------ device nodes

    /**
     * Adds a device node and waits for the result.
     *
     * @param keyValues further node keys and values, alternating: {@code "gpios", 17, "poll-ms", 100}
     * @return the device after matching and probing
     */
    public DeviceInfo addDevice(String name, String compatible, Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("device " + name + ": keyValues must alternate key, value");
        }
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("name", name);
        node.put("compatible", new String[] {compatible});
        for (int i = 0; i < keyValues.length; i += 2) {
            node.put(String.valueOf(keyValues[i]), keyValues[i + 1]);
        }
        return addDevice(node);
    }

    /**
     * Adds (or, for a name already added, updates) a device node with the given keys ({@code name},
     * {@code compatible}, driver keys) and waits for the result.
     *
     * @return the device after matching and probing (a node that does not fit the driver's declared keys is
     *         FAILED, its reason naming device and key)
     * @throws DeviceConfigException when the node's framework keys ({@code name}, {@code compatible},
     *         {@code driver}) are invalid: names the device and the first bad key; further problems are suppressed
     *         exceptions
     */
    public DeviceInfo addDevice(Map<String, ?> node) {
        DriverHost c = active();
        Object name = node.get("name");
        String key = name == null ? "<no name>" : name.toString();
        String source = nodeSources.computeIfAbsent(key, n -> "test:" + n);
        List<DeviceConfigException> problems = c.putNode(source, node);
        awaitIdle();
        if (!problems.isEmpty()) {
            DeviceConfigException first = problems.getFirst();
            problems.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
        return device(key);
    }

    /**
     * Adds (or updates) several device nodes at once, as a board file or Configuration Admin hands them over: all
     * are queued to the core, then this waits once until the core is idle, so nodes may refer to each other in any
     * order (a consumer before its controller defers and is bound when the controller arrives).
     *
     * @param nodes the nodes, each as for {@link #addDevice(Map)}
     * @return each node's device after matching and probing, in the order given
     * @throws DeviceConfigException when a node's framework keys ({@code name}, {@code compatible},
     *         {@code driver}) are invalid: the first problem, naming its device and key, after every valid node was
     *         added and the core is idle; the other problems are suppressed exceptions
     */
    public List<DeviceInfo> addDevices(List<? extends Map<String, ?>> nodes) {
        DriverHost c = active();
        List<String> names = new ArrayList<>(nodes.size());
        List<DeviceConfigException> problems = new ArrayList<>();
        for (Map<String, ?> node : nodes) {
            Object name = node.get("name");
            String key = name == null ? "<no name>" : name.toString();
            names.add(key);
            problems.addAll(c.putNode(nodeSources.computeIfAbsent(key, n -> "test:" + n), node));
        }
        awaitIdle();
        if (!problems.isEmpty()) {
            DeviceConfigException first = problems.getFirst();
            problems.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
        List<DeviceInfo> out = new ArrayList<>(names.size());
        for (String name : names) {
            out.add(device(name));
        }
        return out;
    }

    /**
     * Deletes several device nodes at once (their devices are removed, in the order given) and waits once until
     * the core is idle.
     *
     * @throws IllegalArgumentException naming the first device node this test bed did not add (none is deleted)
     */
    public void removeDevices(List<String> names) {
        DriverHost c = active();
        for (String name : names) {
            if (!nodeSources.containsKey(name)) {
                throw new IllegalArgumentException("no device node '" + name + "' was added by this test bed");
            }
        }
        for (String name : names) {
            c.deleteNode(nodeSources.remove(name));
        }
        awaitIdle();
    }

    /** Deletes a device node (its device is removed) and waits. */
    public void removeDevice(String name) {
        DriverHost c = active();
        String source = nodeSources.remove(name);
        if (source == null) {
            throw new IllegalArgumentException("no device node '" + name + "' was added by this test bed");
        }
        c.deleteNode(source);
        awaitIdle();
    }

    /**
     * @return the device's current snapshot
     * @throws AssertionFailedError when there is no such device
     */
    public DeviceInfo device(String name) {
        Optional<DeviceInfo> d = active().device(name);
        return d.orElseThrow(() -> new AssertionFailedError("no device '" + name + "'; devices: "
                + active().devices().stream().map(DeviceInfo::name).toList()));
    }

    /** Unbinds a device (kdrv:unbind) and waits until the core is idle. */
    public DeviceInfo unbind(String name) {
        active().unbind(name);
        awaitIdle();
        return device(name);
    }

    /**
     * Binds a device to its best driver (kdrv:bind) and waits until the core is idle, so devices that deferred on
     * this one have been retried too.
     *
     * @return the device's snapshot once the core is idle
     */
    public DeviceInfo bind(String name) {
        return bind(name, null);
    }

    /** Binds a device to driver {@code driverId} (null: best match) and waits until the core is idle. */
    public DeviceInfo bind(String name, String driverId) {
        active().bind(name, driverId);
        awaitIdle();
        return device(name);
    }

    /**
     * Waits until device {@code name} is in {@code state}, polling with the bed's timeout.
     *
     * @return the device snapshot in that state
     * @throws AssertionFailedError on timeout, with the device's last state and reason
     */
    public DeviceInfo awaitState(String name, DeviceState state) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (;;) {
            Optional<DeviceInfo> d = active().device(name);
            if (d.isPresent() && d.get().state() == state) {
                return d.get();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionFailedError("device " + name + " did not reach " + state + " within "
                        + timeout.toMillis() + " ms; now " + d.map(i -> i.state() + " (" + i.reason() + ")")
                                .orElse("absent"));
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits until the core has no queued or running work. */
    public void awaitIdle() {
        DriverHost c = active();
        try {
            if (!c.awaitIdle(timeout)) {
                throw new AssertionFailedError("kdrv core not idle within " + timeout.toMillis()
                        + " ms (a probe or remove hangs?); devices: " + c.devices());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionFailedError("interrupted while waiting for the kdrv core", e);
        }
    }

    /**
     * The claimed GPIO line named {@code label} as {@code gpio:list} shows it: {@code "17"}, or {@code "expander0:3"}
     * for a line of a driver's GPIO controller.
     *
     * @return its snapshot, empty when no device holds it
     */
    public Optional<LineInfo> line(String label) {
        KdrvBoard b = board;
        if (b == null) {
            throw new IllegalStateException("KdrvTestBed is not started");
        }
        return b.lines().stream().filter(l -> l.label().equals(label)).findFirst();
    }

    /** @return every device's snapshot */
    public List<DeviceInfo> devices() {
        return new ArrayList<>(active().devices());
    }

    private DriverHost active() {
        DriverHost c = core;
        if (c == null) {
            throw new IllegalStateException("KdrvTestBed is not started: register it with @RegisterExtension on a "
                    + "field (or call start())");
        }
        return c;
    }

    /** Settings of a {@link KdrvTestBed}. */
    public static final class Builder {
        private int lines = MockBoard.DEFAULT_LINES;
        private int irqFifoCapacity = io.kdrv.board.Boards.DEFAULT_IRQ_FIFO_CAPACITY;
        private HostConfig hostConfig = HostConfig.DEFAULTS.withWaitTimeout(DEFAULT_TIMEOUT);
        private Duration timeout = DEFAULT_TIMEOUT;
        private boolean leakCheck = true;
        private Duration leakCheckGrace = Duration.ofMillis(KthreadLeakCheck.DEFAULT_GRACE_MILLIS);

        private Builder() {
        }

        /** Number of mock GPIO lines (default {@value MockBoard#DEFAULT_LINES}). */
        public Builder lines(int lines) {
            this.lines = lines;
            return this;
        }

        /** Edge FIFO capacity of each threaded IRQ (default 1024). */
        public Builder irqFifoCapacity(int capacity) {
            this.irqFifoCapacity = capacity;
            return this;
        }

        /** Longest probe call before the device fails (default 30 s). */
        public Builder probeTimeout(Duration d) {
            this.hostConfig = hostConfig.withProbeTimeout(d);
            return this;
        }

        /** Longest remove call, and separately the longest devres release, before it is abandoned (default 30 s). */
        public Builder removeTimeout(Duration d) {
            this.hostConfig = hostConfig.withRemoveTimeout(d);
            return this;
        }

        /** Longest wait for one device-managed kthread to stop before it is reported and left (default 5 s). */
        public Builder stopTimeout(Duration d) {
            this.hostConfig = hostConfig.withStopTimeout(d);
            return this;
        }

        /** Longest wait for a model change to settle (default 30 s). */
        public Builder timeout(Duration d) {
            this.timeout = d;
            this.hostConfig = hostConfig.withWaitTimeout(d);
            return this;
        }

        /** How long the leak check waits for kthreads that are still exiting (default 10 s). */
        public Builder leakCheckGrace(Duration grace) {
            this.leakCheckGrace = java.util.Objects.requireNonNull(grace, "grace");
            return this;
        }

        /** Turns the after-test kthread leak check off (default on). */
        public Builder leakCheck(boolean on) {
            this.leakCheck = on;
            return this;
        }

        public KdrvTestBed build() {
            return new KdrvTestBed(this);
        }
    }
}
