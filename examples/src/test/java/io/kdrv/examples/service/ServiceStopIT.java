package io.kdrv.examples.service;

import io.kdrv.examples.DemoBoardFile;
import static io.kdrv.examples.service.KdrvProcess.DEMO_JAR;
import static io.kdrv.examples.service.KdrvProcess.EXIT;
import static io.kdrv.examples.service.KdrvProcess.JAVA;
import static io.kdrv.examples.service.KdrvProcess.PI_JAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every way a kdrv process ends goes through one framework stop: every device removed in reverse probe order,
 * outputs at their off state (the demo prints the mock lines once kdrv-core has stopped), a bounded exit.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServiceStopIT {
    static final List<String> DEMO_DEVICES = DemoBoardFile.devices();
    static final String DEMO_REMOVED = "kdrv core shutdown: " + DEMO_DEVICES.size() + " devices removed";
    static final String OFF = "demo: outputs after kdrv-core stopped: 18=LOW 23=LOW";
    static final String BOUND = "device (\\S+): bound to driver";
    static final String UNBOUND = "device (\\S+): unbound from driver";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT", "HUP"})
    void demoStopsCleanlyOnSignal(String signal) throws Exception {
        assumeFalse(ignoredHere(signal), "SIG" + signal + " is ignored by this test JVM (run under nohup or as a"
                + " script's background job): kdrv inherits that and never sees it (see signalsIgnoredByTheParent...)");
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
            p.awaitBound(DEMO_DEVICES.toArray(String[]::new));
            p.signal(signal);
            assertEquals(0, p.awaitExit(EXIT), p.output());
            String out = p.output();
            assertTrue(out.contains("kdrv: SIG" + signal + ": stopping"), out);
            assertTrue(out.contains(DEMO_REMOVED), out);
            assertEquals(reversed(p.names(BOUND)), p.names(UNBOUND), "remove order is reverse probe order:\n" + out);
            assertTrue(out.contains(OFF), out);
            assertQuiet(out);
        }
    }

    @Test
    void signalsIgnoredByTheParentAreNamedOnceAndSigtermStillStops() throws Exception {
        assumeFalse(ignoredHere("TERM"), "SIGTERM is ignored by this test JVM");
        Path wrapper = dir.resolve("nohup-java");
        Files.writeString(wrapper, "#!/bin/sh\ntrap '' HUP INT\nexec " + JAVA + " \"$@\"\n"); // as nohup, a job
        Files.setPosixFilePermissions(wrapper, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        try (KdrvProcess p = KdrvProcess.start(wrapper, DEMO_JAR, dir, "--sun-misc-unsafe-memory-access=allow",
                "-Dgosh.args=--nointeractive")) {
            p.awaitBound(DEMO_DEVICES.toArray(String[]::new));
            p.await("^kdrv: SIGINT, SIGHUP ignored by this process \\(inherited from its parent, e.g. nohup or a"
                    + " script's background job\\): they do not stop kdrv$", Duration.ofSeconds(10));
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
            assertTrue(p.output().contains(DEMO_REMOVED), p.output());
        }
    }

    /** Whether this JVM runs with {@code signal} ignored (SigIgn in /proc/self/status): its children inherit it. */
    static boolean ignoredHere(String signal) throws java.io.IOException {
        int n = switch (signal) {
            case "HUP" -> 1;
            case "INT" -> 2;
            case "TERM" -> 15;
            default -> throw new IllegalArgumentException(signal);
        };
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) >>> (n - 1) & 1) == 1;
            }
        }
        return false;
    }

    @Test
    void raspberrypiJarOnTheMockPlatformStopsCleanlyOnSigterm() throws Exception {
        Path board = dir.resolve("board.json");
        Files.writeString(board, """
                { "devices": [
                  { "name": "buttons", "compatible": ["gpio-keys"], "gpios": [17, 27], "codes": [28, 1] },
                  { "name": "leds", "compatible": ["gpio-leds"], "gpios": [18, 23], "trigger": "heartbeat" },
                  { "name": "pir0", "compatible": ["pir-motion"], "gpios": [4] } ] }
                """);
        try (KdrvProcess p = KdrvProcess.start(JAVA, PI_JAR, dir, "-Dkdrv.state.dir=" + dir.resolve("state"),
                "-Dkdrv.board.platform=mock", "-Dkdrv.board.file=" + board)) {
            p.awaitBound("buttons", "leds", "pir0");
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
            String out = p.output();
            assertTrue(out.contains("kdrv core shutdown: 3 devices removed"), out);
            assertEquals(reversed(p.names(BOUND)), p.names(UNBOUND), out);
            assertQuiet(out);
        }
    }

    @Test
    void stop0InTheShellExitsZero() throws Exception {
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir)) {
            p.awaitBound(DEMO_DEVICES.toArray(String[]::new));
            p.type("stop 0");
            assertEquals(0, p.awaitExit(EXIT), p.output());
            assertTrue(p.output().contains(DEMO_REMOVED), p.output());
            assertTrue(p.output().contains(OFF), p.output());
            assertQuiet(p.output());
        }
    }

    @Test
    void systemExitFromABundleStillRemovesEveryDevice() throws Exception {
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive",
                "-Dkdrv.demo.exit-after=8s")) {
            p.awaitBound(DEMO_DEVICES.toArray(String[]::new));
            assertEquals(3, p.awaitExit(EXIT), p.output());
            String out = p.output();
            assertTrue(out.contains("kdrv: JVM exit: stopping"), out);
            assertTrue(out.contains(DEMO_REMOVED), out);
            assertTrue(out.contains(OFF), out);
        }
    }

    @Test
    void aStuckDriverIsReportedAndTheProcessStillExits() throws Exception {
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive",
                "-Dkdrv.demo.stuck-remove=true")) {
            p.awaitBound("stuck0");
            p.awaitBound(DEMO_DEVICES.toArray(String[]::new));
            p.signal("TERM");
            int code = p.awaitExit(EXIT);
            String out = p.output();
            assertEquals(0, code, out);
            assertTrue(out.matches("(?s).*device stuck0: remove by driver .* did not return within.*"), out);
            for (String d : DEMO_DEVICES) {
                assertTrue(out.contains("device " + d + ": unbound from driver"), d + "\n" + out);
            }
            assertTrue(out.contains(OFF), out);
        }
    }

    @Test
    void threeStuckDriversAreAbandonedInParallelWithinOneBound() throws Exception {
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive",
                "-Dkdrv.demo.stuck-remove=3")) {
            p.awaitBound("stuck0", "stuck1", "stuck2");
            p.awaitBound(DEMO_DEVICES.toArray(String[]::new));
            long start = System.nanoTime();
            p.signal("TERM");
            int code = p.awaitExit(EXIT);
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            String out = p.output();
            // sequential, 5 s each, the three took the whole 15 s bound and the devices after them were never removed
            assertEquals(0, code, out);
            assertFalse(out.contains("removing devices did not finish within")
                    || out.contains("kdrv: the framework did not stop within"), out);
            assertTrue(out.contains("kdrv core shutdown: " + (DEMO_DEVICES.size() + 3) + " devices removed"), out);
            assertTrue(out.matches("(?s).*kdrv core shutdown: 3 remove call\\(s\\) still running after \\d+ ms, abandoned "
                    + "with their resources released: stuck\\d \\(driver [^)]+\\), stuck\\d \\(driver [^)]+\\), "
                    + "stuck\\d \\(driver [^)]+\\).*"), out);
            List<String> others = reversed(p.names(BOUND)).stream().filter(DEMO_DEVICES::contains).toList();
            assertEquals(others, p.names(UNBOUND).stream().filter(DEMO_DEVICES::contains).toList(),
                    "every other device removed in reverse probe order:\n" + out);
            assertTrue(out.contains(OFF), out);
            // the launcher's own bound (kdrv.stop.timeout) is 25 s, the unit's TimeoutStopSec 35 s
            assertTrue(tookMs < 25_000, "stop took " + tookMs + " ms:\n" + out);
        }
    }

    /**
     * A healthy start and a clean stop print no ERROR or WARN line (kdrv's, Pi4J's, Felix's or the JDK's) and no
     * java.util.logging record (SPI Fly's provider registrations were INFO records; EventAdmin's "Event Task
     * Processing Interrupted" at stop a WARNING), no JVM log line ([warning], [error]) and no stack trace.
     */
    static void assertQuiet(String out) {
        for (String line : out.split("\n")) {
            assertFalse(line.contains(" ERROR ") || line.contains(" WARN ") || line.startsWith("WARNING")
                    || line.startsWith("SEVERE") || line.startsWith("INFO:") || line.contains("[warning]")
                    || line.contains("[error") || line.contains("Exception"),
                    "noise on a healthy start or a clean stop: " + line + "\n" + out);
        }
    }

    static List<String> reversed(List<String> l) {
        return l.reversed();
    }
}
