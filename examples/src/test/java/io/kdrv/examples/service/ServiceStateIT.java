package io.kdrv.examples.service;

import io.kdrv.examples.DemoBoardFile;
import static io.kdrv.examples.service.KdrvProcess.DEMO_JAR;
import static io.kdrv.examples.service.KdrvProcess.EXIT;
import static io.kdrv.examples.service.KdrvProcess.JAVA;
import static io.kdrv.examples.service.KdrvProcess.PI_JAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The state directory, the single-instance lock and the start-up checks, at process level. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServiceStateIT {
    static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
    static final String[] DEVICES = DemoBoardFile.devices().toArray(String[]::new);

    @TempDir
    Path dir;

    @Test
    void java17GetsOneLineAndExitCode1() throws Exception {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 at " + JAVA_17);
        for (Path jar : List.of(PI_JAR, DEMO_JAR)) {
            try (KdrvProcess p = KdrvProcess.start(JAVA_17, jar, dir)) {
                assertEquals(1, p.awaitExit(Duration.ofSeconds(30)), p.output());
                assertEquals("kdrv needs Java 25 or newer; " + JAVA_17.getParent().getParent() + "/bin/java is 17",
                        p.output().strip().replaceAll(" is 17[.0-9]*$", " is 17"), p.output());
            }
        }
        assertTrue(listState().isEmpty(), "Java 17 must not create state: " + listState());
    }

    @Test
    void stateSurvivesARestartAndIsOwnerOnly() throws Exception {
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
            p.awaitBound(DEVICES);
            p.await("board file .*: " + DEVICES.length + " devices \\(" + DEVICES.length + " new or changed", Duration.ofSeconds(10));
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
        }
        Path state = dir.resolve("kdrv-state");
        for (String d : List.of("", "cache", "config", "deploy", "lib")) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve(d))),
                    "mode of " + state.resolve(d));
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("lock"))));
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
            p.awaitBound(DEVICES);
            // Configuration Admin kept the nodes: the board file finds nothing new
            p.await("board file .*: " + DEVICES.length + " devices \\(0 new or changed", Duration.ofSeconds(10));
            // Two-step start (launcher.SettleGate): the kdrv.devices.settled condition comes after every device
            // bound, and only then do the level-6 bundles start (the control socket's line).
            int settled = p.await("devices settled \\(" + DEVICES.length + " bound, 0 deferred\\)", Duration.ofSeconds(10))
                    .start();
            int socket = p.await("control socket .* \\(mode 0660\\)", Duration.ofSeconds(30)).start();
            String out = p.output();
            for (String d : DEVICES) {
                int bound = out.indexOf("device " + d + ": bound to driver");
                assertTrue(bound >= 0 && bound < settled, d + " bound before the devices settled:\n" + out);
            }
            assertTrue(settled < socket, "the control socket (level 6) after the devices settled:\n" + out);
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
        }
    }

    @Test
    void aBadSettleTimeoutGetsOneLineNamingItAndExitCode1() throws Exception {
        try (KdrvProcess p = KdrvProcess.start(JAVA, PI_JAR, dir, "-Dkdrv.settle.timeout=soon",
                "-Dkdrv.board.platform=mock", "-Dkdrv.state.dir=" + dir.resolve("pi-state"))) {
            assertEquals(1, p.awaitExit(Duration.ofSeconds(60)), p.output());
            assertEquals("kdrv: kdrv.settle.timeout: cannot parse 'soon' (examples: 20s, 1500ms, 1m)",
                    p.output().strip(), p.output());
        }
    }

    @Test
    void aSecondInstanceOnTheSameStateIsRefused() throws Exception {
        try (KdrvProcess first = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
            first.awaitBound(DEVICES);
            try (KdrvProcess second = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
                assertEquals(1, second.awaitExit(Duration.ofSeconds(60)), second.output());
                assertEquals("kdrv: state directory " + dir.resolve("kdrv-state") + " is in use by another kdrv (pid "
                        + first.process.pid() + "); stop it first, or give this one its own with -Dkdrv.state.dir=DIR"
                        + " or KDRV_STATE_DIR", second.output().strip());
            }
            assertTrue(first.process.isAlive(), "the first instance must keep running");
            first.signal("TERM");
            assertEquals(0, first.awaitExit(EXIT), first.output());
        }
    }

    @Test
    void aKilledProcessLeavesNothingInTmpAndRestarts() throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive",
                "-Djava.io.tmpdir=" + tmp)) {
            p.awaitBound(DEVICES);
            p.signal("KILL");
            assertEquals(137, p.awaitExit(EXIT));
        }
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of(), s.toList(), "left in java.io.tmpdir after kill -9");
        }
        try (KdrvProcess p = KdrvProcess.start(JAVA, DEMO_JAR, dir, "-Dgosh.args=--nointeractive")) {
            p.awaitBound(DEVICES); // the lock died with the killed process
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
        }
    }

    private List<Path> listState() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> !f.getFileName().toString().endsWith(".log")).toList();
        }
    }
}
