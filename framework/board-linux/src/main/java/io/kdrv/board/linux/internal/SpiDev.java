package io.kdrv.board.linux.internal;

import io.kdrv.board.BoardException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * One SPI device through {@code /dev/spidev<bus>.<cs>}: mode, word size (8 bits) and clock set at open with
 * {@code SPI_IOC_WR_MODE}, {@code SPI_IOC_WR_BITS_PER_WORD}, {@code SPI_IOC_WR_MAX_SPEED_HZ}; each transfer is one
 * {@code SPI_IOC_MESSAGE(1)} (the kernel's {@code spi_sync}: chip select asserted for exactly that transfer).
 *
 * <p>Thread-safe: transfers are serialised per handle; the kernel serialises the bus between handles. Errors are
 * {@link BoardException}s naming the device node, the operation and errno, with the fix for the common ones.
 */
public final class SpiDev implements AutoCloseable {
    /** Not in {@link Errno}: spidev's answer to a message longer than its buffer ({@code spidev.bufsiz}). */
    static final int EMSGSIZE = 90;
    /** spidev's default buffer ({@code spidev.bufsiz} module parameter): the longest message it takes. */
    static final int DEFAULT_BUFSIZ = 4096;

    private final String platform;
    private final String path;
    private final int speedHz;
    private int fd; // guarded by this

    private SpiDev(String platform, String path, int fd, int speedHz) {
        this.platform = platform;
        this.path = path;
        this.fd = fd;
        this.speedHz = speedHz;
    }

    /** {@code devDir/spidev<bus>.<cs>}. */
    static String path(String devDir, int bus, int chipSelect) {
        return devDir + "/spidev" + bus + "." + chipSelect;
    }

    /**
     * Opens {@code devDir/spidev<bus>.<cs>} and sets mode, 8-bit words and the clock.
     *
     * @throws BoardException naming the node: ENOENT (SPI not enabled, or no such chip select), EACCES (group spi),
     *                        ENOTTY (not a spidev node), EINVAL (a mode or clock the controller refuses)
     */
    public static SpiDev open(String platform, String devDir, int bus, int chipSelect, int mode, int speedHz) {
        String path = path(devDir, bus, chipSelect);
        int fd = Sys.open(path, Sys.O_RDWR);
        if (fd < 0) {
            throw new BoardException(platform, openError(path, fd));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment u8 = arena.allocate(ValueLayout.JAVA_BYTE);
            MemorySegment u32 = arena.allocate(ValueLayout.JAVA_INT);
            u8.set(ValueLayout.JAVA_BYTE, 0, (byte) mode);
            setting(platform, path, fd, Sys.ioctl(slot, fd, SpiUapi.SPI_IOC_WR_MODE, u8), "SPI_IOC_WR_MODE " + mode);
            u8.set(ValueLayout.JAVA_BYTE, 0, (byte) 8);
            setting(platform, path, fd, Sys.ioctl(slot, fd, SpiUapi.SPI_IOC_WR_BITS_PER_WORD, u8),
                    "SPI_IOC_WR_BITS_PER_WORD 8");
            u32.set(ValueLayout.JAVA_INT, 0, speedHz);
            setting(platform, path, fd, Sys.ioctl(slot, fd, SpiUapi.SPI_IOC_WR_MAX_SPEED_HZ, u32),
                    "SPI_IOC_WR_MAX_SPEED_HZ " + speedHz);
        }
        return new SpiDev(platform, path, fd, speedHz);
    }

    private static void setting(String platform, String path, int fd, int r, String what) {
        if (r < 0) {
            Sys.close(fd);
            throw new BoardException(platform, settingError(path, r, what));
        }
    }

    /** The message for a failed {@code open(path)} with {@code -errno} {@code err}. */
    static String openError(String path, int err) {
        String why = switch (-err) {
            case Errno.ENOENT -> "no such device node: is SPI enabled? (Raspberry Pi: dtparam=spi=on in "
                    + "/boot/firmware/config.txt, or raspi-config > Interface Options > SPI, then reboot; "
                    + "/dev/spidev0.1 needs the second chip select, spidev1.x the spi1 overlay)";
            case Errno.EACCES, Errno.EPERM -> "permission denied (add the user to group spi, or run as root)";
            case Errno.EBUSY -> "busy";
            default -> "";
        };
        return Errno.name(err) + ": cannot open " + path + (why.isEmpty() ? "" : ": " + why);
    }

    /** The message for a failed setting ioctl at open. */
    static String settingError(String path, int err, String what) {
        String why = switch (-err) {
            case Errno.ENOTTY -> "not an SPI device (spidev) node";
            case Errno.EINVAL -> "the controller refuses this setting";
            default -> Errno.hint(err);
        };
        return Errno.name(err) + ": " + path + ": " + what + " failed" + (why.isEmpty() ? "" : " (" + why + ")");
    }

    /**
     * One full-duplex transfer of {@code len} bytes, chip select asserted throughout: {@code tx} (null: zeros)
     * from {@code txOff}, into {@code rx} (null: dropped) from {@code rxOff}.
     *
     * @throws BoardException naming the node; EMSGSIZE for a transfer longer than spidev's buffer
     */
    public synchronized void transfer(byte[] tx, int txOff, byte[] rx, int rxOff, int len) {
        if (len < 0) {
            throw new IllegalArgumentException(path + ": negative transfer length " + len);
        }
        if (tx != null) {
            Objects.checkFromIndexSize(txOff, len, tx.length);
        }
        if (rx != null) {
            Objects.checkFromIndexSize(rxOff, len, rx.length);
        }
        if (len == 0) {
            return;
        }
        int fd = fd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment out = arena.allocate(len); // zeroed: shifted out when tx is null
            MemorySegment in = arena.allocate(len);
            if (tx != null) {
                MemorySegment.copy(tx, txOff, out, ValueLayout.JAVA_BYTE, 0, len);
            }
            MemorySegment xfer = arena.allocate(SpiUapi.SPI_IOC_TRANSFER);
            SpiUapi.encode(xfer, 0, out, in, len, speedHz, 8);
            int r = Sys.ioctl(slot, fd, SpiUapi.spiIocMessage(1), xfer);
            if (r < 0) {
                throw new BoardException(platform, transferError(path, r, len));
            }
            if (rx != null) {
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, 0, rx, rxOff, len);
            }
        }
    }

    static String transferError(String path, int err, int len) {
        String why = -err == EMSGSIZE ? "EMSGSIZE: " + path + ": SPI_IOC_MESSAGE of " + len + " bytes failed (longer "
                + "than spidev's buffer, " + DEFAULT_BUFSIZ + " bytes by default: raise spidev.bufsiz or split the "
                + "transfer)" : null;
        return why != null ? why : Errno.describe(err) + ": " + path + ": SPI_IOC_MESSAGE of " + len + " bytes failed";
    }

    private int fd() {
        if (fd < 0) {
            throw new BoardException(platform, path + " is closed");
        }
        return fd;
    }

    /** @return the device node, e.g. {@code /dev/spidev0.0} */
    public String path() {
        return path;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Sys.close(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "SpiDev[" + path + ", " + speedHz + " Hz]";
    }
}
