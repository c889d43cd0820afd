package io.kdrv.board.linux;

import java.time.Duration;
import java.util.Objects;

/**
 * How one GPIO line is requested: direction, bias, drive, active-low, edge detection, kernel debounce, kernel
 * event buffer size and an output's initial value. Immutable; build with {@link #input()} / {@link #output(boolean)}
 * and the {@code with...} methods.
 *
 * @param direction       input or output
 * @param bias            pull-up, pull-down, disabled, or as-is (leave what the chip has)
 * @param drive           push-pull, open-drain or open-source (outputs only)
 * @param activeLow       the kernel inverts values and edges ({@code GPIO_V2_LINE_FLAG_ACTIVE_LOW})
 * @param edge            edge detection (inputs only)
 * @param debounce        kernel debounce period (inputs only), {@link Duration#ZERO} for none; microsecond
 *                        resolution
 * @param eventBufferSize the kernel's event FIFO for the request, 0 for the kernel default (16); the kernel
 *                        clamps large values to 1024
 * @param initialValue    an output's value when requested (logical: active-low applied by the kernel)
 */
public record LineConfig(Direction direction, Bias bias, Drive drive, boolean activeLow, EdgeDetect edge,
        Duration debounce, int eventBufferSize, boolean initialValue) {

    /** Line direction. */
    public enum Direction { INPUT, OUTPUT }

    /** Bias ({@code GPIO_V2_LINE_FLAG_BIAS_*}); {@code AS_IS} requests none and keeps the chip's setting. */
    public enum Bias { AS_IS, DISABLED, PULL_UP, PULL_DOWN }

    /** Output drive ({@code GPIO_V2_LINE_FLAG_OPEN_*}). */
    public enum Drive { PUSH_PULL, OPEN_DRAIN, OPEN_SOURCE }

    /** Edge detection ({@code GPIO_V2_LINE_FLAG_EDGE_*}). */
    public enum EdgeDetect { NONE, RISING, FALLING, BOTH }

    /**
     * @throws IllegalArgumentException for an output with edge detection or debounce, an input with a drive other
     *                                  than push-pull, a negative or too long debounce, or a negative buffer size
     */
    public LineConfig {
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(bias, "bias");
        Objects.requireNonNull(drive, "drive");
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(debounce, "debounce");
        if (direction == Direction.OUTPUT && (edge != EdgeDetect.NONE || !debounce.isZero())) {
            throw new IllegalArgumentException("an output line cannot have edge detection or debounce");
        }
        if (direction == Direction.INPUT && drive != Drive.PUSH_PULL) {
            throw new IllegalArgumentException("an input line cannot have drive " + drive);
        }
        if (debounce.isNegative() || debounce.toNanos() / 1000 > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("debounce must be 0 .. 4294 s, got " + debounce);
        }
        if (eventBufferSize < 0) {
            throw new IllegalArgumentException("event buffer size must be >= 0, got " + eventBufferSize);
        }
    }

    /** An input, bias as-is, no edge detection. */
    public static LineConfig input() {
        return new LineConfig(Direction.INPUT, Bias.AS_IS, Drive.PUSH_PULL, false, EdgeDetect.NONE, Duration.ZERO,
                0, false);
    }

    /** A push-pull output starting at {@code initialValue}. */
    public static LineConfig output(boolean initialValue) {
        return new LineConfig(Direction.OUTPUT, Bias.AS_IS, Drive.PUSH_PULL, false, EdgeDetect.NONE, Duration.ZERO,
                0, initialValue);
    }

    public LineConfig withBias(Bias b) {
        return new LineConfig(direction, b, drive, activeLow, edge, debounce, eventBufferSize, initialValue);
    }

    public LineConfig withDrive(Drive d) {
        return new LineConfig(direction, bias, d, activeLow, edge, debounce, eventBufferSize, initialValue);
    }

    public LineConfig withActiveLow(boolean low) {
        return new LineConfig(direction, bias, drive, low, edge, debounce, eventBufferSize, initialValue);
    }

    public LineConfig withEdge(EdgeDetect e) {
        return new LineConfig(direction, bias, drive, activeLow, e, debounce, eventBufferSize, initialValue);
    }

    public LineConfig withDebounce(Duration d) {
        return new LineConfig(direction, bias, drive, activeLow, edge, d, eventBufferSize, initialValue);
    }

    public LineConfig withEventBufferSize(int size) {
        return new LineConfig(direction, bias, drive, activeLow, edge, debounce, size, initialValue);
    }

    /** The {@code gpio_v2_line_config.flags} for this configuration. */
    public long flags() {
        long f = direction == Direction.INPUT ? io.kdrv.board.linux.internal.Uapi.FLAG_INPUT
                : io.kdrv.board.linux.internal.Uapi.FLAG_OUTPUT;
        if (activeLow) {
            f |= io.kdrv.board.linux.internal.Uapi.FLAG_ACTIVE_LOW;
        }
        f |= switch (bias) {
            case AS_IS -> 0L;
            case DISABLED -> io.kdrv.board.linux.internal.Uapi.FLAG_BIAS_DISABLED;
            case PULL_UP -> io.kdrv.board.linux.internal.Uapi.FLAG_BIAS_PULL_UP;
            case PULL_DOWN -> io.kdrv.board.linux.internal.Uapi.FLAG_BIAS_PULL_DOWN;
        };
        f |= switch (drive) {
            case PUSH_PULL -> 0L;
            case OPEN_DRAIN -> io.kdrv.board.linux.internal.Uapi.FLAG_OPEN_DRAIN;
            case OPEN_SOURCE -> io.kdrv.board.linux.internal.Uapi.FLAG_OPEN_SOURCE;
        };
        f |= switch (edge) {
            case NONE -> 0L;
            case RISING -> io.kdrv.board.linux.internal.Uapi.FLAG_EDGE_RISING;
            case FALLING -> io.kdrv.board.linux.internal.Uapi.FLAG_EDGE_FALLING;
            case BOTH -> io.kdrv.board.linux.internal.Uapi.FLAG_EDGE_RISING
                    | io.kdrv.board.linux.internal.Uapi.FLAG_EDGE_FALLING;
        };
        return f;
    }

    /** The debounce period in whole microseconds (what the kernel takes). */
    public int debounceMicros() {
        return (int) (debounce.toNanos() / 1000);
    }
}
