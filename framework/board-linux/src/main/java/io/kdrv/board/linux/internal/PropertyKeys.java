package io.kdrv.board.linux.internal;

import io.kdrv.board.LineProperties;
import io.kdrv.board.linux.LineConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Line settings a Pi4J config can carry beyond what Pi4J models ({@code config.properties()}, e.g. through
 * {@code DigitalInput.newConfigBuilder(ctx).put("linux.bias", "pull-up")}). Pi4J's own {@code pull()} and
 * {@code debounce()} are honoured too; these keys win over them, and over the board's generic
 * {@link LineProperties} keys ({@code kdrv.bias}, ...: what {@code Device.gpioInput} with line flags sends).
 */
public final class PropertyKeys {
    /** {@code as-is | disabled | pull-up | pull-down}. */
    public static final String BIAS = "linux.bias";
    /** {@code push-pull | open-drain | open-source} (outputs). */
    public static final String DRIVE = "linux.drive";
    /** {@code true | false}. */
    public static final String ACTIVE_LOW = "linux.active-low";
    /** Kernel debounce in microseconds (inputs). */
    public static final String DEBOUNCE_US = "linux.debounce-us";
    /** Kernel event buffer size for the request (inputs), 0 = kernel default. */
    public static final String EVENT_BUFFER_SIZE = "linux.event-buffer-size";

    private PropertyKeys() {
    }

    /** Applies the keys present in {@code props} to {@code base}. */
    public static LineConfig apply(LineConfig base, Map<String, String> props) {
        if (props == null) {
            return base;
        }
        LineConfig c = base;
        String v;
        if ((v = get(props, BIAS, LineProperties.BIAS)) != null) {
            c = c.withBias(parse(LineConfig.Bias.class, BIAS, v));
        }
        if ((v = get(props, DRIVE, LineProperties.DRIVE)) != null) {
            c = c.withDrive(parse(LineConfig.Drive.class, DRIVE, v));
        }
        if ((v = get(props, ACTIVE_LOW, LineProperties.ACTIVE_LOW)) != null) {
            c = c.withActiveLow(Boolean.parseBoolean(v.trim()));
        }
        if ((v = get(props, DEBOUNCE_US, LineProperties.DEBOUNCE_US)) != null) {
            c = c.withDebounce(Duration.ofNanos(parseLong(DEBOUNCE_US, v) * 1000));
        }
        if ((v = props.get(EVENT_BUFFER_SIZE)) != null) {
            c = c.withEventBufferSize((int) parseLong(EVENT_BUFFER_SIZE, v));
        }
        return c;
    }

    /** The {@code linux.*} key wins over the board's {@code kdrv.*} one ({@link LineProperties}). */
    private static String get(Map<String, String> props, String linuxKey, String boardKey) {
        String v = props.get(linuxKey);
        return v != null ? v : props.get(boardKey);
    }

    static <E extends Enum<E>> E parse(Class<E> type, String key, String value) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            StringBuilder valid = new StringBuilder();
            for (E x : type.getEnumConstants()) {
                valid.append(valid.isEmpty() ? "" : ", ").append(x.name().toLowerCase(Locale.ROOT).replace('_', '-'));
            }
            throw new IllegalArgumentException("invalid " + key + " '" + value + "' (valid: " + valid + ")");
        }
    }

    private static long parseLong(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid " + key + " '" + value + "' (expected a number)");
        }
    }
}
