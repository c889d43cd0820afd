package io.kdrv.board.linux;

import io.kdrv.board.BoardException;
import io.kdrv.board.linux.internal.Errno;
import io.kdrv.board.linux.internal.Sys;
import io.kdrv.board.linux.internal.Uapi;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * A Linux GPIO chip through its character device ({@code /dev/gpiochipN}, uAPI v2), reached with
 * {@code java.lang.foreign}: chip and line info, and line requests.
 *
 * <p>Thread-safe. Line requests live independently of the chip handle: closing the chip does not release them.
 * Every failure is a {@link BoardException} naming the chip (name and label), the line, the operation and the
 * errno, e.g. {@code EBUSY: GPIO 17 on gpiochip0 (pinctrl-bcm2711) is used by "gpio-keys" (another process)}.
 */
public final class GpioChip implements AutoCloseable {
    /** Platform name used in {@link BoardException}s of this API when no platform is given. */
    public static final String PLATFORM = "linux";

    /** Lines requested by this JVM, "chip-name:offset": tells "this process" from "another process" in EBUSY. */
    static final Set<String> OWN_LINES = ConcurrentHashMap.newKeySet();

    private final String platform;
    private final ChipInfo info;
    private int fd; // guarded by this; -1 when closed

    private GpioChip(String platform, int fd, ChipInfo info) {
        this.platform = platform;
        this.fd = fd;
        this.info = info;
    }

    /**
     * Opens a GPIO chip.
     *
     * @param path e.g. {@code /dev/gpiochip0}
     * @return the open chip; the caller closes it
     * @throws BoardException naming the path and errno when it cannot be opened or is not a GPIO chip
     */
    public static GpioChip open(Path path) {
        return open(PLATFORM, path);
    }

    /** {@link #open(Path)} with the platform name to report in errors. */
    public static GpioChip open(String platform, Path path) {
        Objects.requireNonNull(path, "path");
        int fd = Sys.open(path.toString(), Sys.O_RDWR);
        if (fd < 0) {
            throw new BoardException(platform, Errno.describe(fd) + ": cannot open GPIO chip " + path);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment ci = arena.allocate(Uapi.GPIOCHIP_INFO);
            int r = Sys.ioctl(slot, fd, Uapi.GPIO_GET_CHIPINFO_IOCTL, ci);
            if (r < 0) {
                Sys.close(fd);
                throw new BoardException(platform, Errno.describe(r) + ": " + path
                        + " is not a GPIO character device (GPIO_GET_CHIPINFO_IOCTL failed)");
            }
            ChipInfo info = new ChipInfo(path, Uapi.cString(ci, 0, Uapi.GPIO_MAX_NAME_SIZE),
                    Uapi.cString(ci, Uapi.CHIPINFO_LABEL, Uapi.GPIO_MAX_NAME_SIZE),
                    ci.get(ValueLayout.JAVA_INT, Uapi.CHIPINFO_LINES));
            return new GpioChip(platform, fd, info);
        }
    }

    /**
     * The GPIO chip devices in a directory, sorted by number ({@code gpiochip0, gpiochip1, ..., gpiochip10}).
     *
     * @param devDir normally {@code /dev}
     * @return the paths; empty when none or when the directory cannot be read
     */
    public static List<Path> list(Path devDir) {
        List<Path> chips = new ArrayList<>();
        try (Stream<Path> s = Files.list(devDir)) {
            s.filter(p -> p.getFileName().toString().matches("gpiochip\\d+")).forEach(chips::add);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
        chips.sort((a, b) -> Integer.compare(number(a), number(b)));
        return chips;
    }

    private static int number(Path p) {
        return Integer.parseInt(p.getFileName().toString().substring("gpiochip".length()));
    }

    /** @return what the kernel said about this chip when it was opened */
    public ChipInfo info() {
        return info;
    }

    /** "gpiochip0 (pinctrl-bcm2711)": how errors name this chip. */
    public String describe() {
        return info.name() + " (" + info.label() + ")";
    }

    private synchronized int fd() {
        if (fd < 0) {
            throw new BoardException(platform, "GPIO chip " + describe() + " is closed");
        }
        return fd;
    }

    private void checkOffset(int offset) {
        if (offset < 0 || offset >= info.lines()) {
            throw new IllegalArgumentException("GPIO " + offset + " does not exist on " + describe() + " (lines 0.."
                    + (info.lines() - 1) + ")");
        }
    }

    /**
     * Reads one line's info.
     *
     * @throws IllegalArgumentException when the offset is out of range
     * @throws BoardException           naming chip, line and errno when the kernel refuses
     */
    public GpioLineInfo lineInfo(int offset) {
        checkOffset(offset);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment li = arena.allocate(Uapi.LINE_INFO);
            li.set(ValueLayout.JAVA_INT, Uapi.INFO_OFFSET, offset);
            int r;
            synchronized (this) {
                r = Sys.ioctl(slot, fd(), Uapi.GPIO_V2_GET_LINEINFO_IOCTL, li);
            }
            if (r < 0) {
                throw new BoardException(platform, Errno.describe(r) + ": GPIO " + offset + " on " + describe()
                        + ": reading line info failed");
            }
            return decodeLineInfo(li);
        }
    }

    static GpioLineInfo decodeLineInfo(MemorySegment li) {
        long flags = li.get(ValueLayout.JAVA_LONG, Uapi.INFO_FLAGS);
        Duration debounce = Duration.ZERO;
        int n = Math.min(li.get(ValueLayout.JAVA_INT, Uapi.INFO_NUM_ATTRS), Uapi.GPIO_V2_LINE_NUM_ATTRS_MAX);
        for (int i = 0; i < n; i++) {
            long[] attr = Uapi.infoAttribute(li, i);
            if (attr[0] == Uapi.ATTR_ID_DEBOUNCE) {
                debounce = Duration.ofNanos(attr[1] * 1000);
            }
        }
        LineConfig.Bias bias = (flags & Uapi.FLAG_BIAS_PULL_UP) != 0 ? LineConfig.Bias.PULL_UP
                : (flags & Uapi.FLAG_BIAS_PULL_DOWN) != 0 ? LineConfig.Bias.PULL_DOWN
                : (flags & Uapi.FLAG_BIAS_DISABLED) != 0 ? LineConfig.Bias.DISABLED : LineConfig.Bias.AS_IS;
        LineConfig.Drive drive = (flags & Uapi.FLAG_OPEN_DRAIN) != 0 ? LineConfig.Drive.OPEN_DRAIN
                : (flags & Uapi.FLAG_OPEN_SOURCE) != 0 ? LineConfig.Drive.OPEN_SOURCE : LineConfig.Drive.PUSH_PULL;
        boolean rising = (flags & Uapi.FLAG_EDGE_RISING) != 0;
        boolean falling = (flags & Uapi.FLAG_EDGE_FALLING) != 0;
        LineConfig.EdgeDetect edge = rising && falling ? LineConfig.EdgeDetect.BOTH
                : rising ? LineConfig.EdgeDetect.RISING : falling ? LineConfig.EdgeDetect.FALLING
                : LineConfig.EdgeDetect.NONE;
        return new GpioLineInfo(li.get(ValueLayout.JAVA_INT, Uapi.INFO_OFFSET),
                Uapi.cString(li, 0, Uapi.GPIO_MAX_NAME_SIZE),
                Uapi.cString(li, Uapi.INFO_CONSUMER, Uapi.GPIO_MAX_NAME_SIZE),
                (flags & Uapi.FLAG_USED) != 0,
                (flags & Uapi.FLAG_OUTPUT) != 0 ? LineConfig.Direction.OUTPUT : LineConfig.Direction.INPUT,
                bias, drive, (flags & Uapi.FLAG_ACTIVE_LOW) != 0, edge, debounce);
    }

    /**
     * Requests one line.
     *
     * @param offset   the line
     * @param config   how
     * @param consumer the label the kernel shows for the holder (cut to 31 bytes), e.g. the device name
     * @return the request; the caller closes it, which releases the line
     * @throws IllegalArgumentException when the offset is out of range
     * @throws BoardException           naming chip, line, operation and errno; for {@code EBUSY} also the
     *                                  current holder and whether it is this process or another one
     */
    public LineRequest request(int offset, LineConfig config, String consumer) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(consumer, "consumer");
        checkOffset(offset);
        int lineFd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment req = arena.allocate(Uapi.LINE_REQUEST);
            encodeRequest(req, offset, config, consumer);
            int r;
            synchronized (this) {
                r = Sys.ioctl(slot, fd(), Uapi.GPIO_V2_GET_LINE_IOCTL, req);
            }
            if (r < 0) {
                throw requestFailed(offset, config, r);
            }
            lineFd = req.get(ValueLayout.JAVA_INT, Uapi.REQ_FD);
        }
        return new LineRequest(platform, this.info, offset, lineFd, config);
    }

    static void encodeRequest(MemorySegment req, int offset, LineConfig config, String consumer) {
        req.fill((byte) 0);
        req.set(ValueLayout.JAVA_INT, 0, offset);
        Uapi.putCString(req, Uapi.REQ_CONSUMER, Uapi.GPIO_MAX_NAME_SIZE, consumer);
        Uapi.encodeConfig(req.asSlice(Uapi.REQ_CONFIG, Uapi.LINE_CONFIG.byteSize()), config.flags(),
                config.direction() == LineConfig.Direction.OUTPUT ? (config.initialValue() ? 1 : 0) : -1,
                config.debounceMicros());
        req.set(ValueLayout.JAVA_INT, Uapi.REQ_NUM_LINES, 1);
        req.set(ValueLayout.JAVA_INT, Uapi.REQ_EVENT_BUFFER_SIZE, config.eventBufferSize());
    }

    private BoardException requestFailed(int offset, LineConfig config, int err) {
        String what = "GPIO " + offset + " on " + describe();
        if (-err == Errno.EBUSY) {
            String holder;
            try {
                holder = '"' + lineInfo(offset).consumer() + '"';
            } catch (RuntimeException e) {
                holder = "another consumer";
            }
            String who = OWN_LINES.contains(key(info, offset)) ? "this process" : "another process";
            return new BoardException(platform, "EBUSY: " + what + " is used by " + holder + " (" + who + ")");
        }
        String hint = switch (-err) {
            case Errno.EINVAL -> ": the kernel rejected the configuration " + config;
            case Errno.EOPNOTSUPP, Errno.ENOTSUPP -> ": the chip does not support " + config.bias() + " / "
                    + config.drive() + (config.debounce().isZero() ? "" : " / debounce " + config.debounce());
            default -> "";
        };
        return new BoardException(platform, Errno.describe(err) + ": " + what + ": request as "
                + config.direction().name().toLowerCase(java.util.Locale.ROOT) + " failed" + hint);
    }

    static String key(ChipInfo chip, int offset) {
        return chip.name() + ":" + offset;
    }

    /** Closes the chip handle (not the line requests). Idempotent. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Sys.close(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "GpioChip[" + info.path() + ": " + info + "]";
    }
}
