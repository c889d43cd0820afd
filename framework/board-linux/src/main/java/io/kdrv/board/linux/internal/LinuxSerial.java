package io.kdrv.board.linux.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.serial.Serial;
import com.pi4j.io.serial.SerialBase;
import com.pi4j.io.serial.SerialConfig;
import com.pi4j.io.serial.SerialProvider;
import io.kdrv.board.BoardException;
import io.kdrv.kthread.Kthread;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pi4J serial port on a Linux tty: opened non-blocking, put in raw mode with the node's framing by
 * {@link Termios}, reads and writes bounded by {@code poll}. Many threads may read and write at once; closing waits
 * for calls in flight, which return within one poll slice.
 */
final class LinuxSerial extends SerialBase {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxSerial.class);
    static final int O_NOCTTY = 0400;
    /** Longest single poll: how soon a waiting read notices a close or a kthread stop. */
    private static final int SLICE_MS = 50;
    private static final short POLLOUT = 0x4;

    private final String platform;
    private final String path;
    private final Duration readTimeout;
    private final int bitsPerChar;
    private final ReentrantReadWriteLock fdLock = new ReentrantReadWriteLock();
    private final int fd;           // closed under the write lock
    private volatile boolean closed;

    private LinuxSerial(SerialProvider provider, SerialConfig config, String platform, int fd, Duration readTimeout) {
        super(provider, config);
        this.platform = platform;
        this.path = config.device();
        this.fd = fd;
        this.readTimeout = readTimeout;
        this.bitsPerChar = 1 + config.dataBits().value() + (config.parity() == com.pi4j.io.serial.Parity.NONE ? 0 : 1)
                + config.stopBits().value();
        this.isOpen = true;
    }

    /** Opens and configures {@code config.device()}. */
    static LinuxSerial open(SerialProvider provider, SerialConfig config, String platform, Duration readTimeout) {
        String path = Objects.requireNonNull(config.device(), "serial device");
        int speed = Termios.speedOf(config.baud());
        if (speed <= 0) {
            throw new BoardException(platform, "serial port " + path + ": " + config.baud()
                    + " is not a standard termios baud rate");
        }
        int fd = Sys.open(path, Sys.O_RDWR | O_NOCTTY | Sys.O_NONBLOCK);
        if (fd < 0) {
            throw new BoardException(platform, openError(path, -fd));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment t = Termios.allocate(arena);
            int r = Termios.get(slot, fd, t);
            if (r < 0) {
                throw new BoardException(platform, "serial port " + path + ": tcgetattr failed: " + Errno.describe(r)
                        + (-r == Errno.ENOTTY ? " (" + path + " is not a terminal: not a serial device)" : ""));
            }
            r = Termios.makeRaw(slot, t, speed, config.dataBits(), config.parity(), config.stopBits(),
                    config.flowControl());
            if (r == 0) {
                r = Termios.set(slot, fd, t);
            }
            if (r < 0) {
                throw new BoardException(platform, "serial port " + path + ": cannot apply " + config.baud()
                        + " baud and its framing (tcsetattr): " + Errno.describe(r));
            }
            // tcsetattr succeeds if any change was applied: check that the UART took the speed.
            if (Termios.get(slot, fd, t) == 0 && Termios.outputSpeed(slot, t) != speed) {
                throw new BoardException(platform, "serial port " + path + ": the UART driver did not accept "
                        + config.baud() + " baud (it reports " + Termios.baudOf(Termios.outputSpeed(slot, t)) + ")");
            }
            Termios.flush(slot, fd); // stale bytes from before the open are not the driver's
        } catch (RuntimeException e) {
            Sys.close(fd);
            throw e;
        }
        warnIfConsole(path);
        return new LinuxSerial(provider, config, platform, fd, readTimeout);
    }

    /** The message for a failed open: what the errno usually means for a serial port on a Pi. */
    static String openError(String path, int errno) {
        String base = "cannot open serial port " + path + ": " + Errno.name(errno);
        return switch (errno) {
            case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO -> base + " (no such device node: is the serial port "
                    + "enabled? On a Raspberry Pi set enable_uart=1 in /boot/firmware/config.txt, or raspi-config > "
                    + "Interface Options > Serial Port: login shell 'No', hardware 'Yes', then reboot; /dev/serial0 "
                    + "is the primary UART)";
            case Errno.EACCES, Errno.EPERM -> base + " (permission denied: add the service user to group dialout, "
                    + "sudo usermod -aG dialout <user>, or check the node's mode)";
            case Errno.EBUSY -> base + " (in use by another process: a getty or the kernel console on it? disable "
                    + "the serial console with raspi-config)";
            default -> base;
        };
    }

    /** A kernel console on the port would print over the device's protocol: say so once, naming the fix. */
    private static void warnIfConsole(String path) {
        try {
            String cmdline = Files.readString(Path.of("/proc/cmdline"));
            String name = Path.of(path).getFileName().toString();
            String real = name;
            try {
                real = Path.of(path).toRealPath().getFileName().toString();
            } catch (IOException notALink) {
                // keep the name
            }
            for (String word : cmdline.trim().split("\\s+")) {
                if (word.startsWith("console=")) {
                    String dev = word.substring(8).split(",")[0];
                    if (dev.equals(name) || dev.equals(real)) {
                        LOG.warn("serial port {}: the kernel console is on it (/proc/cmdline '{}'): disable the serial "
                                + "console (raspi-config > Interface Options > Serial Port: login shell 'No')", path, word);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc/cmdline (tests, containers): nothing to check
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("serial port " + path + " is closed");
        }
    }

    @Override
    public int available() {
        fdLock.readLock().lock();
        try (Arena arena = Arena.ofConfined()) {
            ensureOpen();
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment n = arena.allocate(ValueLayout.JAVA_INT);
            int r = Sys.ioctl(slot, fd, Termios.FIONREAD, n);
            if (r < 0) {
                throw new com.pi4j.io.exception.IOException("serial port " + path + ": FIONREAD failed: "
                        + Errno.describe(r));
            }
            return n.get(ValueLayout.JAVA_INT, 0);
        } finally {
            fdLock.readLock().unlock();
        }
    }

    @Override
    public int write(byte b) {
        return write(new byte[] {b}, 0, 1);
    }

    /**
     * Writes all {@code length} bytes, waiting (poll, bounded) while the kernel's buffer is full: at most twice the
     * bytes' time on the wire plus 2 s, so flow control that never releases fails naming the port.
     */
    @Override
    public int write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        long wireNanos = 1_000_000_000L * length * bitsPerChar / config.baud();
        long deadline = System.nanoTime() + 2 * wireNanos + 2_000_000_000L;
        fdLock.readLock().lock();
        try (Arena arena = Arena.ofConfined()) {
            ensureOpen();
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment buf = arena.allocate(Math.max(1, length));
            MemorySegment.copy(data, offset, buf, ValueLayout.JAVA_BYTE, 0, length);
            MemorySegment pfd = arena.allocate(8, 4);
            long done = 0;
            while (done < length) {
                long r = Sys.write(slot, fd, buf.asSlice(done), length - done);
                if (r >= 0) {
                    done += r;
                    continue;
                }
                if (-r != Errno.EAGAIN) {
                    throw new com.pi4j.io.exception.IOException("serial port " + path + ": write failed: "
                            + Errno.describe((int) r));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    throw new com.pi4j.io.exception.IOException("serial port " + path + ": write timed out after "
                            + done + " of " + length + " bytes (flow control holding the port back?)");
                }
                pollOnce(slot, pfd, POLLOUT, (int) Math.min(SLICE_MS, Math.max(1, left / 1_000_000)));
            }
            return length;
        } finally {
            fdLock.readLock().unlock();
        }
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
    }

    /**
     * Waits up to the read timeout for the first byte (in poll slices of {@value #SLICE_MS} ms, returning early
     * when the port closes or the calling kthread should stop), then returns what is there, up to {@code length}.
     *
     * @return bytes read, 0 on timeout
     */
    @Override
    public int read(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (length == 0) {
            return 0;
        }
        long deadline = System.nanoTime() + readTimeout.toNanos();
        fdLock.readLock().lock();
        try (Arena arena = Arena.ofConfined()) {
            ensureOpen();
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment buf = arena.allocate(length);
            MemorySegment pfd = arena.allocate(8, 4);
            while (true) {
                long r = Sys.read(slot, fd, buf, length);
                if (r > 0) {
                    MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, buffer, offset, (int) r);
                    return (int) r;
                }
                if (r < 0 && -r != Errno.EAGAIN) {
                    throw new com.pi4j.io.exception.IOException("serial port " + path + ": read failed: "
                            + Errno.describe((int) r));
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed || Kthread.shouldStop()) {
                    return 0;
                }
                pollOnce(slot, pfd, Sys.POLLIN, (int) Math.min(SLICE_MS, Math.max(1, left / 1_000_000)));
            }
        } finally {
            fdLock.readLock().unlock();
        }
    }

    private void pollOnce(MemorySegment slot, MemorySegment pfd, short events, int timeoutMs) {
        pfd.set(ValueLayout.JAVA_INT, 0, fd);
        pfd.set(ValueLayout.JAVA_SHORT, 4, events);
        pfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        int r = Sys.poll(slot, pfd, 1, timeoutMs);
        if (r < 0) {
            throw new com.pi4j.io.exception.IOException("serial port " + path + ": poll failed: " + Errno.describe(r));
        }
        short revents = pfd.get(ValueLayout.JAVA_SHORT, 6);
        if ((revents & (Sys.POLLERR | Sys.POLLNVAL)) != 0) {
            throw new com.pi4j.io.exception.IOException("serial port " + path + ": the device reports an error "
                    + "(unplugged USB adapter?)");
        }
    }

    @Override
    public void open() {
        // opened on creation
    }

    @Override
    public void close() {
        closed = true; // calls in flight see it within one slice
        fdLock.writeLock().lock();
        try {
            if (isOpen) {
                isOpen = false;
                int r = Sys.close(fd);
                if (r < 0) {
                    LOG.warn("serial port {}: close failed: {}", path, Errno.describe(r));
                }
            }
        } finally {
            fdLock.writeLock().unlock();
        }
    }

    @Override
    public Serial shutdown(Context context) throws ShutdownException {
        close();
        return super.shutdown(context);
    }

    @Override
    public String toString() {
        return "LinuxSerial[" + platform + " " + path + (closed ? ", closed" : "") + "]";
    }
}
