package io.kdrv.driver.internal;

import io.kdrv.driver.host.HostConfig;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * Reading the core's time bounds ({@link HostConfig}) from configuration PID {@code kdrv.core} or framework
 * properties: keys {@value #PROBE_TIMEOUT}, {@value #REMOVE_TIMEOUT}, {@value #STOP_TIMEOUT}, {@value #WAIT_TIMEOUT}
 * in milliseconds. Stateless.
 */
final class CoreConfig {
    static final String PROBE_TIMEOUT = "probe.timeout.ms";
    static final String REMOVE_TIMEOUT = "remove.timeout.ms";
    static final String STOP_TIMEOUT = "stop.timeout.ms";
    static final String WAIT_TIMEOUT = "wait.timeout.ms";

    private CoreConfig() {
    }

    /**
     * Reads the four keys (milliseconds; a number or a numeric String) from {@code config}, falling back to
     * {@code fallback} (e.g. framework properties prefixed {@code kdrv.}) and then to {@link HostConfig#DEFAULTS}.
     *
     * @param config   configuration values, e.g. the {@code kdrv.core} configuration
     * @param fallback looks up a key when the configuration lacks it; may return null
     * @throws IllegalArgumentException naming the key, for a non-numeric or non-positive value
     */
    static HostConfig from(Map<String, ?> config, Function<String, Object> fallback) {
        HostConfig d = HostConfig.DEFAULTS;
        return new HostConfig(
                millis(config, fallback, PROBE_TIMEOUT, d.probeTimeout()),
                millis(config, fallback, REMOVE_TIMEOUT, d.removeTimeout()),
                millis(config, fallback, STOP_TIMEOUT, d.stopTimeout()),
                millis(config, fallback, WAIT_TIMEOUT, d.waitTimeout()));
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
