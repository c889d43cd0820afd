package io.kdrv.driver.host;

import java.time.Duration;
import java.util.Objects;

/**
 * Time bounds of an embedded driver core ({@link DriverHost}); the same four bounds the OSGi core reads from
 * configuration PID {@code kdrv.core}. Every wait on driver code is bounded by one of them.
 *
 * @param probeTimeout  longest {@code Driver.probe}; then the device is FAILED and the call abandoned (default 30 s)
 * @param removeTimeout longest {@code Driver.remove}, and separately the longest devres release (default 30 s)
 * @param stopTimeout   longest wait for one device-managed kthread to stop (default 5 s)
 * @param waitTimeout   longest wait of a caller (bind, unbind, driver removal, close) for the core (default 120 s)
 */
public record HostConfig(Duration probeTimeout, Duration removeTimeout, Duration stopTimeout, Duration waitTimeout) {
    /** The defaults: 30 s, 30 s, 5 s, 120 s. */
    public static final HostConfig DEFAULTS = new HostConfig(Duration.ofSeconds(30), Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofSeconds(120));

    /** @throws IllegalArgumentException naming the bound, if one is not positive */
    public HostConfig {
        positive(probeTimeout, "probeTimeout");
        positive(removeTimeout, "removeTimeout");
        positive(stopTimeout, "stopTimeout");
        positive(waitTimeout, "waitTimeout");
    }

    private static void positive(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("kdrv core: " + what + " must be > 0, got " + d);
        }
    }

    public HostConfig withProbeTimeout(Duration d) {
        return new HostConfig(d, removeTimeout, stopTimeout, waitTimeout);
    }

    public HostConfig withRemoveTimeout(Duration d) {
        return new HostConfig(probeTimeout, d, stopTimeout, waitTimeout);
    }

    public HostConfig withStopTimeout(Duration d) {
        return new HostConfig(probeTimeout, removeTimeout, d, waitTimeout);
    }

    public HostConfig withWaitTimeout(Duration d) {
        return new HostConfig(probeTimeout, removeTimeout, stopTimeout, d);
    }
}
