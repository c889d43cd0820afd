package io.kdrv.board.linux;

import io.kdrv.board.BoardException;
import io.kdrv.board.linux.internal.Errno;
import io.kdrv.board.linux.internal.Sys;
import io.kdrv.board.linux.internal.Uapi;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * One requested GPIO line (a {@code gpio_v2_line_request} file descriptor): read and write its value, change its
 * configuration, release it with {@link #close()}.
 *
 * <p>Values are logical: with active-low the kernel inverts them. Thread-safe: value and configuration calls are
 * serialised with {@link #close()}, so none of them runs on a closed descriptor. The edge events of the request
 * are read by {@link io.kdrv.board.spi.EdgeStream}s of the provider (one reader at a time), not here.
 */
public final class LineRequest implements AutoCloseable {
    private final String platform;
    private final ChipInfo chip;
    private final int offset;
    private final String key;
    private int fd;                 // guarded by this; -1 once closed
    private LineConfig config;      // guarded by this

    LineRequest(String platform, ChipInfo chip, int offset, int fd, LineConfig config) {
        this.platform = platform;
        this.chip = chip;
        this.offset = offset;
        this.fd = fd;
        this.config = config;
        this.key = GpioChip.key(chip, offset);
        GpioChip.OWN_LINES.add(key);
    }

    /** @return the chip this line belongs to */
    public ChipInfo chip() {
        return chip;
    }

    /** @return the line's offset on its chip */
    public int offset() {
        return offset;
    }

    /** @return the configuration last applied */
    public synchronized LineConfig config() {
        return config;
    }

    /** "GPIO 17 on gpiochip0 (pinctrl-bcm2711)". */
    public String describe() {
        return "GPIO " + offset + " on " + chip.name() + " (" + chip.label() + ")";
    }

    /**
     * The request's file descriptor, for the provider's event reader (poll/read). Valid until {@link #close()};
     * callers must stop using it before closing the request.
     *
     * @throws BoardException when closed
     */
    public synchronized int fileDescriptor() {
        return checkOpen("use");
    }

    private int checkOpen(String op) {
        if (fd < 0) {
            throw new BoardException(platform, describe() + ": cannot " + op + ": the line request is closed");
        }
        return fd;
    }

    /**
     * Reads the line's logical value ({@code GPIO_V2_LINE_GET_VALUES_IOCTL}).
     *
     * @throws BoardException naming the line and errno
     */
    public synchronized boolean getValue() {
        int f = checkOpen("read the value");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment v = arena.allocate(Uapi.LINE_VALUES);
            v.set(ValueLayout.JAVA_LONG, 8, 1L);
            int r = Sys.ioctl(slot, f, Uapi.GPIO_V2_LINE_GET_VALUES_IOCTL, v);
            if (r < 0) {
                throw new BoardException(platform, Errno.describe(r) + ": " + describe() + ": reading the value failed");
            }
            return (v.get(ValueLayout.JAVA_LONG, 0) & 1L) != 0;
        }
    }

    /**
     * Sets an output's logical value ({@code GPIO_V2_LINE_SET_VALUES_IOCTL}).
     *
     * @throws BoardException naming the line and errno (e.g. {@code EPERM} on an input)
     */
    public synchronized void setValue(boolean value) {
        int f = checkOpen("set the value");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment v = arena.allocate(Uapi.LINE_VALUES);
            v.set(ValueLayout.JAVA_LONG, 0, value ? 1L : 0L);
            v.set(ValueLayout.JAVA_LONG, 8, 1L);
            int r = Sys.ioctl(slot, f, Uapi.GPIO_V2_LINE_SET_VALUES_IOCTL, v);
            if (r < 0) {
                throw new BoardException(platform, Errno.describe(r) + ": " + describe() + ": setting the value to "
                        + (value ? 1 : 0) + " failed" + (-r == Errno.EPERM ? " (the line is not an output)" : ""));
            }
        }
    }

    /**
     * Changes the configuration without releasing the line ({@code GPIO_V2_LINE_SET_CONFIG_IOCTL}). Events
     * already queued are kept by the kernel. The event buffer size is fixed when a line is requested, so a
     * different {@link LineConfig#eventBufferSize()} is refused.
     *
     * @throws IllegalArgumentException when the event buffer size differs
     * @throws BoardException           naming the line, the configuration and errno
     */
    public synchronized void reconfigure(LineConfig newConfig) {
        Objects.requireNonNull(newConfig, "newConfig");
        if (newConfig.eventBufferSize() != config.eventBufferSize()) {
            throw new IllegalArgumentException(describe() + ": the event buffer size is fixed at request time ("
                    + config.eventBufferSize() + "), cannot change it to " + newConfig.eventBufferSize());
        }
        int f = checkOpen("reconfigure");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment cfg = arena.allocate(Uapi.LINE_CONFIG);
            Uapi.encodeConfig(cfg, newConfig.flags(), newConfig.direction() == LineConfig.Direction.OUTPUT
                    ? (newConfig.initialValue() ? 1 : 0) : -1, newConfig.debounceMicros());
            int r = Sys.ioctl(slot, f, Uapi.GPIO_V2_LINE_SET_CONFIG_IOCTL, cfg);
            if (r < 0) {
                throw new BoardException(platform, Errno.describe(r) + ": " + describe() + ": reconfiguring to "
                        + newConfig + " failed");
            }
            config = newConfig;
        }
    }

    /** @return whether the line is still requested */
    public synchronized boolean isOpen() {
        return fd >= 0;
    }

    /** Releases the line. Idempotent. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Sys.close(fd);
            fd = -1;
            GpioChip.OWN_LINES.remove(key);
        }
    }

    @Override
    public String toString() {
        return "LineRequest[" + describe() + "]";
    }
}
