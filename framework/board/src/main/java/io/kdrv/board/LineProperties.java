package io.kdrv.board;

import io.kdrv.driver.LineConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the board passes a {@link LineConfig} to a platform's Pi4J providers: as Pi4J config properties
 * ({@code config.properties()}), because Pi4J models neither bias-disabled, drive nor active-low. The board puts
 * only the keys that differ from {@link LineConfig#DEFAULT}. A provider that honours them: the mock board
 * (pull resistors, active-low, open drain/source are simulated) and kdrv-board-linux (GPIO v2 request flags).
 *
 * <p>Values: {@link #BIAS} {@code pull-up | pull-down | disabled}, {@link #DRIVE} {@code open-drain | open-source},
 * {@link #ACTIVE_LOW} {@code true}, {@link #DEBOUNCE_US} microseconds. Stateless and thread-safe.
 */
public final class LineProperties {
    public static final String BIAS = "kdrv.bias";
    public static final String DRIVE = "kdrv.drive";
    public static final String ACTIVE_LOW = "kdrv.active-low";
    public static final String DEBOUNCE_US = "kdrv.debounce-us";

    private LineProperties() {
    }

    /** @return the properties for {@code config} (empty for {@link LineConfig#DEFAULT}) */
    public static Map<String, String> toProperties(LineConfig config) {
        Map<String, String> p = new LinkedHashMap<>();
        if (config.bias() != LineConfig.Bias.AS_IS) {
            p.put(BIAS, word(config.bias()));
        }
        if (config.drive() != LineConfig.Drive.PUSH_PULL) {
            p.put(DRIVE, word(config.drive()));
        }
        if (config.activeLow()) {
            p.put(ACTIVE_LOW, "true");
        }
        if (!config.debounce().isZero()) {
            p.put(DEBOUNCE_US, Long.toString(config.debounce().toNanos() / 1000));
        }
        return p;
    }

    /**
     * The configuration {@link #toProperties} encoded; absent keys are defaults, other properties are ignored.
     *
     * @throws IllegalArgumentException for a value that is not one of the above (message names key and value)
     */
    public static LineConfig fromProperties(Map<String, String> props) {
        LineConfig c = LineConfig.DEFAULT;
        if (props == null) {
            return c;
        }
        String v;
        if ((v = props.get(BIAS)) != null) {
            c = c.withBias(parse(LineConfig.Bias.class, BIAS, v));
        }
        if ((v = props.get(DRIVE)) != null) {
            c = c.withDrive(parse(LineConfig.Drive.class, DRIVE, v));
        }
        if ((v = props.get(ACTIVE_LOW)) != null) {
            c = c.withActiveLow(Boolean.parseBoolean(v.trim()));
        }
        if ((v = props.get(DEBOUNCE_US)) != null) {
            try {
                c = c.withDebounce(Duration.ofNanos(Long.parseLong(v.trim()) * 1000));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid " + DEBOUNCE_US + " '" + v + "' (expected a number)");
            }
        }
        return c;
    }

    private static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String key, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + key + " '" + value + "'");
        }
    }
}
