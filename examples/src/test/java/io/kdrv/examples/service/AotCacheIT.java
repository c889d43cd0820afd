package io.kdrv.examples.service;

import static io.kdrv.examples.service.KdrvProcess.EXIT;
import static io.kdrv.examples.service.KdrvProcess.JAVA;
import static io.kdrv.examples.service.KdrvProcess.PI_JAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package's AOT cache path, as the package runs it: {@code deb/kdrv-aot} (the postinst's training run)
 * writes a cache for the Pi jar with the unit's JVM options file, and the jar then starts with the unit's options, the
 * cache and {@code -XX:AOTMode=on} (a cache the JVM cannot use would end the process), binds its devices and stops
 * quietly. Also: the unit's options file is one the JVM accepts.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AotCacheIT {
    static final Path SCRIPT = Path.of(System.getProperty("kdrv.aot.script", "deb/kdrv-aot"));
    static final Path OPTIONS = Path.of(System.getProperty("kdrv.jvm.options", "systemd/kdrv.jvm-options"));

    @TempDir
    Path dir;

    @Test
    void kdrvAotWritesACacheThePiJarStartsWith() throws Exception {
        Path board = dir.resolve("board.json");
        Files.writeString(board, """
                { "devices": [
                  { "name": "buttons", "compatible": ["gpio-keys"], "gpios": [17, 27], "codes": [28, 1] },
                  { "name": "leds", "compatible": ["gpio-leds"], "gpios": [18, 23], "trigger": "heartbeat" } ] }
                """);
        Path cache = dir.resolve("cache/kdrv.aot");
        ProcessBuilder pb = new ProcessBuilder("sh", SCRIPT.toAbsolutePath().toString(), cache.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("aot.log").toFile());
        pb.environment().putAll(Map.of("KDRV_JAVA", JAVA.toString(),
                "KDRV_JAR", PI_JAR.toAbsolutePath().toString(), "KDRV_JVM_OPTIONS", OPTIONS.toAbsolutePath().toString(),
                "KDRV_BOARD_FILE", board.toString()));
        Process train = pb.start();
        assertTrue(train.waitFor(240, TimeUnit.SECONDS), "kdrv-aot hung");
        String trainLog = Files.readString(dir.resolve("aot.log"), StandardCharsets.UTF_8);
        assertEquals(0, train.exitValue(), trainLog);
        assertTrue(trainLog.startsWith("kdrv-aot: AOT cache " + cache), trainLog);
        assertTrue(Files.size(cache) > 1_000_000, "cache size " + Files.size(cache));
        try (var left = Files.list(cache.getParent())) {
            assertEquals(List.of(cache), left.toList(), "the training directory is removed");
        }

        List<String> args = new ArrayList<>(List.of("@" + OPTIONS.toAbsolutePath(), "-XX:AOTCache=" + cache,
                "-XX:AOTMode=on", "-Dkdrv.state.dir=" + dir.resolve("state"), "-Dkdrv.board.platform=mock",
                "-Dkdrv.board.file=" + board));
        try (KdrvProcess p = KdrvProcess.start(JAVA, PI_JAR, dir, args.toArray(String[]::new))) {
            p.awaitBound("buttons", "leds");
            p.signal("TERM");
            assertEquals(0, p.awaitExit(EXIT), p.output());
            assertTrue(p.output().contains("kdrv core shutdown: 2 devices removed"), p.output());
            ServiceStopIT.assertQuiet(p.output());
        }
    }
}
