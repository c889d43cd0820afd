package io.kdrv.driver.internal;

import io.kdrv.driver.DeviceState;
import io.kdrv.driver.host.HostConfig;
import io.kdrv.kthread.Completion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Framework shutdown under one deadline: every bound device removed in reverse probe order, a stuck remove set
 * aside instead of holding up the devices after it.
 *
 * <p>Why: removes waited one after the other, each for the full remove timeout, so N stuck drivers cost N times
 * that and the devices after them in the order were never removed once the shutdown bound ran out (their outputs
 * left on). Here a remove that has not returned after the <em>patience</em>, {@code min(remove timeout, shutdown
 * bound / 10)}, is set aside: its call keeps running on its own (abandoned) call kthread, in parallel with the
 * rest of the shutdown, and the next device is removed. Once every device had its turn, the set-aside removes get
 * the rest of their own remove timeout (counted from their start), all at the same time, never past the deadline
 * ({@code 0.9 x} {@link HostConfig#waitTimeout()}, below the caller's bound). Those that returned are finished
 * normally; those still running are reported by name, and their resources are released anyway (outputs to their
 * off state). With N stuck drivers the shutdown takes about {@code N x patience + remove timeout}, at most the
 * deadline.
 *
 * <p>Runs on the probe worker only (the shutdown item).
 */
final class ShutdownRemoval {
    private static final Logger LOG = LoggerFactory.getLogger(ShutdownRemoval.class);

    /** A remove that did not return within the patience; {@code returned} completes when the driver returns. */
    private record SetAside(DeviceImpl dev, DriverEntry driver, Completion returned, long startNanos,
            Throwable[] error) {
    }

    private final DriverCalls calls;
    private final DeviceStateMachine states;
    private final DeviceBinder binder;

    ShutdownRemoval(DriverCalls calls, DeviceStateMachine states, DeviceBinder binder) {
        this.calls = calls;
        this.states = states;
        this.binder = binder;
    }

    /** The wait for one remove before it is set aside. */
    static Duration patience(HostConfig c) {
        Duration tenth = c.waitTimeout().dividedBy(10);
        return c.removeTimeout().compareTo(tenth) < 0 ? c.removeTimeout() : tenth;
    }

    /** The whole removal's bound, from its start. */
    static Duration deadline(HostConfig c) {
        return c.waitTimeout().multipliedBy(9).dividedBy(10);
    }

    /**
     * Removes every BOUND device of {@code inReverseProbeOrder}; returns how many were removed, the stuck ones
     * included (their resources released).
     */
    int removeAll(List<DeviceImpl> inReverseProbeOrder, HostConfig c) {
        long start = System.nanoTime();
        long deadline = start + deadline(c).toNanos();
        Duration patience = patience(c);
        List<SetAside> aside = new ArrayList<>();
        int n = 0;
        for (DeviceImpl dev : inReverseProbeOrder) {
            if (dev.state() != DeviceState.BOUND) {
                continue;
            }
            n++;
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                // past the deadline (set-aside removes took the patience each): no driver call any more, but the
                // resources still go, so the outputs reach their off state
                DriverEntry d = dev.driver;
                states.transition(dev, DeviceState.REMOVING, d.id(), null);
                LOG.error("device {}: shutdown deadline of {} ms reached; remove by driver {} not called, "
                        + "resources released", dev.name(), deadline(c).toMillis(), d.id());
                binder.releaseAndUnbind(dev, d, "shutdown, deadline reached");
                continue;
            }
            SetAside a = startRemove(dev, min(patience, left));
            if (a != null) {
                aside.add(a);
            }
        }
        List<String> stuck = new ArrayList<>();
        for (SetAside a : aside) {
            long own = a.startNanos() + c.removeTimeout().toNanos();
            long wait = Math.max(0, Math.min(own, deadline) - System.nanoTime());
            boolean returned = a.returned().waitForCompletionTimeout(Duration.ofNanos(wait));
            if (returned) {
                if (a.error()[0] != null) {
                    LOG.error("device {}: remove by driver {} threw; its resources were released anyway",
                            a.dev().name(), a.driver().id(), a.error()[0]);
                }
                LOG.info("device {}: remove by driver {} returned after {} ms (set aside at shutdown)",
                        a.dev().name(), a.driver().id(), (System.nanoTime() - a.startNanos()) / 1_000_000);
                binder.releaseAndUnbind(a.dev(), a.driver(), "shutdown");
            } else {
                stuck.add(a.dev().name() + " (driver " + a.driver().id() + ")");
                binder.releaseAndUnbind(a.dev(), a.driver(), "shutdown, remove still running and abandoned");
            }
        }
        if (!stuck.isEmpty()) {
            LOG.error("kdrv core shutdown: {} remove call(s) still running after {} ms, abandoned with their "
                    + "resources released: {}", stuck.size(), (System.nanoTime() - start) / 1_000_000,
                    String.join(", ", stuck));
        }
        return n;
    }

    /** Calls remove; null when it returned within {@code wait} (and the device is unbound), else the set-aside. */
    private SetAside startRemove(DeviceImpl dev, Duration wait) {
        DriverEntry d = dev.driver;
        states.transition(dev, DeviceState.REMOVING, d.id(), null);
        Completion returned = new Completion();
        Throwable[] error = new Throwable[1];
        long start = System.nanoTime();
        DriverCalls.Outcome out = calls.call(dev, "remove by driver " + d.id(), wait, () -> {
            try {
                d.driver().remove(dev);
            } catch (Throwable t) {
                error[0] = t; // read after returned completes (happens-before through the completion)
            } finally {
                returned.completeAll();
            }
        });
        if (out.timedOut()) {
            return new SetAside(dev, d, returned, start, error);
        }
        if (error[0] != null) {
            LOG.error("device {}: remove by driver {} threw; its resources were released anyway", dev.name(), d.id(),
                    error[0]);
        }
        binder.releaseAndUnbind(dev, d, "shutdown");
        return null;
    }

    private static Duration min(Duration a, long nanos) {
        return a.toNanos() < nanos ? a : Duration.ofNanos(nanos);
    }
}
