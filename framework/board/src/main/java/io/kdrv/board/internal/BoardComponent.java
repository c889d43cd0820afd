package io.kdrv.board.internal;

import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.Boards;
import io.kdrv.board.KdrvBoard;
import io.kdrv.driver.spi.Board;
import java.nio.file.Path;
import java.util.Hashtable;
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
 * <p>Platforms: {@code raspberrypi} is built in; others come as {@link BoardPlatform} services (the mock board
 * bundle provides {@code mock}). The Board service is registered by hand, not by DS, because it exists only
 * while the selected platform is available and opens: when it is not, the error is logged (naming the platform
 * and what is missing), no Board is registered, and the driver core defers probes until it appears. A platform
 * service arriving later, leaving, or a configuration change re-selects: the old board is closed first, which
 * releases every pin and frees every IRQ.
 */
@Component(configurationPid = "kdrv.board", configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true,
        service = {})
@Designate(ocd = BoardConfig.class)
public final class BoardComponent {
    private static final Logger LOG = LoggerFactory.getLogger(BoardComponent.class);

    private final Map<String, BoardPlatform> platformServices = new ConcurrentHashMap<>();
    private final BoardPlatform raspberryPi = Boards.raspberryPi();

    // guarded by this
    private BundleContext bundleContext;
    private BoardConfig config;
    private boolean active;
    private KdrvBoard board;
    private BoardPlatform boardPlatform;
    private ServiceRegistration<?> registration;
    private String lastError;
    private boolean waitingForPlatform;
    private final FrameworkListener startupCheck = this::frameworkEvent;

    @Activate
    synchronized void activate(BundleContext bc, BoardConfig cfg) {
        bundleContext = bc;
        config = cfg;
        active = true;
        bc.addFrameworkListener(startupCheck);
        reconcile(false, false);
    }

    /** Once the framework has started every bundle, a platform still missing is an error, not a start-order race. */
    private synchronized void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTED && active && waitingForPlatform) {
            LOG.error("{} (still missing after the framework started)", lastError);
        }
    }

    @Modified
    synchronized void modified(BoardConfig cfg) {
        boolean fifoChanged = config == null || config.irq_fifo_capacity() != cfg.irq_fifo_capacity();
        config = cfg;
        reconcile(fifoChanged, false);
    }

    @Deactivate
    synchronized void deactivate() {
        active = false;
        try {
            bundleContext.removeFrameworkListener(startupCheck);
        } catch (IllegalStateException stopping) {
            // our bundle context is already invalid: the framework dropped the listener
        }
        stopBoard();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addPlatform(BoardPlatform platform, Map<String, Object> props) {
        platformServices.put(platformName(platform, props), platform);
        synchronized (this) {
            if (active) {
                reconcile(false, false);
            }
        }
    }

    void removePlatform(BoardPlatform platform, Map<String, Object> props) {
        platformServices.remove(platformName(platform, props), platform);
        synchronized (this) {
            if (active) {
                reconcile(false, true); // e.g. kdrv-board-mock stopping before us at shutdown: no error
            }
        }
    }

    private static String platformName(BoardPlatform platform, Map<String, Object> props) {
        Object name = props.get(BoardPlatform.PLATFORM);
        return name != null ? name.toString() : platform.name();
    }

    /**
     * Brings the running board in line with configuration and available platforms. Caller holds this.
     *
     * @param force         reopen even if the platform did not change (new FIFO capacity)
     * @param platformLeft  the call comes from a platform service leaving: waiting for it is expected, not a warning
     */
    private void reconcile(boolean force, boolean platformLeft) {
        String name;
        try {
            name = Boards.resolvePlatform(Path.of(Boards.DEVICE_TREE_MODEL), config.platform(),
                    bundleContext.getProperty(Boards.PLATFORM_PROPERTY));
        } catch (IllegalArgumentException e) {
            stopBoard();
            report(true, e.getMessage() + " (configuration kdrv.board, key 'platform', or framework property "
                    + Boards.PLATFORM_PROPERTY + ")");
            return;
        }
        BoardPlatform wanted = name.equals(Boards.RASPBERRY_PI) ? raspberryPi : platformServices.get(name);
        if (!force && board != null && boardPlatform == wanted) {
            return;
        }
        stopBoard();
        waitingForPlatform = wanted == null;
        if (wanted == null) {
            // Not an error yet: at startup the platform's bundle may simply start after this one. The message says
            // what is missing, so a platform that never comes is diagnosed from this line.
            if (platformLeft) {
                LOG.info("kdrv board: platform {} went away; waiting for it to come back", name);
                lastError = missingPlatformMessage(name);
            } else {
                report(false, missingPlatformMessage(name));
            }
            return;
        }
        try {
            board = Boards.open(wanted, config.irq_fifo_capacity());
        } catch (BoardException | IllegalArgumentException e) {
            report(true, "kdrv board not started: " + e.getMessage());
            return;
        }
        boardPlatform = wanted;
        lastError = null;
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(BoardPlatform.PLATFORM, name);
        registration = bundleContext.registerService(new String[] {Board.class.getName(), KdrvBoard.class.getName()},
                board, props);
        LOG.info("kdrv board: running on platform {}", name);
    }

    static String missingPlatformMessage(String name) {
        if (name.equals(Boards.MOCK)) {
            return "kdrv board waiting: platform mock is not available: no " + BoardPlatform.class.getName()
                    + " service with " + BoardPlatform.PLATFORM + "=mock (its Pi4J providers, e.g. "
                    + "com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider, come with bundle "
                    + "kdrv-board-mock: install and start it)";
        }
        return "kdrv board waiting: platform " + name + " is not available: no " + BoardPlatform.class.getName()
                + " service with " + BoardPlatform.PLATFORM + "=" + name;
    }

    private void report(boolean error, String message) {
        if (!message.equals(lastError)) { // once per distinct problem, not on every re-selection
            if (error) {
                LOG.error(message);
            } else {
                LOG.warn(message);
            }
            lastError = message;
        }
    }

    private void stopBoard() {
        if (registration != null) {
            try {
                registration.unregister(); // first: no new claims while we release the old ones
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it for us
            }
            registration = null;
        }
        if (board != null) {
            board.close();
            LOG.info("kdrv board: platform {} stopped", boardPlatform.name());
            board = null;
            boardPlatform = null;
        }
    }
}
