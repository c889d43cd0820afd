package io.kdrv.runtime.launcher;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

/**
 * Starts the framework in two steps: up to {@value #LEVEL} (the board, the drivers and the core), then, once the
 * OSGi condition named by {@value #CONDITION} is registered (kdrv-core's {@code kdrv.devices.settled}: every node
 * handled, the probe worker idle) or after {@value #TIMEOUT} (default 5 s), up to the beginning start level: the
 * console, the shell, the control socket, FileInstall. The bundles the devices do not need then no longer compete
 * with the probes for the CPUs (80-130 ms of a restart on 2 cores). Off when {@value #CONDITION} is empty, when the
 * level is not below the beginning level, or when no installed bundle declares the condition as a capability
 * ({@code osgi.service} namespace, {@code osgi.condition.id}): a runtime without kdrv-core, e.g. the baseline jar,
 * starts in one step.
 *
 * <p>Runs on the launcher's main thread; {@link #raise} waits, bounded, and gives up at once when the process is
 * stopping.
 */
final class SettleGate {
    static final String CONDITION = "kdrv.settle.condition";
    static final String LEVEL = "kdrv.settle.startlevel";
    static final String TIMEOUT = "kdrv.settle.timeout";
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final String condition;
    private final int level;
    private final int beginning;
    private final Duration timeout;

    private SettleGate(String condition, int level, int beginning, Duration timeout) {
        this.condition = condition;
        this.level = level;
        this.beginning = beginning;
        this.timeout = timeout;
    }

    /**
     * The gate the framework properties ask for, or null (one start, as without it); when not null, the beginning
     * start level in {@code props} is lowered to the gate's level.
     *
     * @throws IllegalArgumentException naming the property whose value is not a number or duration
     */
    static SettleGate from(Map<String, String> props) {
        String condition = props.getOrDefault(CONDITION, "").strip();
        if (condition.isEmpty()) {
            return null;
        }
        int beginning = intProperty(props, Constants.FRAMEWORK_BEGINNING_STARTLEVEL, 1);
        int level = intProperty(props, LEVEL, beginning);
        if (level >= beginning || level < 1) {
            return null;
        }
        Duration timeout = FelixRunner.parseDuration(TIMEOUT, props.get(TIMEOUT), DEFAULT_TIMEOUT);
        props.put(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(level));
        return new SettleGate(condition, level, beginning, timeout);
    }

    private static int intProperty(Map<String, String> props, String key, int fallback) {
        String v = props.get(key);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": '" + v + "' is not a start level (a whole number)");
        }
    }

    /** The beginning start level the framework is raised to. */
    int beginning() {
        return beginning;
    }

    /** The level the framework starts at. */
    int level() {
        return level;
    }

    /**
     * After {@code fw.start()} reached {@link #level()}: waits for the condition (bounded by the timeout, and no
     * longer than {@code stopping} stays false), then raises the framework to the beginning level and waits until
     * that level is reached or the process is stopping. A condition that does not come in time is reported on
     * {@code err} (one line naming it and the timeout).
     */
    void raise(Framework fw, BooleanSupplier stopping, PrintStream err) throws InvalidSyntaxException {
        BundleContext ctx = fw.getBundleContext();
        if (!declared(ctx)) {
            raiseNow(fw, stopping);
            return;
        }
        CountDownLatch settled = new CountDownLatch(1);
        String filter = "(&(" + Constants.OBJECTCLASS + "=org.osgi.service.condition.Condition)(osgi.condition.id="
                + condition + "))";
        ServiceListener listener = event -> {
            if (event.getType() == ServiceEvent.REGISTERED) {
                settled.countDown();
            }
        };
        ctx.addServiceListener(listener, filter);
        boolean inTime;
        try {
            if (ctx.getServiceReferences((String) null, filter) != null) {
                settled.countDown();
            }
            inTime = await(settled, timeout, stopping);
        } finally {
            ctx.removeServiceListener(listener);
        }
        if (stopping.getAsBoolean()) {
            return;
        }
        if (!inTime) {
            err.printf("kdrv: %s not reached within %d ms; starting start level %d anyway%n", condition,
                    timeout.toMillis(), beginning);
        }
        raiseNow(fw, stopping);
    }

    /** Raises the framework to the beginning level and waits until it is reached or the process is stopping. */
    private void raiseNow(Framework fw, BooleanSupplier stopping) {
        CountDownLatch raised = new CountDownLatch(1);
        FrameworkListener done = event -> {
            if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                raised.countDown();
            }
        };
        fw.adapt(FrameworkStartLevel.class).setStartLevel(beginning, done);
        await(raised, null, stopping);
    }

    /** Whether an installed bundle declares the condition as an {@code osgi.service} capability. */
    private boolean declared(BundleContext ctx) {
        for (Bundle b : ctx.getBundles()) {
            BundleRevision rev = b.adapt(BundleRevision.class);
            if (rev == null) {
                continue;
            }
            for (BundleCapability c : rev.getDeclaredCapabilities("osgi.service")) {
                Object id = c.getAttributes().get("osgi.condition.id");
                if (condition.equals(id)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Waits for {@code latch}: at most {@code bound} (null: no bound), and only while nothing is stopping. */
    private static boolean await(CountDownLatch latch, Duration bound, BooleanSupplier stopping) {
        long deadline = bound == null ? Long.MAX_VALUE : System.nanoTime() + bound.toNanos();
        while (!stopping.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                // a slice, so a stop (signal, stop 0) is seen within 50 ms; the latch ends the wait at once
                if (latch.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS)) {
                    return true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return latch.getCount() == 0;
    }
}
