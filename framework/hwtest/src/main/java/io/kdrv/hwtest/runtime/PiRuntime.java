package io.kdrv.hwtest.runtime;

import io.kdrv.drivers.bme280.Bme280Calibration;
import io.kdrv.hwtest.Rig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code examples/target/raspberrypi.jar} run as a child JVM of the guest, in its own working directory on the
 * guest's tmpfs (its state directory is {@code state/} there, created by the launcher, so {@code state/deploy/} is
 * FileInstall's directory), observed from outside: its log file, its web API on loopback ({@code /kdrv/api/...},
 * plain {@link HttpURLConnection}: no client threads in the test JVM) and {@code /proc/<pid>/task/<tid>/comm} (the JVM names native threads after the kthreads, cut to 15 characters).
 *
 * <p>{@link #shared()} is thread-safe; the instance methods are not: one test class drives the runtime.
 */
public final class PiRuntime implements AutoCloseable {
  /** The test class that uses this runtime (GuestMain starts it early when that class is selected). */
  public static final String TEST_CLASS = "io.kdrv.hwtest.runtime.RaspberryPiRuntimeTest";
  static final int HTTP_PORT = 8080;
  static final int BUTTON = 17;
  static final int LED = 18;
  static final int HOTPLUG = 20;

  private static PiRuntime shared; // guarded by PiRuntime.class
  private static RuntimeException sharedFailure; // guarded by PiRuntime.class

  private final Path dir;
  private final Path log;
  private final Process process;

  private final long startedNanos;

  private PiRuntime(Path dir, Path log, Process process, long startedNanos) {
    this.dir = dir;
    this.log = log;
    this.process = process;
    this.startedNanos = startedNanos;
  }

  /**
   * Starts the shared runtime now, so that its boot (about a minute under TCG) overlaps the tests that run before
   * {@link RaspberryPiRuntimeTest}; GuestMain calls it when that class is selected. Does not wait for the boot; a
   * failure is kept and thrown by {@link #shared()}. Blocks for the preparation only (a few guest commands).
   */
  public static void startEarly() {
    try {
      shared();
    } catch (RuntimeException e) {
      System.out.println("PiRuntime: early start failed (RaspberryPiRuntimeTest will report it): " + e);
    }
  }

  /**
   * The runtime for {@link RaspberryPiRuntimeTest}, started on first use: brings the guest's loopback up (the web
   * API listens on 127.0.0.1), presets i2c-stub as a BME280, sets the pulls of the lines the board file names (the
   * active-low button released = high), writes the board file and starts the JVM.
   */
  static synchronized PiRuntime shared() {
    if (sharedFailure != null) {
      throw sharedFailure;
    }
    if (shared == null) {
      try {
        shared = prepareAndStart();
      } catch (IOException | RuntimeException | InterruptedException | AssertionError e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        sharedFailure = new IllegalStateException("starting raspberrypi.jar in the guest failed: " + e, e);
        throw sharedFailure;
      }
    }
    return shared;
  }

  private static PiRuntime prepareAndStart() throws IOException, InterruptedException {
    Rig.Result lo = Rig.exec(Duration.ofSeconds(10), "ip", "link", "set", "lo", "up");
    if (lo.exit() != 0) {
      throw new IllegalStateException("ip link set lo up: " + lo.output());
    }
    presetBme280();
    Rig.SimChip a = Rig.chipA();
    a.pull(BUTTON, true);
    a.pull(LED, false);
    a.pull(HOTPLUG, false);
    Path dir = Files.createTempDirectory("kdrv-runtime");
    Path board = dir.resolve("board.json");
    Files.writeString(board, """
        { "devices": [
          { "name": "button0", "compatible": ["gpio-keys"], "gpios": [%d], "labels": ["button"], "debounce-ms": 10,
            "active-low": true },
          { "name": "led0", "compatible": ["gpio-leds"], "gpios": [%d], "labels": ["blink"], "trigger": "timer",
            "delay-on-ms": 150, "delay-off-ms": 150 },
          { "name": "bme0", "compatible": ["bosch,bme280"], "i2c-bus": %d, "reg": "0x76", "poll-ms": 500 },
          { "name": "hot0", "compatible": ["kdrv,test-driver"], "gpios": [%d], "irq": true },
          { "name": "adc0", "compatible": ["microchip,mcp3008"], "spi-bus": %d, "spi-cs": %d,
            "spi-max-frequency": 50000000, "channels": [0, 1], "poll-ms": 200 }
        ] }
        """.formatted(BUTTON, LED, Rig.i2cBus(), HOTPLUG, Rig.spiBus(), Rig.spiChipSelect()));
    return start(dir, board);
  }

  /** i2c-stub at 0x76 as a BME280: chip id, status idle, the datasheet's calibration (as drivers/bme280's sim). */
  private static void presetBme280() throws InterruptedException {
    Bme280Calibration cal = new Bme280Calibration(27504, 26435, -1000, 36477, -10685, 3024, 2855, 140, -7, 15500,
        -14600, 6000, 75, 362, 0, 313, 50, 30);
    i2cset(0xD0, new byte[] {0x60});
    i2cset(0xF3, new byte[] {0});
    i2cset(0x88, cal.block1());
    i2cset(0xE1, cal.block2());
  }

  private static void i2cset(int reg, byte[] values) throws InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("i2cset", "-y", Integer.toString(Rig.i2cBus()),
        "0x" + Integer.toHexString(Rig.I2C_ADDR), String.format("0x%02x", reg)));
    for (byte b : values) {
      cmd.add(String.format("0x%02x", b & 0xff));
    }
    if (values.length > 1) {
      cmd.add("i"); // I2C block data write (i2c-stub has it)
    }
    Rig.Result r = Rig.exec(Duration.ofSeconds(10), cmd.toArray(String[]::new));
    if (r.exit() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + ": " + r.output());
    }
  }

  /** Milliseconds since the JVM was started. */
  long ageMillis() {
    return (System.nanoTime() - startedNanos) / 1_000_000;
  }

  /**
   * Starts the runtime with {@code boardFile} on platform {@code raspberrypi}; does not wait for it to boot.
   * FileInstall polls {@code deploy/} every 50 ms (the jar's 1 s would make 100 hot-plug cycles take minutes).
   */
  private static PiRuntime start(Path dir, Path boardFile) throws IOException {
    Path jar = Path.of(Rig.env("HWTEST_PROJECT"), "examples/target/raspberrypi.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " missing: build examples (./mvnw -B package -pl framework/hwtest -am)");
    }
    // the runtime keeps its bundle cache, configuration and deploy/ in its state directory (framework/runtime)
    List<String> cmd = new ArrayList<>();
    // niced a little: the test classes before RaspberryPiRuntimeTest keep the vCPUs they need (busybox nice)
    cmd.addAll(List.of("nice", "-n", "5"));
    cmd.add(Rig.env("HWTEST_JAVA"));
    cmd.addAll(List.of(Rig.env("HWTEST_JAVA_OPTS").trim().split("\\s+")));
    cmd.addAll(List.of("-Djava.io.tmpdir=" + dir, "-Dkdrv.state.dir=" + dir.resolve("state"),
        "-Dkdrv.board.platform=raspberrypi",
        "-Dkdrv.board.file=" + boardFile, "-Dfelix.fileinstall.poll=50",
        "-Dorg.osgi.service.http.port=" + HTTP_PORT, "-jar", jar.toString()));
    Path log = dir.resolve("runtime.log");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    return new PiRuntime(dir, log, p, t0);
  }

  Path dir() {
    return dir;
  }

  Process process() {
    return process;
  }

  /** Everything the runtime printed so far (slf4j-simple logs to stderr, merged). */
  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + log, e);
    }
  }

  /**
   * GET {@code /kdrv/api/<path>} on loopback; the body, or {@code null} while the runtime does not answer (not up
   * yet, or HTTP not started). Blocks at most about 5 s.
   */
  String get(String path) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + HTTP_PORT + "/kdrv/api/" + path)
          .toURL().openConnection();
      c.setConnectTimeout(2000);
      c.setReadTimeout(3000);
      try {
        if (c.getResponseCode() != 200) {
          return null;
        }
        try (InputStream in = c.getInputStream()) {
          return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
      } finally {
        c.disconnect();
      }
    } catch (IOException notUp) {
      return null;
    }
  }

  /**
   * POST {@code /kdrv/api/<path>} with an empty JSON body; the HTTP status and body (-1 and the error when the
   * runtime does not answer). Blocks at most about 30 s (a bind or unbind answers after probe or remove).
   */
  Rig.Result post(String path) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + HTTP_PORT + "/kdrv/api/" + path)
          .toURL().openConnection();
      c.setConnectTimeout(2000);
      c.setReadTimeout(30_000);
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try {
        c.getOutputStream().write("{}".getBytes(StandardCharsets.UTF_8));
        int code = c.getResponseCode();
        InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
        String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Rig.Result(code, body);
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return new Rig.Result(-1, e.toString());
    }
  }

  /** The runtime's thread names as the kernel shows them ({@code comm}, at most 15 characters). */
  List<String> threadNames() {
    List<String> names = new ArrayList<>();
    Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
    try (var s = Files.list(tasks)) {
      for (Path t : s.toList()) {
        try {
          names.add(Files.readString(t.resolve("comm")).trim());
        } catch (IOException exited) {
          // the thread ended between list and read
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("listing " + tasks, e);
    }
    return names;
  }

  /** Writes {@code jar} into {@code deploy/} atomically (FileInstall must never see half a jar). */
  void deploy(Path jar, String name) throws IOException {
    Path tmp = dir.resolve(name + ".part");
    Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmp, dir.resolve("state").resolve("deploy").resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  void undeploy(String name) throws IOException {
    Files.delete(dir.resolve("state").resolve("deploy").resolve(name));
  }

  /** SIGTERM, then waits up to {@code bound} for the JVM to exit; its exit status, or -1 if it did not. */
  int terminate(Duration bound) throws InterruptedException {
    process.destroy();
    return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
  }

  /** Kills the runtime if it still runs and keeps its log in the host's output directory. */
  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
    try {
      Files.copy(log, Rig.out().resolve("runtime.log"), StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      System.out.println("PiRuntime: could not copy " + log + " to the output directory: " + e);
    }
  }
}
