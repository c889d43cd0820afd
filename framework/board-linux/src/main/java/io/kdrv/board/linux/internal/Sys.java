package io.kdrv.board.linux.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The libc calls board-linux needs, through {@link Linker#nativeLinker()} (no native code of ours). Every call
 * captures {@code errno} into a caller-supplied segment ({@link #newErrnoSlot}), so a reader thread can keep one
 * slot and stay allocation-free. A negative return value is {@code -errno}: callers turn it into a
 * {@link io.kdrv.board.BoardException} naming what they were doing.
 *
 * <p>The EINTR retry loop is written out in each call on purpose: a shared helper taking a lambda would capture
 * the arguments and allocate on every call, and the edge reader's poll/read loop must not allocate.
 *
 * <p>{@code long}, {@code size_t} and {@code unsigned long} are 32 bits on armhf: each handle has one fixed Java
 * signature ({@code long}) narrowed to the platform's C types, so the same code runs on aarch64, armhf and x86_64.
 */
public final class Sys {
    public static final int O_RDONLY = 0;
    public static final int O_RDWR = 2;
    /** asm-generic value (x86, arm, arm64): close the fd on exec so child processes never inherit a line. */
    public static final int O_CLOEXEC = 0x80000;
    public static final int O_NONBLOCK = 0x800;
    public static final short POLLIN = 0x1;
    public static final short POLLERR = 0x8;
    public static final short POLLHUP = 0x10;
    public static final short POLLNVAL = 0x20;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MemoryLayout C_LONG = LINKER.canonicalLayouts().get("long");
    private static final MemoryLayout SIZE_T = LINKER.canonicalLayouts().get("size_t");

    private static final MethodHandle OPEN = handle("open", int.class, FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, ValueLayout.JAVA_INT), -1, MemorySegment.class, int.class);
    private static final MethodHandle CLOSE = handle("close", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), -1, int.class);
    private static final MethodHandle IOCTL_PTR = handle("ioctl", int.class, FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, C_LONG, ValueLayout.ADDRESS), 2,
            int.class, long.class, MemorySegment.class);
    private static final MethodHandle IOCTL_LONG = handle("ioctl", int.class, FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, C_LONG, C_LONG), 2, int.class, long.class, long.class);
    private static final MethodHandle READ = handle("read", long.class, FunctionDescriptor.of(SIZE_T,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, SIZE_T), -1, int.class, MemorySegment.class, long.class);
    private static final MethodHandle WRITE = handle("write", long.class, FunctionDescriptor.of(SIZE_T,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, SIZE_T), -1, int.class, MemorySegment.class, long.class);
    private static final MethodHandle POLL = handle("poll", int.class, FunctionDescriptor.of(ValueLayout.JAVA_INT,
            ValueLayout.ADDRESS, C_LONG, ValueLayout.JAVA_INT), -1, MemorySegment.class, long.class, int.class);
    private static final MethodHandle EVENTFD = handle("eventfd", int.class, FunctionDescriptor.of(
            ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), -1, int.class, int.class);

    private Sys() {
    }

    /**
     * @param firstVariadic index of the first variadic argument (ioctl's third, open's third), -1 for none
     */
    static MethodHandle handle(String name, Class<?> ret, FunctionDescriptor fd, int firstVariadic,
            Class<?>... params) {
        MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        MethodHandle h = firstVariadic >= 0
                ? LINKER.downcallHandle(symbol, fd, Linker.Option.firstVariadicArg(firstVariadic),
                        Linker.Option.captureCallState("errno"))
                : LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"));
        Class<?>[] all = new Class<?>[params.length + 1];
        all[0] = MemorySegment.class;
        System.arraycopy(params, 0, all, 1, params.length);
        return MethodHandles.explicitCastArguments(h, MethodType.methodType(ret, all));
    }

    /** @return a slot for the errno of one call at a time (one per thread, or per reader) */
    public static MemorySegment newErrnoSlot(Arena arena) {
        return arena.allocate(CAPTURE);
    }

    static int errno(MemorySegment slot) {
        return (int) ERRNO.get(slot, 0L);
    }

    /** {@code open(path, flags | O_CLOEXEC)}, retried on EINTR; returns the fd or {@code -errno}. */
    public static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = newErrnoSlot(arena);
            MemorySegment cpath = arena.allocateFrom(path, StandardCharsets.UTF_8);
            while (true) {
                int fd = (int) OPEN.invokeExact(slot, cpath, flags | O_CLOEXEC);
                if (fd >= 0) {
                    return fd;
                }
                int e = errno(slot);
                if (e != Errno.EINTR) {
                    return -e;
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code close(fd)}; EINTR is not retried (Linux releases the fd anyway). Returns 0 or {@code -errno}. */
    public static int close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = newErrnoSlot(arena);
            int r = (int) CLOSE.invokeExact(slot, fd);
            return r == 0 ? 0 : -errno(slot);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, arg)} with a pointer argument, retried on EINTR; returns the result or {@code -errno}. */
    public static int ioctl(MemorySegment slot, int fd, long request, MemorySegment arg) {
        try {
            while (true) {
                int r = (int) IOCTL_PTR.invokeExact(slot, fd, request, arg);
                if (r >= 0) {
                    return r;
                }
                int e = errno(slot);
                if (e != Errno.EINTR) {
                    return -e;
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, value)} with an integer argument (e.g. {@code I2C_SLAVE}). */
    public static int ioctl(MemorySegment slot, int fd, long request, long value) {
        try {
            while (true) {
                int r = (int) IOCTL_LONG.invokeExact(slot, fd, request, value);
                if (r >= 0) {
                    return r;
                }
                int e = errno(slot);
                if (e != Errno.EINTR) {
                    return -e;
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code read(fd, buf, len)}, retried on EINTR; returns bytes read or {@code -errno}. */
    public static long read(MemorySegment slot, int fd, MemorySegment buf, long len) {
        try {
            while (true) {
                long r = (long) READ.invokeExact(slot, fd, buf, len);
                if (r >= 0 && r <= len) {
                    return r;
                }
                int e = errno(slot);
                if (e != Errno.EINTR) {
                    return -e;
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code write(fd, buf, len)}, retried on EINTR; returns bytes written or {@code -errno}. */
    public static long write(MemorySegment slot, int fd, MemorySegment buf, long len) {
        try {
            while (true) {
                long r = (long) WRITE.invokeExact(slot, fd, buf, len);
                if (r >= 0 && r <= len) {
                    return r;
                }
                int e = errno(slot);
                if (e != Errno.EINTR) {
                    return -e;
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code poll(fds, n, timeoutMs)}, retried on EINTR (so it is not interruptible); returns ready count or {@code -errno}. */
    public static int poll(MemorySegment slot, MemorySegment fds, int n, int timeoutMs) {
        try {
            while (true) {
                int r = (int) POLL.invokeExact(slot, fds, (long) n, timeoutMs);
                if (r >= 0) {
                    return r;
                }
                int e = errno(slot);
                if (e != Errno.EINTR) {
                    return -e;
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)}; returns the fd or {@code -errno}. */
    public static int eventfd() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = newErrnoSlot(arena);
            int fd = (int) EVENTFD.invokeExact(slot, 0, O_CLOEXEC | O_NONBLOCK);
            return fd >= 0 ? fd : -errno(slot);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException("native call failed", t);
    }
}
