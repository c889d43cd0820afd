package io.kdrv.itest.hotplug;

import io.kdrv.testing.await.Await;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Captures what slf4j-simple writes, so tests can assert that an error was reported and what it names. The core
 * reports rejected device nodes, bad board files, dying kthreads and stuck threads only in the log.
 *
 * <p>slf4j-simple (default target {@code System.err}) looks {@code System.err} up on every write, so replacing it
 * with a tee catches every logger; the original stream still gets everything (the build log stays complete).
 * Installed once for the JVM; lines are kept in a bounded buffer. Thread-safe.
 */
final class LogCapture {
    private static final int MAX_LINES = 20_000;
    private static final List<String> LINES = new ArrayList<>(); // guarded by itself
    private static long dropped; // lines trimmed from the front of LINES; guarded by LINES
    private static PrintStream tee; // the stream we installed; guarded by LogCapture.class

    private LogCapture() {
    }

    /**
     * Puts the tee in place, around whatever {@code System.err} is now. Called again before every mark and poll:
     * Gogo's runtime puts its own {@code System.err} back whenever a command session executes.
     */
    static synchronized void install() {
        if (System.err == tee) {
            return;
        }
        tee = new PrintStream(new Tee(System.err), true, StandardCharsets.UTF_8);
        System.setErr(tee);
    }

    /** A mark to look for lines logged after it. */
    static long mark() {
        install();
        synchronized (LINES) {
            return dropped + LINES.size();
        }
    }

    /** Lines logged since {@code mark} (those still buffered). */
    static List<String> since(long mark) {
        install();
        synchronized (LINES) {
            int from = (int) Math.max(0, Math.min(mark - dropped, LINES.size()));
            return new ArrayList<>(LINES.subList(from, LINES.size()));
        }
    }

    /** Waits (bounded) for a line logged after {@code mark} that contains every fragment; returns it. */
    static String await(long mark, String... fragments) {
        Predicate<String> all = l -> {
            for (String f : fragments) {
                if (!l.contains(f)) {
                    return false;
                }
            }
            return true;
        };
        return Await.value("a log line containing " + List.of(fragments),
                () -> since(mark).stream().filter(all).findFirst(),
                () -> "lines logged meanwhile: " + since(mark));
    }

    /** Forgets the buffered lines (memory measurements must not count them). */
    static void clear() {
        synchronized (LINES) {
            dropped += LINES.size();
            LINES.clear();
        }
    }

    private static void add(String line) {
        synchronized (LINES) {
            if (LINES.size() >= MAX_LINES) {
                // a long test logs a lot; old lines are not needed any more (marks are taken right before acting)
                LINES.subList(0, MAX_LINES / 2).clear();
                dropped += MAX_LINES / 2;
            }
            LINES.add(line);
        }
    }

    /** Splits the byte stream into lines for the buffer and passes every byte on. */
    private static final class Tee extends OutputStream {
        private final PrintStream original;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Tee(PrintStream original) {
            this.original = original;
        }

        @Override
        public synchronized void write(int b) {
            original.write(b);
            if (b == '\n') {
                add(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() {
            original.flush();
        }
    }
}
