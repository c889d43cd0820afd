package io.kdrv.examples.demo;

import io.kdrv.board.mock.MockBoard;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceManager;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.KthreadStopTimeoutException;
import io.kdrv.kthread.Kthreads;
import io.kdrv.kthread.PeriodicTimer;
import io.kdrv.kthread.WaitQueue;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/**
 * The mock-board demo: attaches the simulated chips and sensors of the driver catalogue ({@link DemoParts}), loads
 * the demo board file, then a {@code demo/stimulus} kthread presses buttons, triggers the PIR sensor, lets
 * temperatures and voltages drift, moves the ranger's target and turns the knob, while every {@code kdrv/*} event is
 * counted (interactive: follow them with {@code kdrv:events}; timed: printed too).
 *
 * <p>When bundle kdrv-core has stopped (every device removed) the demo prints the level of each mock output line:
 * {@code demo: outputs after kdrv-core stopped: 18=LOW 23=LOW}, which the process tests read.
 *
 * <p>Fault injection for the process tests, each off unless its framework property is set:
 * {@code kdrv.demo.exit-after=2s} calls {@code System.exit(3)} from kthread {@code demo/exit} (a driver that exits
 * the JVM); {@code kdrv.demo.stuck-remove=true} (or {@code =3}) adds device {@code stuck0} (or {@code stuck0..stuck2})
 * bound to driver {@code demo,stuck}, whose remove never returns.
 *
 * <p>With framework property {@code kdrv.demo.duration} (e.g. {@code 10s}, {@code 500ms}, {@code PT1M}) the run is
 * timed: at the end every device's latest readings are printed ({@link DemoReadings}), every device is unbound and
 * a summary is printed (events per topic, device states, kthreads left)
 * and the launcher stops the framework and exits with 0 (1 when a device did not bind or a kthread was left). Without it the demo runs until the shell's {@code stop 0}.
 *
 * <p>Enabled only when framework property {@code kdrv.demo=true} (set by mock-board.bndrun).
 */
@Component(immediate = true, property = EventConstants.EVENT_TOPIC + "=kdrv/*")
public final class MockBoardDemo implements EventHandler {
    static final String BOARD_FILE_RESOURCE = "/mock-board.json";
    /** A node of the board file: one {@code "name"} key per node (the demo's file nests no objects with names). */
    private static final Pattern NODE_NAME = Pattern.compile("\"name\"\\s*:");
    // The LED lines of boards/mock-board.json (the process tests read their levels after kdrv-core stopped).
    static final int[] OUTPUT_LINES = {18, 23};
    static final int EXIT_CODE = 3;

    private final PrintStream out = System.out;
    private final Map<String, AtomicLong> eventCounts = new ConcurrentHashMap<>();
    private final MockBoard board;
    // Dynamic: the demo outlives kdrv-core's stop, so that it can report the outputs once every device is removed.
    // kdrv-core starts after the demo (start level 5): the stimulus waits for it (coreUp) before its timed window.
    private volatile DeviceManager devices;
    private final WaitQueue coreUp = new WaitQueue();
    private final BundleContext ctx;
    private final ConfigurationAdmin cm;
    // The embedded board file is named (PID kdrv.boardfile) at activation, before kdrv-core starts (level 5), as a
    // service's /etc/kdrv/board.json is: the core's devices-settled condition then counts its nodes on a first
    // start too. Config Admin may hand them over in its own order; a consumer seen before its GPIO controller's node
    // fails at INFO ("unknown GPIO controller") and is probed again when that node arrives, as on every restart.
    private volatile boolean embeddedBoard;
    private volatile int boardNodes;
    private final DemoParts parts;
    private final DemoReadings readings = new DemoReadings();
    private final Duration duration;
    private final boolean enabled;
    private final Completion finished = new Completion();
    private volatile boolean ok;
    private Kthread stimulus, exiter;
    private SynchronousBundleListener coreStopped;

    @Activate
    public MockBoardDemo(@Reference MockBoard board, @Reference ConfigurationAdmin cm, BundleContext ctx)
            throws IOException {
        this.board = board;
        this.parts = new DemoParts(board);
        this.ctx = ctx;
        this.cm = cm;
        this.enabled = Boolean.parseBoolean(ctx.getProperty("kdrv.demo"));
        this.duration = parseDuration(ctx.getProperty("kdrv.demo.duration"));
        if (!enabled) {
            return;
        }
        // The parts must answer before their nodes exist, or the probes fail (no device at 1-0x76, no echo, ...).
        parts.attach();
        Hashtable<String, Object> servoProps = new Hashtable<>();
        servoProps.put(Driver.COMPATIBLE, new String[] {ServoSweepDriver.COMPATIBLE});
        ctx.registerService(Driver.class, new ServoSweepDriver(), servoProps);
        embeddedBoard = ctx.getProperty("kdrv.board.file") == null;
        if (embeddedBoard) {
            loadEmbeddedBoardFile(cm);
        }
        out.printf("kdrv mock-board demo: %s%n", duration == null
                ? "interactive (try kthread:ps, kdrv:devices, kdrv:readings, kdrv:events; 'stop 0' leaves)"
                : "timed run of " + duration.toMillis() + " ms");
        coreStopped = event -> {
            if (event.getType() == BundleEvent.STOPPED && "kdrv-core".equals(event.getBundle().getSymbolicName())) {
                printOutputs();
            }
        };
        ctx.addBundleListener(coreStopped);
        int stuck = stuckDevices(ctx.getProperty("kdrv.demo.stuck-remove"));
        if (stuck > 0) {
            addStuckDevices(cm, stuck);
        }
        Duration exitAfter = parseDuration(ctx.getProperty("kdrv.demo.exit-after"));
        if (exitAfter != null) {
            exiter = Kthread.run(d -> {
                if (new PeriodicTimer(d).waitNextPeriod()) {
                    out.println("demo: calling System.exit(" + EXIT_CODE + ")");
                    System.exit(EXIT_CODE);
                }
                return 0;
            }, exitAfter, "demo/exit");
        }
        stimulus = Kthread.create(this::stimulate, null, "demo/stimulus");
        stimulus.owner("bundle " + ctx.getBundle().getSymbolicName());
        stimulus.wakeUp();
        if (duration != null) {
            // The bnd launcher runs a Callable service marked main.thread=true on its main thread and exits the JVM
            // with its result after stopping the framework: 0 only when every device bound and released its kthreads.
            Hashtable<String, Object> mainProps = new Hashtable<>();
            mainProps.put("main.thread", true);
            ctx.registerService(Callable.class, new ExitCode(), mainProps);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setDevices(DeviceManager manager) {
        devices = manager; // after boardNodes is known: the stimulus waits for that many devices once it sees this
        coreUp.wakeUpAll();
    }

    void unsetDevices(DeviceManager manager) {
        if (devices == manager) {
            devices = null;
        }
    }

    /** A named class, not a lambda: the launcher checks the Callable's type argument by reflection. */
    private final class ExitCode implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            finished.waitForCompletionInterruptible();
            return ok ? 0 : 1;
        }
    }

    @Deactivate
    void deactivate() {
        if (coreStopped != null) {
            ctx.removeBundleListener(coreStopped);
        }
        if (exiter != null) {
            try {
                exiter.stop(Duration.ofSeconds(1)); // inside System.exit it never returns: bounded
            } catch (KthreadStopTimeoutException stuckInSystemExit) {
                out.println("demo: demo/exit is inside System.exit; left to the JVM");
            }
        }
        if (stimulus != null) {
            stimulus.stop();
        }
        finished.completeAll(); // the launcher's main thread must not wait for a run that will not finish
        if (enabled) {
            parts.detach();
        }
    }

    private void printOutputs() {
        StringBuilder sb = new StringBuilder("demo: outputs after kdrv-core stopped:");
        for (int line : OUTPUT_LINES) {
            try {
                sb.append(' ').append(line).append('=').append(board.output(line));
            } catch (IllegalArgumentException neverAnOutput) {
                sb.append(' ').append(line).append("=never-driven");
            }
        }
        out.println(sb);
        out.flush();
    }

    /** {@code true} is one stuck device, a number that many (stuck0, stuck1, ...), anything else none. */
    static int stuckDevices(String value) {
        if (value == null) {
            return 0;
        }
        if (Boolean.parseBoolean(value)) {
            return 1;
        }
        try {
            return Math.max(0, Math.min(16, Integer.parseInt(value.strip())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A driver whose remove never returns, and devices for it: the core must report them and shut down anyway. */
    private void addStuckDevices(ConfigurationAdmin cm, int count) throws IOException {
        Hashtable<String, Object> driverProps = new Hashtable<>();
        driverProps.put(Driver.COMPATIBLE, new String[] {"demo,stuck"});
        ctx.registerService(Driver.class, new Driver() {
            @Override
            public void probe(Device dev) {
            }

            @Override
            public void remove(Device dev) {
                while (true) {
                    LockSupport.park(this); // ignores interrupts and kthread_stop on purpose
                }
            }
        }, driverProps);
        for (int i = 0; i < count; i++) {
            Configuration c = cm.getFactoryConfiguration("kdrv.device", "stuck" + i, "?");
            Hashtable<String, Object> node = new Hashtable<>();
            node.put("name", "stuck" + i);
            node.put("compatible", new String[] {"demo,stuck"});
            c.update(node);
        }
    }

    private void loadEmbeddedBoardFile(ConfigurationAdmin cm) throws IOException {
        Path file = ctx.getDataFile("mock-board.json").toPath();
        try (InputStream in = MockBoardDemo.class.getResourceAsStream(BOARD_FILE_RESOURCE)) {
            if (in == null) {
                throw new IOException("demo bundle lacks " + BOARD_FILE_RESOURCE);
            }
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        boardNodes = (int) NODE_NAME.matcher(Files.readString(file)).results().count();
        Configuration c = cm.getConfiguration("kdrv.boardfile", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("path", file.toString());
        c.update(props);
    }

    /** The stimulus kthread: one step every 250 ms until stopped or the timed run ends. */
    private int stimulate(Object unused) throws InterruptedException {
        // The timed window starts once the core is up and has probed the board file's devices (a loaded machine
        // may take seconds to get there), so that a 4 s run sees 4 s of stimuli on bound devices.
        coreUp.waitEventInterruptibleTimeout(() -> devices != null || Kthread.shouldStop(), Duration.ofSeconds(60));
        DeviceManager dm = devices;
        if (dm != null) {
            // Config Admin delivers the nodes asynchronously: wait until each has arrived (device events wake us).
            coreUp.waitEventInterruptibleTimeout(() -> dm.devices().size() >= boardNodes || Kthread.shouldStop(),
                    Duration.ofSeconds(30));
            dm.awaitIdle(Duration.ofSeconds(30));
        }
        PeriodicTimer timer = new PeriodicTimer(Duration.ofMillis(250));
        long end = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        for (long tick = 1; timer.waitNextPeriod() && System.nanoTime() < end; tick++) {
            parts.step(tick);
        }
        if (duration != null && !Kthread.shouldStop()) {
            finishTimedRun();
        }
        return 0;
    }

    private void finishTimedRun() {
        DeviceManager devices = this.devices;
        if (devices == null) {
            out.println("  result: FAILED (kdrv core gone)");
            finished.completeAll();
            return;
        }
        List<DeviceInfo> before = devices.devices();
        // Read before unbinding: a device's sensor channels are gone once it is removed. What a part shows (the
        // panel's text) says more than its driver's last event.
        Map<String, String> latest = new TreeMap<>(parts.states());
        for (DeviceInfo d : before) {
            readings.describe(devices, d.name()).ifPresent(r -> latest.putIfAbsent(d.name(), r));
        }
        for (DeviceInfo d : before) {
            if (d.state() == DeviceState.BOUND) {
                devices.unbind(d.name()); // waits until remove and devres release are done
            }
        }
        List<String> left = Kthreads.list().stream()
                .filter(k -> k.owner() != null && k.owner().startsWith("device "))
                .map(KthreadInfo::name)
                .toList();
        out.println();
        out.println("==== kdrv mock-board demo summary ====");
        new TreeMap<>(eventCounts).forEach((topic, n) -> out.printf("  events %-22s %6d%n", topic, n.get()));
        for (DeviceInfo d : before) {
            long removes = devices.device(d.name()).map(DeviceInfo::removes).orElse(-1L);
            out.printf("  device %-8s was %-8s driver %s, probes %d, removes %d%s%n", d.name(), d.state(),
                    d.driver(), d.probes(), removes, d.reason() == null ? "" : " (" + d.reason() + ")");
        }
        latest.forEach((name, r) -> out.printf("  reading %-8s %s%n", name, r));
        out.printf("  device kthreads alive after unbinding every device: %d %s%n", left.size(), left);
        ok = left.isEmpty() && !before.isEmpty()
                && before.stream().allMatch(d -> d.state() == DeviceState.BOUND);
        out.println(ok ? "  result: OK" : "  result: FAILED");
        out.flush();
        finished.completeAll(); // the launcher's main thread returns the exit code and stops the framework
    }

    @Override
    public void handleEvent(Event event) {
        eventCounts.computeIfAbsent(event.getTopic(), t -> new AtomicLong()).incrementAndGet();
        if (event.getTopic().startsWith("kdrv/device/")) {
            coreUp.wakeUpAll(); // the stimulus waits for the board file's devices
        }
        readings.record(event);
        if (!enabled) {
            return;
        }
        if (duration == null) {
            return; // interactive: keep the prompt readable; kdrv:events follows them, kdrv:readings shows the latest
        }
        Map<String, Object> props = new TreeMap<>();
        for (String key : event.getPropertyNames()) {
            if (!key.equals(EventConstants.EVENT_TOPIC) && !key.startsWith("timestamp")) {
                props.put(key, event.getProperty(key));
            }
        }
        out.printf("event %-20s %s%n", event.getTopic(), props);
    }

    /** {@code 10s}, {@code 500ms}, {@code 2m} or an ISO-8601 duration; null when absent. */
    static Duration parseDuration(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String v = s.strip().toLowerCase();
        try {
            if (v.startsWith("pt") || v.startsWith("p")) {
                return Duration.parse(v.toUpperCase());
            }
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
            }
            return Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("kdrv.demo.duration: cannot parse '" + s
                    + "' (examples: 10s, 500ms, 2m, PT30S)", e);
        }
    }
}
