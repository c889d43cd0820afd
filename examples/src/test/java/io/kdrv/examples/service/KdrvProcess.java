package io.kdrv.examples.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One kdrv jar run as a user runs it: its own process, output to a log file, bounded waits on that output. */
final class KdrvProcess implements AutoCloseable {
    static final Path DEMO_JAR = Path.of(System.getProperty("kdrv.demo.jar", "target/mock-board.jar"));
    static final Path PI_JAR = Path.of(System.getProperty("kdrv.pi.jar", "target/raspberrypi.jar"));
    static final Path JAVA = Path.of(System.getProperty("java.home"), "bin", "java");
    static final Duration BOOT = Duration.ofSeconds(60), EXIT = Duration.ofSeconds(60);

    final Process process;
    final Path log;

    private KdrvProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code java <jvmArgs> -jar jar} in {@code dir}; stdin is a pipe (write to it with {@link #type}). */
    static KdrvProcess start(Path java, Path jar, Path dir, String... jvmArgs) throws IOException {
        assertTrue(Files.isRegularFile(jar), "exported jar missing: " + jar.toAbsolutePath());
        Files.createDirectories(dir);
        Path log = Files.createTempFile(dir, "kdrv", ".log");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--sun-misc-unsafe-memory-access=allow"));
        cmd.add("-Dorg.osgi.service.http.port=0"); // any free port: parallel builds on this machine use 8080 too
        if (java.equals(JAVA)) {
            cmd.add("-XX:-UsePerfData"); // no hsperfdata file in /tmp (the unit sets it too)
        } else {
            cmd.remove(1);
        }
        cmd.add("-Dstdout.encoding=UTF-8"); // the log is read as UTF-8 (°C, µs) whatever the locale
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-jar", jar.toAbsolutePath().toString()));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        return new KdrvProcess(p, log);
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits until the output matches {@code regex} (MULTILINE), failing with the output when it does not. */
    Matcher await(String regex, Duration timeout) throws IOException {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            String out = output();
            Matcher m = p.matcher(out);
            if (m.find()) {
                return m;
            }
            if (!process.isAlive()) {
                throw new AssertionError("process exited (" + process.exitValue() + ") before /" + regex
                        + "/ appeared:\n" + out);
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("/" + regex + "/ did not appear within " + timeout + ":\n" + out);
            }
            LockSupport.parkNanos(50_000_000L); // bounded polling of a file written by another process
        }
    }

    /** Waits until every device in {@code names} is bound. */
    void awaitBound(String... names) throws IOException {
        for (String n : names) {
            await("device " + Pattern.quote(n) + ": bound to driver", BOOT);
        }
    }

    /**
     * Waits until the control socket is up. It starts at level 6, after the devices settled (launcher.SettleGate),
     * so a bound device does not mean the socket is there yet.
     */
    void awaitControlSocket() throws IOException {
        await("control socket .* \\(mode 0660\\)", BOOT);
    }

    void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -s " + name + " failed");
    }

    void type(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Waits for the exit; fails (with the output) when the process is still running after {@code timeout}. */
    int awaitExit(Duration timeout) throws IOException, InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError("process did not exit within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** Names in the order the lines matching {@code regex} (group 1 = name) appear. */
    List<String> names(String regex) throws IOException {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(output());
        List<String> r = new ArrayList<>();
        while (m.find()) {
            r.add(m.group(1));
        }
        return r;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
