package io.kdrv.examples.demo;

import io.kdrv.examples.DemoBoardFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the exported mock-board.jar exactly as a user does (timed, non-interactive) and checks what it promises:
 * every device of the board file probes, stimuli become events, each sensor's readings appear in the summary, every
 * device kthread is gone after unbind, exit code 0.
 */
class MockBoardDemoIT {
    private static final Path JAR = Path.of(System.getProperty("kdrv.demo.jar", "target/mock-board.jar"));
    /** Per device of the board file, what its summary line must show: a reading of each sensor, not NaN ("-"). */
    private static final Map<String, List<String>> READINGS = Map.ofEntries(
            Map.entry("bme0", List.of("temperature=-?\\d[^ ]* °C", "pressure=\\d[^ ]* Pa", "humidity=\\d")),
            Map.entry("pir0", List.of("motions=\\d")),
            Map.entry("buttons", List.of("pressed=")),
            Map.entry("rh0", List.of("temperature=-?\\d", "humidity=\\d")),
            Map.entry("adc0", List.of("ain0=-?\\d", "ain1=-?\\d")),
            Map.entry("oled0", List.of("shows \"kdrv mock board\" / \"hello, maker\", display on")),
            Map.entry("adc1", List.of("ch0=\\d[^ ]* V", "ch1=\\d[^ ]* V")),
            Map.entry("sonar", List.of("distance=\\d")),
            Map.entry("knob", List.of("count=-?\\d")),
            Map.entry("dht0", List.of("temperature=-?\\d", "humidity=\\d")),
            Map.entry("lcd0", List.of("shows \"kdrv on a Pi\" / \"LCD 16x2\", display on, backlight on")),
            Map.entry("pca0", List.of("channel 0: \\d{3,4} µs pulse \\((?:[3-9]|1[0-2])\\.\\d % duty\\) at 50\\.\\d\\d Hz$")),
            Map.entry("door", List.of("label=door line=expander0:1 pressed=\\w+ presses=[1-9]")),
            Map.entry("panel-keys", List.of("label=ok line=expander0:0 pressed=\\w+ presses=[1-9]")),
            Map.entry("pcf0", List.of("LCD backpack: port 0x[0-9a-f]{2} after [1-9]\\d* port writes")),
            Map.entry("expander0", List.of("GPB0 output, [1-9]\\d* interrupts")),
            Map.entry("temp-inside", List.of("temperature=\\d[^ ]* °C")),
            Map.entry("temp-outside", List.of("temperature=\\d[^ ]* °C")));

    @Test
    void timedRunPrintsEventsAndExitsCleanly(@TempDir Path dir) throws Exception {
        assertTrue(Files.isRegularFile(JAR), "exported demo jar missing: " + JAR.toAbsolutePath());
        Path log = dir.resolve("demo.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-Dgosh.args=--nointeractive", "-Dkdrv.demo.duration=4s", "-Dstdout.encoding=UTF-8",
                "-jar", JAR.toAbsolutePath().toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
        boolean exited = p.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String out = Files.readString(log, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(exited, "demo did not exit within 90 s:\n" + out);
        assertEquals(0, p.exitValue(), "demo exit code; output:\n" + out);

        assertTrue(out.contains("result: OK"), out);
        Matcher problem = Pattern.compile("(?m)^.*\\] (?:WARN|ERROR) .*$").matcher(out);
        if (problem.find()) {
            fail("a WARN/ERROR line in a clean run: " + problem.group() + "\n" + out);
        }
        assertTrue(out.contains("device kthreads alive after unbinding every device: 0"), out);
        List<String> devices = DemoBoardFile.devices();
        assertTrue(devices.containsAll(READINGS.keySet()), "board file lacks a device the test expects: " + devices);
        for (String dev : devices) {
            assertTrue(out.contains("device " + dev + " ") && out.matches("(?s).*device " + dev + "\\s+was BOUND.*"),
                    dev + " not bound:\n" + out);
        }
        READINGS.forEach((dev, expected) -> {
            Matcher line = Pattern.compile("(?m)^  reading " + Pattern.quote(dev) + " +(.*)$").matcher(out);
            assertTrue(line.find(), "no readings of " + dev + ":\n" + out);
            for (String regex : expected) {
                assertTrue(Pattern.compile(regex).matcher(line.group(1)).find(),
                        dev + ": '" + regex + "' not in its readings '" + line.group(1) + "'");
            }
        });
        assertTrue(count(out, "events kdrv/input/KEY\\s+(\\d+)") >= 4, "key events:\n" + out);
        assertTrue(count(out, "events kdrv/sensor/bme280\\s+(\\d+)") >= 3, "bme280 readings:\n" + out);
        assertTrue(count(out, "events kdrv/sensor/motion\\s+(\\d+)") >= 1, "motion events:\n" + out);
    }

    private static int count(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }
}
