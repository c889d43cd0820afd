package io.kdrv.testing;

import io.kdrv.board.KdrvBoard;
import io.kdrv.board.mock.MockBoard;
import io.kdrv.board.mock.RegisterChip;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.driver.internal.CoreConfig;
import io.kdrv.driver.internal.DriverCore;
import io.kdrv.driver.internal.DriverEntry;
import java.time.Duration;
import java.util.ArrayList;
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
 * waits until the core is idle again, so the test sees the settled result (bound, deferred, failed) without
 * sleeping. Outside JUnit, call {@link #start()} and {@link #close()} yourself.
 *
 * <p>Thread-safety: meant for the test thread. Must not be called from a driver's probe/remove.
 */
public final class KdrvTestBed implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
    /** How long each model change may take before the test fails. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final int lines;
    private final int irqFifoCapacity;
    private final CoreConfig coreConfig;
    private final Duration timeout;
    private final boolean leakCheck;

    private MockBoard mock;
    private KdrvBoard board;
    private DriverCore core;
    private final Map<String, String> nodeSources = new LinkedHashMap<>();
    private long nextServiceId = 1;

    private KdrvTestBed(Builder b) {
        this.lines = b.lines;
        this.irqFifoCapacity = b.irqFifoCapacity;
        this.coreConfig = b.coreConfig;
        this.timeout = b.timeout;
        this.leakCheck = b.leakCheck;
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
        start();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Throwable failure = null;
        try {
            close();
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        if (leakCheck) {
            try {
                new KthreadLeakCheck().check(context.getDisplayName());
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

    /** Creates the mock board, opens the board on it and starts the driver core. Called before each test. */
    public void start() {
        if (core != null) {
            throw new IllegalStateException("KdrvTestBed already started");
        }
        mock = new MockBoard(lines);
        board = mock.open(irqFifoCapacity);
        core = new DriverCore(coreConfig);
        core.setBoard(board);
        nodeSources.clear();
        awaitIdle();
    }

    /**
     * Tears down: the core removes every bound device (driver remove, then devres release: IRQs freed, kthreads
     * stopped, pins released), then the board closes. Called after each test. Idempotent.
     */
    @Override
    public void close() {
        DriverCore c = core;
        KdrvBoard b = board;
        core = null;
        board = null;
        try {
            if (c != null) {
                c.close();
            }
        } finally {
            if (b != null) {
                b.close();
            }
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
     * @return the driver id ({@code test/<class simple name>}, suffixed when registered twice)
     */
    public String register(Driver driver, String... compatible) {
        return register(null, driver, compatible);
    }

    /**
     * Registers {@code driver} under {@code id} (null for the default id).
     *
     * @return the driver id
     */
    public String register(String id, Driver driver, String... compatible) {
        DriverCore c = active();
        Objects.requireNonNull(driver, "driver");
        if (compatible.length == 0) {
            throw new IllegalArgumentException("register " + driver.getClass().getName()
                    + ": give at least one compatible string");
        }
        long serviceId = nextServiceId++;
        String driverId = id != null ? id : "test/" + driver.getClass().getSimpleName()
                + (serviceId == 1 ? "" : "#" + serviceId);
        c.addDriver(new DriverEntry(driverId, driver, List.of(compatible), 0, serviceId, "kdrv-testing"));
        awaitIdle();
        return driverId;
    }

    /** Unregisters a driver (a driver bundle unplugged): its devices are removed and their resources released. */
    public void unregister(String driverId) {
        DriverCore c = active();
        if (!c.removeDriver(driverId)) {
            throw new AssertionFailedError("driver " + driverId + ": removing its devices did not finish within "
                    + coreConfig.waitTimeout().toMillis() + " ms");
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
        DriverCore c = active();
        Object name = node.get("name");
        String key = name == null ? "<no name>" : name.toString();
        String source = nodeSources.computeIfAbsent(key, n -> "test:" + n);
        List<String> problems = c.nodeUpdated(source, node);
        awaitIdle();
        if (!problems.isEmpty()) {
            DeviceConfigException first = configException(key, problems.getFirst());
            problems.stream().skip(1).forEach(p -> first.addSuppressed(configException(key, p)));
            throw first;
        }
        return device(key);
    }

    private static final java.util.regex.Pattern PROBLEM = java.util.regex.Pattern.compile("key '([^']*)': (.*)",
            java.util.regex.Pattern.DOTALL);

    /** The core reports node problems as "key 'k': text". */
    private static DeviceConfigException configException(String device, String problem) {
        java.util.regex.Matcher m = PROBLEM.matcher(problem);
        return m.matches() ? new DeviceConfigException(device, m.group(1), m.group(2))
                : new DeviceConfigException(device, "?", problem);
    }

    /** Deletes a device node (its device is removed) and waits. */
    public void removeDevice(String name) {
        DriverCore c = active();
        String source = nodeSources.remove(name);
        if (source == null) {
            throw new IllegalArgumentException("no device node '" + name + "' was added by this test bed");
        }
        c.nodeDeleted(source);
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

    /** Unbinds a device (kdrv:unbind) and waits. */
    public DeviceInfo unbind(String name) {
        return active().unbind(name);
    }

    /** Binds a device to its best driver (kdrv:bind) and waits. */
    public DeviceInfo bind(String name) {
        return active().bind(name, null);
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
        DriverCore c = active();
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

    /** @return every device's snapshot */
    public List<DeviceInfo> devices() {
        return new ArrayList<>(active().devices());
    }

    private DriverCore active() {
        DriverCore c = core;
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
        private CoreConfig coreConfig = CoreConfig.DEFAULTS.withWaitTimeout(DEFAULT_TIMEOUT);
        private Duration timeout = DEFAULT_TIMEOUT;
        private boolean leakCheck = true;

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
            this.coreConfig = coreConfig.withProbeTimeout(d);
            return this;
        }

        /** Longest wait for a model change to settle (default 30 s). */
        public Builder timeout(Duration d) {
            this.timeout = d;
            this.coreConfig = coreConfig.withWaitTimeout(d);
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
