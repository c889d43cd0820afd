package io.kdrv.board.linux.internal;

import io.kdrv.board.W1Bus;
import io.kdrv.driver.W1Slave;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The kernel's 1-Wire buses in sysfs ({@code /sys/bus/w1/devices}, configurable so tests run on a temporary tree of
 * the same shape): masters {@code w1_bus_masterN/} with {@code w1_master_slaves}, slaves {@code <id>/} below their
 * master and linked from the root.
 *
 * <p>A slave's files: {@code rw} when no family driver claimed it (the kernel's default family: a write does reset,
 * MATCH ROM and writes the bytes, a read reads bytes), or the family driver's ready-made files ({@code w1_therm}:
 * {@code w1_slave}, {@code temperature}, {@code resolution}). Transfers on {@code rw} use read(2)/write(2) through
 * FFM, because the kernel answers a reset without presence with a 0-byte write that a Java stream would retry
 * forever. The kernel releases the bus between the write and the read of a transaction: another process using the
 * same slave at the same time can interleave.
 */
public final class SysfsW1 implements W1Bus {
    /** Where the kernel puts them. */
    public static final Path DEFAULT_ROOT = Path.of("/sys/bus/w1/devices");
    private static final String MASTER_PREFIX = "w1_bus_master";

    private final String platform;
    private final Path root;

    public SysfsW1(String platform, Path root) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.root = Objects.requireNonNull(root, "root");
    }

    @Override
    public W1Slave find(String master, String id) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("1-Wire slave " + id + ": no 1-Wire bus on platform " + platform
                    + " (" + root + " does not exist: load the w1 modules; on a Raspberry Pi add dtoverlay=w1-gpio "
                    + "(GPIO 4 by default, gpiopin=N to change) to /boot/firmware/config.txt and reboot)");
        }
        if (master != null) {
            Path dir = root.resolve(master).resolve(id);
            if (Files.isDirectory(dir)) {
                return new Slave(id, master, dir);
            }
            throw notFound(id, master);
        }
        for (String m : masters()) {
            Path dir = root.resolve(m).resolve(id);
            if (Files.isDirectory(dir)) {
                return new Slave(id, m, dir);
            }
        }
        Path link = root.resolve(id);
        if (Files.isDirectory(link)) {
            String m;
            try {
                m = link.toRealPath().getParent().getFileName().toString();
            } catch (IOException | RuntimeException e) {
                m = "?";
            }
            return new Slave(id, m, link);
        }
        throw notFound(id, null);
    }

    private IllegalArgumentException notFound(String id, String master) {
        return new IllegalArgumentException("1-Wire slave " + id + " not found on " + (master == null ? "any master"
                : master) + " in " + root + " (present: " + slaves() + "; check the wiring and the 4.7 kOhm pull-up,"
                + " and that the kernel searched the bus: w1_master_search)");
    }

    private List<String> masters() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(root, MASTER_PREFIX + "*")) {
            for (Path p : ds) {
                out.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(null);
        return out;
    }

    @Override
    public List<String> slaves() {
        List<String> out = new ArrayList<>();
        for (String m : masters()) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve(m))) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (W1Slave.ID_PATTERN.matcher(name).matches()) {
                        out.add(m + "/" + name);
                    }
                }
            } catch (IOException e) {
                // a master that went away meanwhile
            }
        }
        out.sort(null);
        return out;
    }

    /** One slave directory. */
    private final class Slave implements W1Slave {
        private final String id;
        private final String master;
        private final Path dir;

        Slave(String id, String master, Path dir) {
            this.id = id;
            this.master = master;
            this.dir = dir;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String master() {
            return master;
        }

        @Override
        public boolean supportsTransactions() {
            return Files.exists(dir.resolve("rw"));
        }

        private String where() {
            return "1-Wire slave " + id + " on " + master;
        }

        @Override
        public byte[] transaction(byte[] write, int readLength) throws IOException {
            Objects.requireNonNull(write, "write");
            if (readLength < 0) {
                throw new IllegalArgumentException(where() + ": read length must be >= 0, got " + readLength);
            }
            Path rw = dir.resolve("rw");
            if (!Files.exists(rw)) {
                if (!Files.isDirectory(dir)) {
                    throw new IOException(where() + ": gone from " + root + " (unplugged? the kernel removes a slave "
                            + "that stops answering its searches)");
                }
                throw new UnsupportedOperationException(where() + ": no rw file in " + dir + " (a family driver such "
                        + "as w1_therm owns the slave: use its files, or unload it for raw transactions)");
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment slot = Sys.newErrnoSlot(arena);
                if (write.length > 0) {
                    int fd = openRw(rw, Sys.O_RDWR);
                    try {
                        MemorySegment buf = arena.allocate(write.length);
                        MemorySegment.copy(write, 0, buf, ValueLayout.JAVA_BYTE, 0, write.length);
                        long n = Sys.write(slot, fd, buf, write.length);
                        if (n < 0) {
                            throw new IOException(where() + ": write to " + rw + " failed: " + Errno.describe((int) n));
                        }
                        if (n != write.length) {
                            // rw_write returns 0 when the reset saw no presence pulse.
                            throw new IOException(where() + ": no presence pulse after reset (slave absent or wire "
                                    + "broken): " + n + " of " + write.length + " bytes written");
                        }
                    } finally {
                        Sys.close(fd);
                    }
                }
                byte[] out = new byte[readLength];
                if (readLength > 0) {
                    int fd = openRw(rw, Sys.O_RDONLY);
                    try {
                        MemorySegment buf = arena.allocate(readLength);
                        long n = Sys.read(slot, fd, buf, readLength);
                        if (n < 0) {
                            throw new IOException(where() + ": read from " + rw + " failed: " + Errno.describe((int) n));
                        }
                        if (n != readLength) {
                            throw new IOException(where() + ": short read from " + rw + ": " + n + " of " + readLength
                                    + " bytes");
                        }
                        MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, out, 0, readLength);
                    } finally {
                        Sys.close(fd);
                    }
                }
                return out;
            }
        }

        private int openRw(Path rw, int flags) throws IOException {
            int fd = Sys.open(rw.toString(), flags);
            if (fd < 0) {
                throw new IOException(where() + ": cannot open " + rw + ": " + Errno.describe(fd));
            }
            return fd;
        }

        @Override
        public Optional<String> readAttribute(String name) throws IOException {
            Path f = attribute(name);
            try {
                return Optional.of(Files.readString(f, StandardCharsets.US_ASCII));
            } catch (NoSuchFileException e) {
                if (!Files.isDirectory(dir)) {
                    throw new IOException(where() + ": gone from " + root + " (unplugged?)");
                }
                return Optional.empty();
            } catch (IOException e) {
                // w1_therm answers EIO when the slave does not respond (CRC failed on every try, or absent).
                throw new IOException(where() + ": reading " + f + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void writeAttribute(String name, String value) throws IOException {
            Path f = attribute(name);
            if (!Files.exists(f)) {
                throw new IOException(where() + ": no file " + f + " (the kernel's family driver does not offer it)");
            }
            try {
                // As the shell's `echo 9 > resolution`: O_TRUNC is a no-op on sysfs, and right for the test tree.
                Files.writeString(f, value, StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.WRITE,
                        java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                throw new IOException(where() + ": writing '" + value.strip() + "' to " + f + " failed: "
                        + e.getMessage(), e);
            }
        }

        private Path attribute(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isEmpty() || name.contains("/") || name.startsWith(".")) {
                throw new IllegalArgumentException(where() + ": '" + name + "' is not a file name");
            }
            return dir.resolve(name);
        }

        @Override
        public String toString() {
            return "W1Slave[" + master + "/" + id + " " + dir + "]";
        }
    }
}
