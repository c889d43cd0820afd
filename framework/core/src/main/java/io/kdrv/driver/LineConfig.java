package io.kdrv.driver;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How a GPIO line is requested: bias, drive, active-low and debounce (the flags of a Linux GPIO v2 line request).
 * Comes from a node's flags key ({@link #flagsKey(String)}, parsed by {@link #parse(String)}) or is built by a
 * driver and passed to {@link Device#gpioInput(String, int, LineConfig)}.
 *
 * <p>Active-low is applied by the board: a driver reads and writes the <em>logical</em> level (HIGH = active), the
 * line shows the inverted one. Bias applies to inputs and outputs; drive only to outputs; debounce only to inputs
 * (kernel debounce on a GPIO character device; the mock board ignores it).
 *
 * <p>Immutable and thread-safe.
 *
 * @param bias      the pull resistor, {@link Bias#AS_IS} to leave it as the line is
 * @param drive     the output stage
 * @param activeLow whether the line is active when low
 * @param debounce  kernel debounce, {@link Duration#ZERO} for none; never negative
 */
public record LineConfig(Bias bias, Drive drive, boolean activeLow, Duration debounce) {
    /** Pull resistor of a line. */
    public enum Bias {
        /** Leave the bias as it is (no flag). */
        AS_IS,
        /** Flag {@code pull-up}. */
        PULL_UP,
        /** Flag {@code pull-down}. */
        PULL_DOWN,
        /** Flag {@code bias-disabled}: no pull resistor (floating when not driven). */
        DISABLED
    }

    /** Output stage of a line. */
    public enum Drive {
        /** Default: drives both levels. */
        PUSH_PULL,
        /** Flag {@code open-drain}: drives low, releases the line for high. */
        OPEN_DRAIN,
        /** Flag {@code open-source}: drives high, releases the line for low. */
        OPEN_SOURCE
    }

    /** No flags: bias as-is, push-pull, active-high, no debounce. */
    public static final LineConfig DEFAULT = new LineConfig(Bias.AS_IS, Drive.PUSH_PULL, false, Duration.ZERO);

    /** @throws NullPointerException / IllegalArgumentException for null fields or a negative debounce */
    public LineConfig {
        Objects.requireNonNull(bias, "bias");
        Objects.requireNonNull(drive, "drive");
        Objects.requireNonNull(debounce, "debounce");
        if (debounce.isNegative()) {
            throw new IllegalArgumentException("debounce must be >= 0, got " + debounce);
        }
    }

    public LineConfig withBias(Bias b) {
        return new LineConfig(b, drive, activeLow, debounce);
    }

    public LineConfig withDrive(Drive d) {
        return new LineConfig(bias, d, activeLow, debounce);
    }

    public LineConfig withActiveLow(boolean low) {
        return new LineConfig(bias, drive, low, debounce);
    }

    public LineConfig withDebounce(Duration d) {
        return new LineConfig(bias, drive, activeLow, d);
    }

    /**
     * The node key holding the flags of the lines in {@code linesKey}: {@code gpios} &rarr; {@code gpio-flags},
     * {@code reset-gpios} &rarr; {@code reset-gpio-flags}, any other {@code k} &rarr; {@code k-flags}.
     */
    public static String flagsKey(String linesKey) {
        Objects.requireNonNull(linesKey, "linesKey");
        return linesKey.endsWith("gpios")
                ? linesKey.substring(0, linesKey.length() - 1) + "-flags"
                : linesKey + "-flags";
    }

    /**
     * Parses one flags entry: words separated by {@code |}, spaces or {@code +}, each one of {@code pull-up},
     * {@code pull-down}, {@code bias-disabled}, {@code open-drain}, {@code open-source}, {@code active-low},
     * {@code active-high}, {@code push-pull} or {@code debounce-us=<n>}; empty for {@link #DEFAULT}. Case-insensitive.
     *
     * @throws IllegalArgumentException naming the bad word: an unknown word, a bad number, or conflicting words
     *         (two biases, two drives, active-low with active-high, debounce twice)
     */
    public static LineConfig parse(String flags) {
        Objects.requireNonNull(flags, "flags");
        Bias bias = null;
        Drive drive = null;
        Boolean low = null;
        Duration debounce = null;
        for (String raw : flags.trim().split("[|+\\s]+")) {
            String w = raw.toLowerCase(Locale.ROOT);
            if (w.isEmpty()) {
                continue;
            }
            if (w.startsWith("debounce-us=")) {
                if (debounce != null) {
                    throw conflict(flags, "debounce-us is given twice");
                }
                long us;
                try {
                    us = Long.parseLong(w.substring("debounce-us=".length()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("flags '" + flags + "': '" + raw + "' is not a number of µs");
                }
                if (us < 0) {
                    throw new IllegalArgumentException("flags '" + flags + "': '" + raw + "' is negative");
                }
                debounce = Duration.ofNanos(us * 1000);
                continue;
            }
            switch (w) {
                case "pull-up", "pull-down", "bias-disabled" -> {
                    Bias b = w.equals("pull-up") ? Bias.PULL_UP : w.equals("pull-down") ? Bias.PULL_DOWN : Bias.DISABLED;
                    if (bias != null && bias != b) {
                        throw conflict(flags, word(bias) + " conflicts with " + w);
                    }
                    bias = b;
                }
                case "push-pull", "open-drain", "open-source" -> {
                    Drive d = w.equals("push-pull") ? Drive.PUSH_PULL
                            : w.equals("open-drain") ? Drive.OPEN_DRAIN : Drive.OPEN_SOURCE;
                    if (drive != null && drive != d) {
                        throw conflict(flags, word(drive) + " conflicts with " + w);
                    }
                    drive = d;
                }
                case "active-low", "active-high" -> {
                    boolean l = w.equals("active-low");
                    if (low != null && low != l) {
                        throw conflict(flags, "active-low conflicts with active-high");
                    }
                    low = l;
                }
                default -> throw new IllegalArgumentException("flags '" + flags + "': unknown flag '" + raw
                        + "' (valid: pull-up, pull-down, bias-disabled, push-pull, open-drain, open-source, "
                        + "active-low, active-high, debounce-us=<n>)");
            }
        }
        return new LineConfig(bias == null ? Bias.AS_IS : bias, drive == null ? Drive.PUSH_PULL : drive,
                low != null && low, debounce == null ? Duration.ZERO : debounce);
    }

    /** The flags words of this configuration, {@code |}-separated, as {@link #parse} reads them ("" for DEFAULT). */
    public String toFlags() {
        StringBuilder sb = new StringBuilder();
        if (bias != Bias.AS_IS) {
            sb.append(word(bias));
        }
        if (drive != Drive.PUSH_PULL) {
            sb.append(sb.isEmpty() ? "" : "|").append(word(drive));
        }
        if (activeLow) {
            sb.append(sb.isEmpty() ? "" : "|").append("active-low");
        }
        if (!debounce.isZero()) {
            sb.append(sb.isEmpty() ? "" : "|").append("debounce-us=").append(debounce.toNanos() / 1000);
        }
        return sb.toString();
    }

    private static String word(Enum<?> e) {
        return e == Bias.DISABLED ? "bias-disabled" : e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static IllegalArgumentException conflict(String flags, String what) {
        return new IllegalArgumentException("flags '" + flags + "': " + what);
    }
}
