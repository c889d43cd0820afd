package io.kdrv.kthread.internal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few libc calls kdrv needs, made through {@code java.lang.foreign}: {@code sched_setaffinity} (CPU binding)
 * and {@code gettid} (native thread id). Each is looked up once; when a symbol is missing (non-Linux, no libc,
 * native access denied) the feature degrades to a recorded no-op instead of failing the kthread.
 *
 * <p>Internal: not part of the exported API.
 */
public final class NativeOs {
    private static final Logger LOG = LoggerFactory.getLogger(NativeOs.class);

    /** glibc's {@code cpu_set_t} is 1024 bits; never pass less, some libc versions reject shorter masks. */
    private static final int MIN_CPUSET_BYTES = 128;

    private static final boolean LINUX = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    private static final AtomicBoolean AFFINITY_WARNED = new AtomicBoolean();

    private static final MethodHandle SCHED_SETAFFINITY; // (MemorySegment capture, int pid, long size, MemorySegment mask) int
    private static final MethodHandle GETTID;            // () int
    private static final MemoryLayout CAPTURE_LAYOUT;
    private static final VarHandle ERRNO;
    private static final String UNAVAILABLE;             // why affinity is unavailable, null when available

    static {
        MethodHandle setAffinity = null, gettid = null;
        MemoryLayout capture = null;
        VarHandle errno = null;
        String why = null;
        if (!LINUX) {
            why = "not Linux (os.name=" + System.getProperty("os.name") + ")";
        } else {
            try {
                Linker linker = Linker.nativeLinker();
                SymbolLookup libc = linker.defaultLookup();
                capture = Linker.Option.captureStateLayout();
                errno = capture.varHandle(MemoryLayout.PathElement.groupElement("errno"));
                MemoryLayout sizeT = linker.canonicalLayouts().get("size_t");
                var found = libc.find("sched_setaffinity");
                if (found.isPresent()) {
                    MethodHandle h = linker.downcallHandle(found.get(),
                            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, sizeT, ValueLayout.ADDRESS),
                            Linker.Option.captureCallState("errno"));
                    // size_t is 32 bits on 32-bit ARM: one fixed Java signature, narrowed where needed.
                    setAffinity = MethodHandles.explicitCastArguments(h, MethodType.methodType(int.class,
                            MemorySegment.class, int.class, long.class, MemorySegment.class));
                } else {
                    why = "libc has no sched_setaffinity";
                }
                var tid = libc.find("gettid"); // glibc >= 2.30, musl
                if (tid.isPresent()) {
                    gettid = linker.downcallHandle(tid.get(), FunctionDescriptor.of(ValueLayout.JAVA_INT));
                }
            } catch (Throwable t) { // IllegalCallerException (native access denied), UnsupportedOperationException...
                why = "native calls unavailable: " + t;
                setAffinity = null;
                gettid = null;
            }
        }
        SCHED_SETAFFINITY = setAffinity;
        GETTID = gettid;
        CAPTURE_LAYOUT = capture;
        ERRNO = errno;
        UNAVAILABLE = why;
    }

    private NativeOs() {
    }

    /** Whether {@link #setCurrentThreadAffinity} can work on this platform. */
    public static boolean affinitySupported() {
        return SCHED_SETAFFINITY != null;
    }

    /**
     * {@code sched_setaffinity(0, size, mask)} for the calling thread. Never throws: an unsupported platform is
     * logged once per JVM, a failing call (e.g. {@code EINVAL}: no CPU of the mask is allowed) once per call.
     *
     * @param cpus     non-empty CPU set
     * @param whoFor   thread name for the log message
     * @return true if the kernel accepted the mask
     */
    public static boolean setCurrentThreadAffinity(BitSet cpus, String whoFor) {
        if (SCHED_SETAFFINITY == null) {
            if (AFFINITY_WARNED.compareAndSet(false, true)) {
                LOG.warn("CPU affinity unavailable ({}); kthreads run unbound (first: {})", UNAVAILABLE, whoFor);
            }
            return false;
        }
        long[] words = cpus.toLongArray();
        long bytes = Math.max(MIN_CPUSET_BYTES, words.length * 8L);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(bytes, 8);
            // cpu_set_t is an array of unsigned long with CPU n at bit n%W of word n/W. Writing BitSet's 64-bit
            // words in native order gives that byte layout on every little-endian machine (also with W=32).
            for (int i = 0; i < words.length; i++) {
                mask.setAtIndex(ValueLayout.JAVA_LONG, i, words[i]);
            }
            MemorySegment capture = arena.allocate(CAPTURE_LAYOUT);
            int rc = (int) SCHED_SETAFFINITY.invokeExact(capture, 0, bytes, mask);
            if (rc != 0) {
                int err = (int) ERRNO.get(capture, 0L);
                LOG.warn("kthread {}: sched_setaffinity({}) failed, errno {}; running unbound", whoFor, cpus, err);
                return false;
            }
            return true;
        } catch (Throwable t) {
            LOG.warn("kthread {}: sched_setaffinity({}) failed; running unbound", whoFor, cpus, t);
            return false;
        }
    }

    /**
     * The native thread id of the calling thread: {@code gettid()} through FFM, else the {@code /proc/thread-self}
     * link, else -1.
     */
    public static long currentTid() {
        if (GETTID != null) {
            try {
                return (int) GETTID.invokeExact();
            } catch (Throwable ignored) {
                // fall through to /proc
            }
        }
        if (LINUX) {
            try {
                // "/proc/thread-self" -> "<pid>/task/<tid>"
                String link = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
                return Long.parseLong(link.substring(link.lastIndexOf('/') + 1));
            } catch (IOException | RuntimeException ignored) {
                // no procfs
            }
        }
        return -1;
    }

    /**
     * Number of CPU ids the machine may ever have ({@code /sys/devices/system/cpu/possible}), at least
     * {@link Runtime#availableProcessors()}. Valid CPU numbers are {@code 0 .. possibleCpus()-1}.
     */
    public static int possibleCpus() {
        return PossibleCpus.COUNT;
    }

    private static final class PossibleCpus { // lazy holder: read /sys once, on first bind
        static final int COUNT = read();

        private static int read() {
            int n = Runtime.getRuntime().availableProcessors();
            try {
                // e.g. "0-3" or "0,2-5": the highest id + 1
                String s = Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim();
                for (String part : s.split(",")) {
                    String last = part.substring(part.lastIndexOf('-') + 1);
                    n = Math.max(n, Integer.parseInt(last.trim()) + 1);
                }
            } catch (IOException | RuntimeException ignored) {
                // not Linux: availableProcessors() is the best guess
            }
            return n;
        }
    }
}
