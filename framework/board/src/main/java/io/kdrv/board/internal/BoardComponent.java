package io.kdrv.board.internal;

import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.Boards;
import io.kdrv.board.KdrvBoard;
import io.kdrv.driver.spi.Board;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the board on the configured platform and registers it as {@link Board} (for the driver core) and
 * {@link KdrvBoard} (for the shell), with service property {@value BoardPlatform#PLATFORM}.
 *
 * <p>Platforms come as {@link BoardPlatform} services (the mock board bundle provides {@code mock}, kdrv-board-linux
 * provides {@code raspberrypi} and {@code linux}); a Pi4J-gpiod {@code raspberrypi} is built in as the fallback
 * when no service provides that name. The Board service is registered by hand, not by DS, because it exists only
 * while the selected platform is available and opens: when it is not, the error is logged (naming the platform
 * and what is missing), no Board is registered, and the driver core defers probes until it appears. A platform
 * service arriving later, leaving, or a configuration change re-selects: the old board is closed first, which
 * releases every pin and frees every IRQ.
 *
 * <p>Locking (Felix SCR {@code RegistrationManager} style): no framework call and no board call happens while
 * {@code lock} is held, because unregistering the board synchronously removes every device using it (driver
 * remove calls that may take long and may come back here). Each entry point records what changed under the lock;
 * one thread at a time then runs the reconcile loop: decide the next step under the lock, run it (unregister,
 * close, open, register, log) outside, record the result, repeat until nothing is left. An entry point that
 * finds the loop running leaves its change to that thread and returns at once; only {@link #deactivate} waits
 * (bounded) until the board is down.
 */
@Component(configurationPid = "kdrv.board", configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {})
@Designate(ocd = BoardConfig.class)
public final class BoardComponent {
    private static final Logger LOG = LoggerFactory.getLogger(BoardComponent.class);
    /** How long deactivate waits for another thread's reconcile loop to take the board down. */
    static final Duration DEACTIVATE_TIMEOUT = Duration.ofSeconds(120);
    /** The bundle providing the real platforms ({@code raspberrypi}, {@code linux}) on the Linux uAPI. */
    static final String LINUX_BOARD_BUNDLE = "kdrv-board-linux";

    private final Map<String, BoardPlatform> platformServices = new ConcurrentHashMap<>();
    private final FrameworkListener startupCheck = this::frameworkEvent;

    private static final String KEY_PLATFORM = "platform";

    private final Object lock = new Object();
    // guarded by lock
    private BundleContext bundleContext;
    private String platformProperty;
    private String platformSetting;    // the accepted kdrv.board 'platform' value
    private IrqSettings irqSettings;   // the accepted IRQ keys of kdrv.board
    private boolean active;
    private Running running;           // the registered board, null when none
    private boolean reopen;            // a configuration change needs a new board even on the same platform
    private boolean platformLeft;      // the last change was a platform service leaving: waiting is expected
    private boolean reconciling;       // a thread runs the reconcile loop
    private boolean changed;           // something changed while it ran: decide again
    private String lastError;
    private boolean waitingForPlatform;

    /** The board that is up: what it runs on and its service registration. */
    private record Running(String name, BoardPlatform platform, KdrvBoard board, ServiceRegistration<?> registration) {
    }

    @Activate
    void activate(BundleContext bc, Map<String, Object> props) {
        String property = bc.getProperty(Boards.PLATFORM_PROPERTY); // framework calls before taking the lock
        bc.addFrameworkListener(startupCheck);
        synchronized (lock) {
            bundleContext = bc;
            platformProperty = property;
            accept(props);
            active = true;
        }
        reconcile();
    }

    /**
     * Takes the configuration key by key (the raw map, not SCR's coercion into {@link BoardConfig}, so a bad value
     * is named and rejected alone): a bad key is logged naming it and keeps its value in force, or its default on
     * activation, so one typo does not close the board and remove every device.
     *
     * @return true when the IRQ settings changed (a running board must be reopened)
     */
    private boolean accept(Map<String, Object> props) {
        List<String> problems = new ArrayList<>();
        IrqSettings previous = irqSettings != null ? irqSettings : IrqSettings.DEFAULTS;
        IrqSettings irq = IrqSettings.from(props, previous, problems);
        Object p = props.get(KEY_PLATFORM);
        String platform = null;
        if (p == null) {
            platform = Boards.AUTO;
        } else if (!(p instanceof String s)) {
            problems.add("configuration kdrv.board key 'platform': must be a String, got "
                    + p.getClass().getSimpleName());
        } else if (s.isBlank() || s.strip().equalsIgnoreCase(Boards.AUTO)) {
            platform = s;
        } else {
            try {
                Boards.resolvePlatform(Path.of(Boards.DEVICE_TREE_MODEL), s); // syntax only: no detection
                platform = s;
            } catch (IllegalArgumentException e) {
                problems.add("configuration kdrv.board key 'platform': " + e.getMessage());
            }
        }
        String keptPlatform = platformSetting != null ? platformSetting : "auto";
        for (String problem : problems) {
            LOG.error("kdrv board: {}{}", problem,
                    problem.contains("key 'platform'") ? "; keeping " + keptPlatform : "");
        }
        platformSetting = platform != null ? platform : keptPlatform;
        boolean changed = !irq.equals(irqSettings);
        irqSettings = irq;
        return changed;
    }

    /** Once the framework has started every bundle, a platform still missing is an error, not a start-order race. */
    private void frameworkEvent(FrameworkEvent event) {
        String missing;
        synchronized (lock) {
            missing = event.getType() == FrameworkEvent.STARTED && active && waitingForPlatform ? lastError : null;
        }
        if (missing != null) {
            LOG.error("{} (still missing after the framework started)", missing);
        }
    }

    @Modified
    void modified(Map<String, Object> props) {
        synchronized (lock) {
            reopen |= accept(props);
            platformLeft = false;
        }
        reconcile();
    }

    @Deactivate
    void deactivate() {
        BundleContext bc;
        synchronized (lock) {
            active = false;
            bc = bundleContext;
        }
        try {
            bc.removeFrameworkListener(startupCheck);
        } catch (IllegalStateException stopping) {
            // our bundle context is already invalid: the framework dropped the listener
        }
        reconcile();
        awaitBoardDown();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addPlatform(BoardPlatform platform, Map<String, Object> props) {
        platformServices.put(platformName(platform, props), platform);
        synchronized (lock) {
            platformLeft = false;
        }
        reconcile();
    }

    void removePlatform(BoardPlatform platform, Map<String, Object> props) {
        platformServices.remove(platformName(platform, props), platform);
        synchronized (lock) {
            platformLeft = true; // e.g. kdrv-board-mock stopping before us at shutdown: no error
        }
        reconcile();
    }

    private static String platformName(BoardPlatform platform, Map<String, Object> props) {
        Object name = props.get(BoardPlatform.PLATFORM);
        return name != null ? name.toString() : platform.name();
    }

    // ------------------------------------------------------------------------------------------ reconcile loop

    /**
     * Brings the running board in line with configuration and available platforms, or leaves that to the
     * thread already doing it. Never called with {@code lock} held.
     */
    private void reconcile() {
        synchronized (lock) {
            if (reconciling) {
                changed = true; // the running loop decides again after its current step
                return;
            }
            reconciling = true;
        }
        try {
            boolean more = true;
            while (more) {
                Step step;
                synchronized (lock) {
                    changed = false;
                    step = decide();
                }
                Object result = run(step); // outside the lock: framework and board calls
                synchronized (lock) {
                    more = record(step, result) || changed;
                    if (!more) {
                        reconciling = false;
                        lock.notifyAll();
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            synchronized (lock) {
                reconciling = false;
                lock.notifyAll();
            }
            throw e;
        }
    }

    /** Deactivate returns only once the board is unregistered and closed (bounded: reports a stuck loop). */
    private void awaitBoardDown() {
        long deadline = System.nanoTime() + DEACTIVATE_TIMEOUT.toNanos();
        synchronized (lock) {
            while (reconciling || running != null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.error("kdrv board: deactivate gave up after {} s: another thread is still stopping platform "
                            + "{} (a driver remove that does not return?)", DEACTIVATE_TIMEOUT.toSeconds(),
                            running == null ? "?" : running.name());
                    return;
                }
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The next step, decided under the lock from the recorded state; runs outside it. */
    private Step decide() {
        if (!active) {
            return running != null ? new Stop(running) : new Idle();
        }
        String name;
        try {
            name = Boards.resolvePlatform(Path.of(Boards.DEVICE_TREE_MODEL), platformSetting, platformProperty);
        } catch (IllegalArgumentException e) {
            if (running != null) {
                return new Stop(running);
            }
            return report(true, e.getMessage() + " (configuration kdrv.board, key 'platform', or framework property "
                    + Boards.PLATFORM_PROPERTY + ")");
        }
        BoardPlatform wanted = platformServices.get(name);
        if (running != null) {
            if (running.platform() == wanted && !reopen) {
                return new Idle();
            }
            return new Stop(running);
        }
        reopen = false;
        waitingForPlatform = wanted == null;
        if (wanted == null) {
            // Not an error yet: at startup the platform's bundle may simply start after this one. The message says
            // what is missing, so a platform that never comes is diagnosed from this line.
            if (platformLeft) {
                lastError = missingPlatformMessage(name);
                return new Log(false, "kdrv board: platform " + name + " went away; waiting for it to come back",
                        true);
            }
            return report(false, missingPlatformMessage(name));
        }
        return new Open(name, wanted, irqSettings, bundleContext, lastError);
    }

    /** A log step, once per distinct problem (not on every re-selection). */
    private Step report(boolean error, String message) {
        if (message.equals(lastError)) {
            return new Idle();
        }
        lastError = message;
        return new Log(error, message, false);
    }

    static String missingPlatformMessage(String name) {
        if (name.equals(Boards.MOCK)) {
            return "kdrv board waiting: platform mock is not available: no " + BoardPlatform.class.getName()
                    + " service with " + BoardPlatform.PLATFORM + "=mock (its Pi4J providers, e.g. "
                    + "com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider, come with bundle "
                    + "kdrv-board-mock: install and start it)";
        }
        return "kdrv board waiting: platform " + name + " is not available: no " + BoardPlatform.class.getName()
                + " service with " + BoardPlatform.PLATFORM + "=" + name + (name.equals(Boards.RASPBERRY_PI)
                || name.equals("linux") ? " (bundle " + LINUX_BOARD_BUNDLE + " provides it: install and start it)" : "");
    }

    // ------------------------------------------------------------------------------------------ steps

    /** What the reconcile loop does next; decided under the lock, run outside it. */
    private sealed interface Step permits Idle, Stop, Open, Log {
    }

    /** Nothing to do. */
    private record Idle() implements Step {
    }

    /** Unregister the running board, then close it (every IRQ freed, every line released). */
    private record Stop(Running running) implements Step {
    }

    /** Open a board on {@code platform} and register it. {@code lastError}: what was last logged. */
    private record Open(String name, BoardPlatform platform, IrqSettings irq, BundleContext bundleContext,
            String lastError) implements Step {
    }

    /** Log a message; {@code info} for an expected wait, else WARN or ERROR. */
    private record Log(boolean error, String message, boolean info) implements Step {
    }

    /**
     * Runs a step; never called with the lock held.
     *
     * @return for {@link Open}: the {@link Running} board, or the error message (String) when it did not open
     */
    private static Object run(Step step) {
        switch (step) {
            case Idle idle -> {
                return null;
            }
            case Log log -> {
                if (log.info()) {
                    LOG.info(log.message());
                } else if (log.error()) {
                    LOG.error(log.message());
                } else {
                    LOG.warn(log.message());
                }
                return null;
            }
            case Stop stop -> {
                Running r = stop.running();
                try {
                    r.registration().unregister(); // first: no new claims while we release the old ones
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping and the framework unregistered it for us
                }
                r.board().close();
                LOG.info("kdrv board: platform {} stopped", r.name());
                return null;
            }
            case Open open -> {
                KdrvBoard board;
                try {
                    board = PinBoard.open(open.platform(), open.irq());
                } catch (BoardException | IllegalArgumentException e) {
                    String message = "kdrv board not started: " + e.getMessage();
                    if (!message.equals(open.lastError())) {
                        LOG.error(message);
                    }
                    return message;
                }
                Hashtable<String, Object> props = new Hashtable<>();
                props.put(BoardPlatform.PLATFORM, open.name());
                ServiceRegistration<?> reg;
                try {
                    reg = open.bundleContext().registerService(
                            new String[] {Board.class.getName(), KdrvBoard.class.getName()}, board, props);
                } catch (RuntimeException e) {
                    board.close(); // e.g. our bundle is stopping: do not leave an open board behind
                    throw e;
                }
                LOG.info("kdrv board: running on platform {}", open.name());
                return new Running(open.name(), open.platform(), board, reg);
            }
        }
    }

    /** Records a step's result; caller holds the lock. @return true when the loop must decide again */
    private boolean record(Step step, Object result) {
        switch (step) {
            case Stop stop -> {
                running = null;
                return true; // maybe open the next board
            }
            case Open open -> {
                if (result instanceof Running r) {
                    running = r;
                    lastError = null;
                } else {
                    lastError = (String) result; // a failed open is retried on the next change, not in a loop
                }
                return false;
            }
            case Idle idle -> {
                return false;
            }
            case Log log -> {
                return false;
            }
        }
    }
}
