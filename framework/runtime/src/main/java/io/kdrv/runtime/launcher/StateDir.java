package io.kdrv.runtime.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;

/**
 * The state directory: Felix bundle cache ({@code cache/}), Configuration Admin store ({@code config/}), hot-plug
 * drops ({@code deploy/}), the extracted framework jar ({@code lib/}), scratch files ({@code tmp/}, emptied at each
 * start, so a killed process leaves nothing behind for long and nothing at all in /tmp) and {@code lock}. Created owner-only (0700);
 * the lock file (0600) holds an exclusive {@link FileLock} for the life of the process, so a second kdrv on the
 * same directory is refused; the kernel drops the lock when the process dies, so a crash never leaves it stale.
 *
 * <p>Not thread-safe: used by the launcher's main thread only.
 */
final class StateDir implements AutoCloseable {
    /** System property, then environment variable, then the jar's default (launcher.properties), then ./kdrv-state. */
    static final String PROPERTY = "kdrv.state.dir", ENV = "KDRV_STATE_DIR", FALLBACK = "kdrv-state";
    static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    /** A start-up problem with the state directory; the message names the path and says what to do. */
    static final class StateDirException extends Exception {
        StateDirException(String message) {
            super(message);
        }
    }

    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private StateDir(Path path, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static Path choose(Properties launch) {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            dir = System.getenv(ENV);
        }
        if (dir == null || dir.isBlank()) {
            dir = launch.getProperty(PROPERTY, FALLBACK);
        }
        return Path.of(dir).toAbsolutePath().normalize();
    }

    /** Creates the directory tree if needed and takes the lock; fails when another process holds it. */
    static StateDir lock(Path dir) throws StateDirException {
        try {
            ensureDir(dir);
            for (String sub : new String[] {"cache", "config", "deploy", "lib", "tmp"}) {
                ensureDir(dir.resolve(sub));
            }
            Path lockFile = dir.resolve("lock");
            FileChannel ch = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(FILE_MODE));
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                String holder = readHolder(ch);
                ch.close();
                throw new StateDirException("state directory " + dir + " is in use by another kdrv"
                        + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                        + "; stop it first, or give this one its own with -D" + PROPERTY + "=DIR or " + ENV);
            }
            deleteContents(dir.resolve("tmp")); // what a killed process left (FileInstall's work files)
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            return new StateDir(dir, ch, lock);
        } catch (AccessDeniedException e) {
            throw new StateDirException("cannot use state directory " + dir + ": permission denied on "
                    + e.getFile() + " (run as its owner, or choose another with -D" + PROPERTY + "=DIR or " + ENV + ")");
        } catch (FileSystemException e) {
            throw new StateDirException("cannot use state directory " + dir + ": " + e.getMessage());
        } catch (IOException e) {
            throw new StateDirException("cannot use state directory " + dir + ": " + e);
        }
    }

    private static void ensureDir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            if (!Files.getPosixFilePermissions(dir).equals(DIR_MODE)) {
                Files.setPosixFilePermissions(dir, DIR_MODE); // state (Config Admin included) is nobody else's
            }
            return;
        }
        FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(DIR_MODE);
        Files.createDirectories(dir, mode);
        Files.setPosixFilePermissions(dir, DIR_MODE); // createDirectories applies the umask on top of the mode
    }

    private static void deleteContents(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static String readHolder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        ch.read(b, 0);
        return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
    }

    Path path() {
        return path;
    }

    /**
     * Extracts a run-path jar (Felix, SLF4J) embedded in {@code selfJar} at {@code entry} into lib/ unless an
     * identical copy (size and CRC of the zip entry) is already there: nothing is written outside the state
     * directory, not even on a crash.
     */
    Path extractRunpath(JarFile selfJar, String entry) throws IOException, StateDirException {
        JarEntry e = selfJar.getJarEntry(entry);
        if (e == null) {
            throw new StateDirException(selfJar.getName() + ": run-path jar " + entry + " missing");
        }
        Path target = path.resolve("lib").resolve(Path.of(entry).getFileName().toString());
        if (Files.isRegularFile(target) && Files.size(target) == e.getSize() && crc(target) == e.getCrc()) {
            return target;
        }
        Path tmp = Files.createTempFile(target.getParent(), ".extract", ".tmp",
                PosixFilePermissions.asFileAttribute(FILE_MODE));
        try (InputStream in = selfJar.getInputStream(e)) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    private static long crc(Path file) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(ByteBuffer.wrap(Files.readAllBytes(file)));
        return crc.getValue();
    }

    @Override
    public void close() {
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException ignored) {
            // the process is exiting; the kernel drops the lock anyway
        }
    }
}
