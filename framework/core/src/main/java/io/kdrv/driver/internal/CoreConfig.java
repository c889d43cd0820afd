package io.kdrv.driver.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Time bounds of the driver core. Every wait the core does on driver code is bounded by one of these, so a
 * misbehaving driver is reported instead of hanging the framework.
 *
 * @param probeTimeout  longest {@code Driver.probe} call; then the device is FAILED and the call abandoned
 *                      (config key {@value #PROBE_TIMEOUT}, default 30 s)
 * @param removeTimeout longest {@code Driver.remove} call, and separately the longest devres release
 *                      ({@value #REMOVE_TIMEOUT}, default 30 s)
 * @param stopTimeout   longest wait for one device-managed kthread to stop ({@value #STOP_TIMEOUT}, default 5 s)
 * @param waitTimeout   longest wait of a caller (DeviceManager.bind/unbind, driver unregistration, shutdown) for
 *                      the probe worker ({@value #WAIT_TIMEOUT}, default 120 s)
 */
record CoreConfig(Duration probeTimeout, Duration removeTimeout, Duration stopTimeout, Duration waitTimeout) {
    public static final String PROBE_TIMEOUT = "probe.timeout.ms";
    public static final String REMOVE_TIMEOUT = "remove.timeout.ms";
    public static final String STOP_TIMEOUT = "stop.timeout.ms";
    public static final String WAIT_TIMEOUT = "wait.timeout.ms";

    public static final CoreConfig DEFAULTS = new CoreConfig(Duration.ofSeconds(30), Duration.ofSeconds(30),
            Duration.ofSeconds(5), Duration.ofSeconds(120));

    public CoreConfig {
        positive(probeTimeout, PROBE_TIMEOUT);
        positive(removeTimeout, REMOVE_TIMEOUT);
        positive(stopTimeout, STOP_TIMEOUT);
        positive(waitTimeout, WAIT_TIMEOUT);
    }

    private static void positive(Duration d, String key) {
        Objects.requireNonNull(d, key);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("kdrv core: '" + key + "' must be > 0 ms, got " + d.toMillis());
        }
    }

    public CoreConfig withProbeTimeout(Duration d) {
        return new CoreConfig(d, removeTimeout, stopTimeout, waitTimeout);
    }

    public CoreConfig withRemoveTimeout(Duration d) {
        return new CoreConfig(probeTimeout, d, stopTimeout, waitTimeout);
    }

    public CoreConfig withStopTimeout(Duration d) {
        return new CoreConfig(probeTimeout, removeTimeout, d, waitTimeout);
    }

    public CoreConfig withWaitTimeout(Duration d) {
        return new CoreConfig(probeTimeout, removeTimeout, stopTimeout, d);
    }

    /**
     * Reads the four keys (milliseconds; a number or a numeric String) from {@code config}, falling back to
     * {@code fallback} (e.g. framework properties prefixed {@code kdrv.}) and then to the defaults. A bad value is
     * reported through the exception naming the key; callers log it and use the defaults.
     *
     * @param config   configuration values, e.g. the {@code kdrv.core} configuration
     * @param fallback looks up a key when the configuration lacks it; may return null
     * @throws IllegalArgumentException naming the key, for a non-numeric or non-positive value
     */
    public static CoreConfig from(Map<String, ?> config, Function<String, Object> fallback) {
        return new CoreConfig(
                millis(config, fallback, PROBE_TIMEOUT, DEFAULTS.probeTimeout),
                millis(config, fallback, REMOVE_TIMEOUT, DEFAULTS.removeTimeout),
                millis(config, fallback, STOP_TIMEOUT, DEFAULTS.stopTimeout),
                millis(config, fallback, WAIT_TIMEOUT, DEFAULTS.waitTimeout));
    }

    private static Duration millis(Map<String, ?> config, Function<String, Object> fallback, String key, Duration def) {
        Object v = config.get(key);
        if (v == null && fallback != null) {
            v = fallback.apply(key);
        }
        if (v == null) {
            return def;
        }
        try {
            long ms = Props.toLong(v);
            if (ms <= 0) {
                throw new IllegalArgumentException("kdrv core: '" + key + "' must be > 0 ms, got " + ms);
            }
            return Duration.ofMillis(ms);
        } catch (Props.BadValue e) {
            throw new IllegalArgumentException("kdrv core: '" + key + "': " + e.getMessage(), e);
        }
    }
}
