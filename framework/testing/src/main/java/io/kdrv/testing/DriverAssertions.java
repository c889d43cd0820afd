package io.kdrv.testing;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/**
 * Assertions that driver tests kept writing for themselves: a device's state with its reason, and the kthreads a
 * device left running. Static, stateless, thread-safe; each throws {@link AssertionFailedError} with what it saw.
 */
public final class DriverAssertions {
    private DriverAssertions() {
    }

    /**
     * Asserts that {@code device} is {@link DeviceState#FAILED} and that its reason contains every fragment (a bad
     * node's error names the device and the key: {@code assertFailed(d, "sonar", "gpios", "2 lines")}).
     *
     * @return {@code device}
     */
    public static DeviceInfo assertFailed(DeviceInfo device, String... fragments) {
        if (device.state() != DeviceState.FAILED) {
            throw new AssertionFailedError("device " + device.name() + ": expected FAILED, is " + device);
        }
        for (String f : fragments) {
            if (device.reason() == null || !device.reason().contains(f)) {
                throw new AssertionFailedError("device " + device.name() + ": '" + f + "' not in the reason: "
                        + device.reason());
            }
        }
        return device;
    }

    /**
     * Asserts that {@code device} is {@link DeviceState#BOUND}; the failure message carries its state and reason.
     *
     * @return {@code device}
     */
    public static DeviceInfo assertBound(DeviceInfo device) {
        if (device.state() != DeviceState.BOUND) {
            throw new AssertionFailedError("device " + device.name() + ": expected BOUND, is " + device.state()
                    + (device.reason() == null ? "" : " (" + device.reason() + ")"));
        }
        return device;
    }

    /**
     * The names of the live kthreads except the core's own ({@code kdrv-probe}, {@code kdrv-call/<n>}), sorted: what
     * devices run ({@code irq/4-env}, {@code sensor/env0}, ...).
     */
    public static List<String> deviceKthreads() {
        return Kthreads.list().stream().map(KthreadInfo::name).filter(n -> !n.startsWith("kdrv-")).sorted().toList();
    }

    /** Asserts that no live kthread's name starts with {@code prefix} ({@code "sensor/"}, {@code "irq/23-"}). */
    public static void assertNoKthread(String prefix) {
        List<String> left = Kthreads.list().stream().map(KthreadInfo::name).filter(n -> n.startsWith(prefix)).toList();
        if (!left.isEmpty()) {
            throw new AssertionFailedError("kthreads " + prefix + "* still running: " + left + "; all: "
                    + deviceKthreads());
        }
    }
}
