package io.kdrv.examples.service;

import io.kdrv.examples.DemoBoardFile;
import static io.kdrv.examples.service.KdrvProcess.DEMO_JAR;
import static io.kdrv.examples.service.KdrvProcess.EXIT;
import static io.kdrv.examples.service.KdrvProcess.JAVA;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The kdrv CLI (examples/bin/kdrv, the shell script the .deb installs) against a running demo. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ControlCliIT {
    static final Path SCRIPT = Path.of(System.getProperty("kdrv.cli.script", "bin/kdrv"));
    static final Path TEST_DRIVER = Path.of(System.getProperty("kdrv.test.driver.jar", "missing"));
    static final String[] DEVICES = DemoBoardFile.devices().toArray(String[]::new);

    @TempDir
    Path dir;

    record Result(int code, String out, String err) {
    }

    Result kdrv(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(SCRIPT.toAbsolutePath().toString(),
                "-s", dir.resolve("kdrv-state/kdrv.sock").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().put("KDRV_JAR", DEMO_JAR.toAbsolutePath().toString());
        pb.environment().put("KDRV_JAVA", JAVA.toString());
        Path out = Files.createTempFile(dir, "cli", ".out"), err = Files.createTempFile(dir, "cli", ".err");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kdrv " + String.join(" ", args) + " did not return");
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8).strip());
    }

    @Test
    void commandsPassThroughAndBadArgumentsGetOneLine() throws Exception {
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
            p.awaitBound(DEVICES);
            p.awaitControlSocket();
            Path sock = dir.resolve("kdrv-state/kdrv.sock");
            assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));

            Result ps = kdrv("ps");
            assertEquals(0, ps.code(), ps.err());
            assertTrue(ps.out().contains("[kdrv-probe]") && ps.out().contains("[kdrv-control]"), ps.out());
            Result devs = kdrv("devices");
            for (String d : DEVICES) {
                assertTrue(devs.out().matches("(?s).*\\n" + d + "\\s+bound .*"), devs.out());
            }
            assertEquals(new Result(2, "", "kdrv unbind: expects DEVICE (see kdrv devices), got 0 argument(s)"),
                    kdrv("unbind"));
            Result gogoMissing = kdrv("kdrv:unbind");
            assertEquals(1, gogoMissing.code());
            assertEquals("kdrv: unbind: wrong arguments: got no arguments, expected one of (String) "
                    + "(kdrv help unbind)", gogoMissing.err());
            Result unknown = kdrv("unbind", "nosuch");
            assertEquals(1, unknown.code());
            assertTrue(unknown.err().startsWith("kdrv: kdrv:unbind: unknown device \"nosuch\"; known: "),
                    unknown.err());
            assertEquals(1, unknown.err().lines().count(), unknown.err());

            assertEquals(0, kdrv("unbind", "leds").code());
            assertTrue(kdrv("devices").out().matches("(?s).*\\nleds\\s+unbound .*"));
            assertEquals(0, kdrv("bind", "leds").code());
            assertTrue(kdrv("devices").out().matches("(?s).*\\nleds\\s+bound .*"));

            Result lb = kdrv("lb", "-s"); // any Gogo command
            assertTrue(lb.out().contains("kdrv-core") && lb.out().contains("kdrv-service"), lb.out());
            assertTrue(kdrv("readings").out().contains("kdrv/sensor/bme280"));
            assertEquals(new Result(1, "", "kdrv: no such command: nosuchcmd (kdrv help lists them)"),
                    kdrv("nosuchcmd"));
            assertEquals(2, kdrv("gpio", "set", "17").code());

            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
        }
        Result down = kdrv("ps");
        assertEquals(2, down.code());
        assertTrue(down.err().startsWith("kdrv: cannot reach kdrv at "), down.err());
    }

    @Test
    void theWebConsoleCanBeSwitchedOffAndBackOnAcrossRestarts() throws Exception {
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive",
                "-Dkdrv.console=off")) {
            p.awaitBound(DEVICES);
            p.awaitControlSocket();
            p.await("framework started, .*; web console off \\(kdrv.console=off\\)", Duration.ofSeconds(30));
            Result lb = kdrv("lb", "-s");
            for (String b : List.of("kdrv-web", "org.apache.felix.http.jetty")) {
                assertTrue(lb.out().matches("(?s).*\\|Resolved *\\| *6\\|" + b + " .*"),
                        b + " not Resolved:\n" + lb.out());
            }
            assertTrue(!p.output().contains("Started Jetty") && !p.output().contains("ServerConnector"),
                    "no HTTP server with the console off:\n" + p.output());
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
        }
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
            p.awaitBound(DEVICES);
            p.awaitControlSocket();
            p.await("framework started, .*after process start\\)$", Duration.ofSeconds(30)); // on again: no "off"
            p.await("Started Jetty .* at port\\(s\\) HTTP:", Duration.ofSeconds(30));
            Result lb = kdrv("lb", "-s");
            assertTrue(lb.out().matches("(?s).*\\|Active *\\| *6\\|kdrv-web .*"), lb.out());
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
        }
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dkdrv.console=maybe")) {
            assertEquals(1, p.awaitExit(Duration.ofSeconds(60)), p.output());
            assertEquals("kdrv: kdrv.console: expected on or off, got 'maybe'", p.output().strip());
        }
    }

    @Test
    void eventsFollowLive() throws Exception {
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
            p.awaitBound(DEVICES);
            p.awaitControlSocket();
            ProcessBuilder pb = new ProcessBuilder(SCRIPT.toAbsolutePath().toString(), "-s",
                    dir.resolve("kdrv-state/kdrv.sock").toString(), "events");
            pb.environment().put("KDRV_JAR", DEMO_JAR.toAbsolutePath().toString());
            pb.environment().put("KDRV_JAVA", JAVA.toString());
            Process follow = pb.redirectErrorStream(true).start();
            try (var r = follow.inputReader(StandardCharsets.UTF_8)) {
                int keys = 0;
                for (String line; keys < 2 && (line = r.readLine()) != null; ) {
                    if (line.startsWith("kdrv/input/KEY")) {
                        keys++; // the demo presses a key every second
                    }
                }
                assertEquals(2, keys);
            } finally {
                follow.destroy();
                follow.waitFor(10, TimeUnit.SECONDS);
            }
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
        }
    }

    @Test
    void deployWaitsForTheOutcomeAndRuntimeInstallsSurviveARestart() throws Exception {
        assertTrue(Files.isRegularFile(TEST_DRIVER), "test driver bundle missing: " + TEST_DRIVER);
        Path node = Files.writeString(dir.resolve("kdrv.device-t0.config"),
                "name=\"t0\"\ncompatible=[\"kdrv,test-driver\"]\n");
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
            p.awaitBound(DEVICES);
            p.awaitControlSocket();
            Result n = kdrv("deploy", node.toString());
            assertEquals(0, n.code(), n.err());
            assertTrue(n.out().contains("device t0: unbound"), n.out()); // no driver for it yet
            Result d = kdrv("deploy", TEST_DRIVER.toString());
            assertEquals(0, d.code(), d.out() + d.err());
            assertTrue(d.out().contains("bundle kdrv-itest-driver") && d.out().contains("device t0: bound"),
                    d.out());
            assertEquals(2, kdrv("deploy", dir.resolve("nosuch.jar").toString()).code());
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
        }
        // the deploy/ copies and the bundle cache come back; no new install of the jar's own bundles
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
            p.awaitBound("buttons", "leds", "bme0", "pir0", "t0");
            Result lb = kdrv("lb", "-s");
            assertTrue(lb.out().contains("kdrv-itest-driver"), lb.out());
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
        }
    }
}
