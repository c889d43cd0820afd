package io.kdrv.board.linux.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A pseudo-terminal pair for tests, through FFM ({@code posix_openpt}, {@code grantpt}, {@code unlockpt},
 * {@code ptsname_r}): the serial port under test opens {@link #slavePath()}, the test talks through the master fd.
 */
final class Pty implements AutoCloseable {
    private static final int O_NOCTTY = 0400;
    private static final MethodHandle POSIX_OPENPT = Sys.handle("posix_openpt", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), -1, int.class);
    private static final MethodHandle GRANTPT = Sys.handle("grantpt", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), -1, int.class);
    private static final MethodHandle UNLOCKPT = Sys.handle("unlockpt", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), -1, int.class);
    private static final MethodHandle PTSNAME_R = Sys.handle("ptsname_r", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
            -1, int.class, MemorySegment.class, long.class);

    private final int master;
    private final String slavePath;
    /** Kept open so the pty's line settings survive between the port's opens (a pty resets when its last fd closes). */
    private final int slaveHold;

    Pty() throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            int fd = (int) POSIX_OPENPT.invokeExact(slot, Sys.O_RDWR | O_NOCTTY | Sys.O_NONBLOCK);
            if (fd < 0) {
                throw new IllegalStateException("posix_openpt: " + Errno.describe(Sys.errno(slot)));
            }
            master = fd;
            if ((int) GRANTPT.invokeExact(slot, fd) != 0 || (int) UNLOCKPT.invokeExact(slot, fd) != 0) {
                throw new IllegalStateException("grantpt/unlockpt: " + Errno.describe(Sys.errno(slot)));
            }
            MemorySegment name = arena.allocate(128);
            int r = (int) PTSNAME_R.invokeExact(slot, fd, name, 128L);
            if (r != 0) {
                throw new IllegalStateException("ptsname_r: " + Errno.describe(r));
            }
            slavePath = name.getString(0, StandardCharsets.US_ASCII);
        }
        slaveHold = Sys.open(slavePath, Sys.O_RDWR | O_NOCTTY | Sys.O_NONBLOCK);
        if (slaveHold < 0) {
            throw new IllegalStateException("open " + slavePath + ": " + Errno.describe(slaveHold));
        }
    }

    String slavePath() {
        return slavePath;
    }

    /** The slave side's termios (what the port applied), read with tcgetattr on the held slave fd. */
    Attrs attrs() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment t = Termios.allocate(arena);
            int r = Termios.get(slot, slaveHold, t);
            if (r < 0) {
                throw new IllegalStateException("tcgetattr " + slavePath + ": " + Errno.describe(r));
            }
            return new Attrs(t.get(ValueLayout.JAVA_INT, Termios.C_IFLAG), t.get(ValueLayout.JAVA_INT, Termios.C_OFLAG),
                    t.get(ValueLayout.JAVA_INT, Termios.C_CFLAG), t.get(ValueLayout.JAVA_INT, Termios.C_LFLAG),
                    Termios.baudOf(Termios.outputSpeed(slot, t)),
                    t.get(ValueLayout.JAVA_BYTE, Termios.C_CC + Termios.VMIN),
                    t.get(ValueLayout.JAVA_BYTE, Termios.C_CC + Termios.VTIME));
        }
    }

    record Attrs(int iflag, int oflag, int cflag, int lflag, int baud, int vmin, int vtime) {
    }

    /** Writes all of {@code data} to the master (what the far device sends). */
    void send(byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
            long n = Sys.write(slot, master, buf, data.length);
            if (n != data.length) {
                throw new IllegalStateException("pty master write: " + n);
            }
        }
    }

    /** Reads from the master until {@code count} bytes came or {@code timeout} passed (bounded polling). */
    byte[] receive(int count, Duration timeout) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment buf = arena.allocate(256);
            MemorySegment pfd = arena.allocate(8, 4);
            while (out.size() < count && System.nanoTime() - deadline < 0) {
                long n = Sys.read(slot, master, buf, 256);
                if (n > 0) {
                    out.write(buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE), 0, (int) n);
                    continue;
                }
                pfd.set(ValueLayout.JAVA_INT, 0, master);
                pfd.set(ValueLayout.JAVA_SHORT, 4, Sys.POLLIN);
                Sys.poll(slot, pfd, 1, 20);
            }
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        Sys.close(slaveHold);
        Sys.close(master);
    }
}
