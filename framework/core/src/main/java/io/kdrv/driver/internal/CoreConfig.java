package io.kdrv.driver.internal;

import io.kdrv.driver.host.HostConfig;
import java.time.Duration;
import java.util.List;
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

    /** Upper bound of every time bound: an hour is far beyond any sane probe, yet a typo cannot mean "never". */
    static final long MAX_MS = 3_600_000;

    private CoreConfig() {
    }

    /**
     * Reads the four keys (milliseconds, 1..{@value #MAX_MS}; a number or a numeric String) from {@code config},
     * falling back to {@code fallback} (e.g. framework properties prefixed {@code kdrv.}) and then to
     * {@link HostConfig#DEFAULTS}. A bad value is rejected for its key alone: that key keeps its value in
     * {@code previous} and one line naming the key, the value and the rule is added to {@code problems}.
     *
     * @param config   configuration values, e.g. the {@code kdrv.core} configuration
     * @param fallback looks up a key when the configuration lacks it; may return null
     * @param previous the bounds in force (the defaults on first activation)
     * @param problems receives one line per rejected key
     */
    static HostConfig from(Map<String, ?> config, Function<String, Object> fallback, HostConfig previous,
            List<String> problems) {
        HostConfig d = HostConfig.DEFAULTS;
        return new HostConfig(
                millis(config, fallback, PROBE_TIMEOUT, d.probeTimeout(), previous.probeTimeout(), problems),
                millis(config, fallback, REMOVE_TIMEOUT, d.removeTimeout(), previous.removeTimeout(), problems),
                millis(config, fallback, STOP_TIMEOUT, d.stopTimeout(), previous.stopTimeout(), problems),
                millis(config, fallback, WAIT_TIMEOUT, d.waitTimeout(), previous.waitTimeout(), problems));
    }

    private static Duration millis(Map<String, ?> config, Function<String, Object> fallback, String key, Duration def,
            Duration previous, List<String> problems) {
        Object v = config.get(key);
        String from = "configuration kdrv.core key '" + key + "'";
        if (v == null && fallback != null) {
            v = fallback.apply(key);
            from = "framework property 'kdrv." + key + "'";
        }
        if (v == null) {
            return def;
        }
        String keep = "; keeping " + previous.toMillis() + " ms";
        try {
            long ms = Props.toLong(v);
            if (ms <= 0 || ms > MAX_MS) {
                problems.add(from + ": must be 1.." + MAX_MS + " ms, got " + ms + keep);
                return previous;
            }
            return Duration.ofMillis(ms);
        } catch (Props.BadValue e) {
            problems.add(from + ": " + e.getMessage() + keep);
            return previous;
        }
    }
}
