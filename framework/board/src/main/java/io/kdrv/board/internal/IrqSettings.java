package io.kdrv.board.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Board-wide threaded IRQ settings (configuration PID {@code kdrv.board}).
 *
 * @param fifoCapacity   edges each IRQ's kdrv FIFO holds (Pi4J listener path), at least 1
 * @param kernelBuffer   kernel event buffer size per line request on a kernel edge source, 0 = kernel default
 * @param kernelDebounce kernel debounce period per line on a kernel edge source, zero = none
 */
record IrqSettings(int fifoCapacity, int kernelBuffer, Duration kernelDebounce) {
    /** What {@link io.kdrv.board.Boards#open} uses. */
    static IrqSettings defaults(int fifoCapacity) {
        return new IrqSettings(fifoCapacity, 0, Duration.ZERO);
    }

    IrqSettings {
        Objects.requireNonNull(kernelDebounce, "kernelDebounce");
        if (fifoCapacity < 1) {
            throw new IllegalArgumentException("kdrv board: IRQ FIFO capacity must be at least 1, got " + fifoCapacity);
        }
        if (kernelBuffer < 0) {
            throw new IllegalArgumentException("kdrv board: irq.kernel.buffer must be >= 0 (0 = kernel default), got "
                    + kernelBuffer);
        }
        if (kernelDebounce.isNegative()) {
            throw new IllegalArgumentException("kdrv board: irq.kernel.debounce.us must be >= 0, got "
                    + kernelDebounce.toNanos() / 1000);
        }
    }

    static final String KEY_FIFO_CAPACITY = "irq.fifo.capacity";
    static final String KEY_KERNEL_BUFFER = "irq.kernel.buffer";
    static final String KEY_KERNEL_DEBOUNCE = "irq.kernel.debounce.us";
    /** Largest FIFO: 64 Ki edges per line is seconds of a fast bounce storm; 2e9 would be an OutOfMemoryError. */
    static final int MAX_FIFO_CAPACITY = 65_536;
    /** The kernel refuses more than 16 events per line for its 64-line maximum (GPIO_V2_LINES_MAX * 16). */
    static final int MAX_KERNEL_BUFFER = 1024;
    /** One second of debounce: anything longer is a misread unit (ms for us), not a switch. */
    static final int MAX_KERNEL_DEBOUNCE_US = 1_000_000;
    static final IrqSettings DEFAULTS = new IrqSettings(1024, 0, Duration.ZERO);

    /**
     * Reads the IRQ keys of configuration {@code kdrv.board}, each on its own: an absent key takes its default,
     * a bad one (not an integer, out of its range) keeps its value in {@code previous} and adds one line naming
     * the key, the value and the range to {@code problems}. Never throws for a value.
     */
    static IrqSettings from(Map<String, ?> props, IrqSettings previous, List<String> problems) {
        int fifo = intKey(props, KEY_FIFO_CAPACITY, 1, MAX_FIFO_CAPACITY, DEFAULTS.fifoCapacity(),
                previous.fifoCapacity(), problems);
        int buffer = intKey(props, KEY_KERNEL_BUFFER, 0, MAX_KERNEL_BUFFER, DEFAULTS.kernelBuffer(),
                previous.kernelBuffer(), problems);
        int debounceUs = intKey(props, KEY_KERNEL_DEBOUNCE, 0, MAX_KERNEL_DEBOUNCE_US, 0,
                (int) (previous.kernelDebounce().toNanos() / 1000), problems);
        return new IrqSettings(fifo, buffer, Duration.ofNanos(debounceUs * 1000L));
    }

    private static int intKey(Map<String, ?> props, String key, int min, int max, int def, int previous,
            List<String> problems) {
        Object v = props.get(key);
        if (v == null) {
            return def;
        }
        long n;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else if (v instanceof String s && s.strip().matches("-?[0-9]{1,18}")) {
            n = Long.parseLong(s.strip());
        } else if (v instanceof Number d && d.doubleValue() == Math.rint(d.doubleValue())
                && Math.abs(d.doubleValue()) < 0x1p62) {
            n = (long) d.doubleValue(); // a whole number delivered as a double, e.g. 2e9
        } else {
            problems.add("configuration kdrv.board key '" + key + "': expected an integer " + min + ".." + max
                    + ", got " + describe(v) + "; keeping " + previous);
            return previous;
        }
        if (n < min || n > max) {
            problems.add("configuration kdrv.board key '" + key + "': must be " + min + ".." + max + ", got " + n
                    + "; keeping " + previous);
            return previous;
        }
        return (int) n;
    }

    private static String describe(Object v) {
        String text = String.valueOf(v);
        StringBuilder sb = new StringBuilder(v.getClass().getSimpleName()).append(" \"");
        text.codePoints().limit(40).forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\u%04x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.append(text.length() > 40 ? "\"..." : "\"").toString();
    }
}
