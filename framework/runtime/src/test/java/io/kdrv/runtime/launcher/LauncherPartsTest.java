package io.kdrv.runtime.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherPartsTest {
    @TempDir
    Path dir;

    @Test
    void javaFeatureVersionFromTheSpecificationVersion() {
        assertEquals(8, JavaCheck.feature("1.8"));
        assertEquals(17, JavaCheck.feature("17"));
        assertEquals(25, JavaCheck.feature("25"));
        assertEquals(26, JavaCheck.feature("26.0.1"));
        assertEquals(0, JavaCheck.feature("x"));
    }

    @Test
    void startLevelsFromBndRunbundleAttributes() {
        assertEquals(Map.of("kdrv-core", 5, "slf4j.api", 2, "a", 3), FelixRunner.startLevels(
                "kdrv-core;version=\"0.1.0.2026\";startlevel=5,slf4j.api;version=\"2.0.17\";startlevel=2,"
                        + "a;startlevel=3,b;version=\"1,2\""));
        assertEquals(Map.of(), FelixRunner.startLevels(""));
    }

    @Test
    void stopTimeoutParsesAndNamesThePropertyWhenBad() {
        assertEquals(Duration.ofSeconds(25), FelixRunner.parseDuration("25s", Duration.ZERO));
        assertEquals(Duration.ofMillis(1500), FelixRunner.parseDuration("1500ms", Duration.ZERO));
        assertEquals(Duration.ofMinutes(1), FelixRunner.parseDuration("1m", Duration.ZERO));
        assertEquals(Duration.ofSeconds(7), FelixRunner.parseDuration(" ", Duration.ofSeconds(7)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FelixRunner.parseDuration("soon", Duration.ZERO));
        assertTrue(e.getMessage().contains("kdrv.stop.timeout") && e.getMessage().contains("soon"));
    }

    @Test
    void theConsoleSwitchIsOnOrOffAndNamesABadValue() {
        String bundles = "kdrv-web, org.apache.felix.http.jetty,,org.apache.felix.http.servlet-api";
        assertEquals(java.util.Set.of(), FelixRunner.consoleBundlesOff("on", bundles));
        assertEquals(java.util.Set.of("kdrv-web", "org.apache.felix.http.jetty", "org.apache.felix.http.servlet-api"),
                FelixRunner.consoleBundlesOff(" off", bundles));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FelixRunner.consoleBundlesOff("no", bundles));
        assertEquals("kdrv.console: expected on or off, got 'no'", e.getMessage());
    }

    @Test
    void settleGateLowersTheBeginningLevelOnlyWhenItApplies() {
        java.util.HashMap<String, String> props = new java.util.HashMap<>(Map.of(
                "org.osgi.framework.startlevel.beginning", "8", SettleGate.CONDITION, "kdrv.devices.settled",
                SettleGate.LEVEL, "5", SettleGate.TIMEOUT, "2s"));
        SettleGate gate = SettleGate.from(props);
        assertEquals(5, gate.level());
        assertEquals(8, gate.beginning());
        assertEquals("5", props.get("org.osgi.framework.startlevel.beginning"));

        // no condition, or a level not below the beginning level: one start, properties untouched
        Map<String, String> none = new java.util.HashMap<>(Map.of("org.osgi.framework.startlevel.beginning", "8"));
        assertEquals(null, SettleGate.from(none));
        Map<String, String> high = new java.util.HashMap<>(Map.of("org.osgi.framework.startlevel.beginning", "5",
                SettleGate.CONDITION, "x", SettleGate.LEVEL, "5"));
        assertEquals(null, SettleGate.from(high));
        assertEquals("5", high.get("org.osgi.framework.startlevel.beginning"));

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> SettleGate.from(
                new java.util.HashMap<>(Map.of(SettleGate.CONDITION, "x", SettleGate.LEVEL, "five"))));
        assertTrue(bad.getMessage().contains(SettleGate.LEVEL) && bad.getMessage().contains("five"), bad::getMessage);
        IllegalArgumentException badTime = assertThrows(IllegalArgumentException.class, () -> SettleGate.from(
                new java.util.HashMap<>(Map.of("org.osgi.framework.startlevel.beginning", "8", SettleGate.CONDITION,
                        "x", SettleGate.LEVEL, "5", SettleGate.TIMEOUT, "soon"))));
        assertTrue(badTime.getMessage().contains(SettleGate.TIMEOUT) && badTime.getMessage().contains("soon"),
                badTime::getMessage);
    }

    @Test
    void stateDirectoryIsOwnerOnlyLockedAndClearsTmp() throws Exception {
        Path state = dir.resolve("state");
        Files.createDirectories(state.resolve("tmp/fileinstall-1"));
        Files.writeString(state.resolve("tmp/fileinstall-1/x"), "left by a killed process");
        try (StateDir s = StateDir.lock(state)) {
            assertEquals(state, s.path());
            for (String d : new String[] {"", "cache", "config", "deploy", "lib", "tmp"}) {
                assertEquals("rwx------", PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(state.resolve(d))), d);
            }
            assertTrue(Files.readString(state.resolve("lock")).strip().equals(
                    Long.toString(ProcessHandle.current().pid())));
            try (var l = Files.list(state.resolve("tmp"))) {
                assertEquals(0, l.count());
            }
            // the same JVM again: FileChannel.tryLock throws OverlappingFileLockException, reported the same way
            StateDir.StateDirException e = assertThrows(StateDir.StateDirException.class, () -> StateDir.lock(state));
            assertTrue(e.getMessage().startsWith("state directory " + state + " is in use by another kdrv (pid "),
                    e.getMessage());
        }
        try (StateDir again = StateDir.lock(state)) {
            assertEquals(state, again.path()); // released on close
        }
    }

    @Test
    void stateDirectoryChoiceSystemPropertyFirst() {
        Properties launch = new Properties();
        launch.setProperty("kdrv.state.dir", "/var/lib/kdrv");
        String old = System.getProperty("kdrv.state.dir");
        try {
            System.setProperty("kdrv.state.dir", dir.toString());
            assertEquals(dir, StateDir.choose(launch));
            System.clearProperty("kdrv.state.dir");
            if (System.getenv("KDRV_STATE_DIR") == null) {
                assertEquals(Path.of("/var/lib/kdrv"), StateDir.choose(launch));
                assertEquals(Path.of("kdrv-state").toAbsolutePath(), StateDir.choose(new Properties()));
            }
        } finally {
            if (old != null) {
                System.setProperty("kdrv.state.dir", old);
            }
        }
    }
}
