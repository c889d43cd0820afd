package io.kdrv.kthread;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

/** Reading back what the kernel sees, for the affinity and naming tests. */
final class Procfs {
    private Procfs() {
    }

    static boolean available() {
        return Files.isReadable(Path.of("/proc/self/status")) && Files.exists(Path.of("/proc/thread-self"));
    }

    /** The Cpus_allowed_list line of a status file, e.g. "0-1". */
    static String cpusAllowedList(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("Cpus_allowed_list:")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no Cpus_allowed_list in " + status);
    }

    /** Cpus_allowed_list of the calling thread. */
    static String threadCpusAllowedList() {
        return cpusAllowedList(Path.of("/proc/thread-self/status"));
    }

    /** Parses a kernel CPU list such as "0-3,5". */
    static BitSet parseCpuList(String list) {
        BitSet cpus = new BitSet();
        for (String part : list.split(",")) {
            String[] range = part.trim().split("-");
            int from = Integer.parseInt(range[0]);
            int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
            cpus.set(from, to + 1);
        }
        return cpus;
    }

    /** The highest CPU this process may run on (so binding to it is always accepted by the kernel). */
    static int lastAllowedCpu() {
        BitSet allowed = parseCpuList(cpusAllowedList(Path.of("/proc/self/status")));
        return allowed.length() - 1;
    }

    static String comm(long tid) {
        try {
            return Files.readString(Path.of("/proc/self/task/" + tid + "/comm")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
