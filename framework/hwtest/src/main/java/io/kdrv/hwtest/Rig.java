package io.kdrv.hwtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * What the VM's /init set up, for tests running inside the VM (read from the environment, or from
 * {@code /run/hwtest.env}): the gpio-sim chips, the i2c-stub bus, the spidev node of a bit-banged SPI controller, and
 * small helpers to drive them.
 *
 * <p>Chip A is labelled {@code pinctrl-bcm2711} with 28 lines named GPIO0..GPIO27 (it looks like a Raspberry Pi 4's
 * GPIO chip to label-based selection); chip B is labelled {@code kdrv-sim-b} with 8 lines, only lines 0-3 named
 * (B0..B3). The i2c-stub answers at {@link #I2C_ADDR} on bus {@link #i2cBus()} (SMBus transfers only).
 * Unrequested sim lines are inputs pulled down at boot. Tests share one boot: a test that changes a pull puts it
 * back, or uses lines no other test uses.
 *
 * <p>All methods are thread-safe; each throws {@link IllegalStateException} naming the key outside the VM.
 */
public final class Rig {
  /** The i2c-stub's chip address. */
  public static final int I2C_ADDR = 0x76;

  private static final Path ENV_FILE = Path.of("/run/hwtest.env");
  private static final Map<String, String> FILE_ENV = readEnvFile();

  private Rig() {}

  /** The value of an HWTEST_* key set by the VM's /init; fails clearly when not running in the VM. */
  public static String env(String key) {
    String v = System.getenv(key);
    if (v == null) {
      v = FILE_ENV.get(key);
    }
    if (v == null) {
      throw new IllegalStateException(key + " is not set: not running inside the hwtest VM? "
          + "(framework/hwtest/run.sh boots it; /init writes " + ENV_FILE + ")");
    }
    return v;
  }

  /** Chip A: {@code pinctrl-bcm2711}, 28 lines GPIO0..GPIO27. */
  public static SimChip chipA() {
    return SimChip.of("HWTEST_CHIP_A");
  }

  /** Chip B: {@code kdrv-sim-b}, 8 lines, lines 0-3 named B0..B3. */
  public static SimChip chipB() {
    return SimChip.of("HWTEST_CHIP_B");
  }

  /** The i2c-stub adapter's bus number N ({@code /dev/i2c-N}). */
  public static int i2cBus() {
    return Integer.parseInt(env("HWTEST_I2C_BUS"));
  }

  /** The i2c-stub adapter's character device. */
  public static Path i2cDev() {
    return Path.of(env("HWTEST_I2C_DEV"));
  }

  /** The SPI bus of the spi-lm70llp controller on the emulated parallel port ({@code /dev/spidevB.C}). */
  public static int spiBus() {
    return Integer.parseInt(env("HWTEST_SPI_BUS"));
  }

  /** The chip select spidev is bound to on {@link #spiBus()}. */
  public static int spiChipSelect() {
    return Integer.parseInt(env("HWTEST_SPI_CS"));
  }

  /** The spidev node of {@link #spiBus()}.{@link #spiChipSelect()}. */
  public static Path spiDev() {
    return Path.of(env("HWTEST_SPI_DEV"));
  }

  /** The SPI device's sysfs directory; its {@code statistics/} count messages and bytes the SPI core moved. */
  public static Path spiSys() {
    return Path.of(env("HWTEST_SPI_SYS"));
  }

  /** A writable directory the host can read after the run (run.sh's output directory). */
  public static Path out() {
    return Path.of(env("HWTEST_OUT"));
  }

  /** A gpio-sim chip: its character device, label and the sysfs directory with the sim_gpioN stimulus files. */
  public record SimChip(Path dev, String name, String label, int lines, Path sim) {
    static SimChip of(String prefix) {
      return new SimChip(Path.of(env(prefix + "_DEV")), env(prefix + "_NAME"), env(prefix + "_LABEL"),
          Integer.parseInt(env(prefix + "_LINES")), Path.of(env(prefix + "_SIM")));
    }

    /**
     * Sets the simulated pull of a line (the level an input reads; ignored while a consumer drives the line as an
     * output). An edge event happens only when the level really changes. Does not block beyond the sysfs write.
     */
    public void pull(int line, boolean up) {
      Path f = sim.resolve("sim_gpio" + line).resolve("pull");
      try {
        Files.writeString(f, up ? "pull-up" : "pull-down");
      } catch (IOException e) {
        throw new UncheckedIOException("gpio-sim " + label + " line " + line + ": writing " + f, e);
      }
    }

    /** The line's current level as gpio-sim sees it (0 or 1): the pull for inputs, the driven value for outputs. */
    public int value(int line) {
      Path f = sim.resolve("sim_gpio" + line).resolve("value");
      try {
        return Integer.parseInt(Files.readString(f).trim());
      } catch (IOException e) {
        throw new UncheckedIOException("gpio-sim " + label + " line " + line + ": reading " + f, e);
      }
    }
  }

  /** The result of {@link #exec}: exit status and the merged stdout and stderr. */
  public record Result(int exit, String output) {}

  /**
   * Runs a command of the guest (e.g. gpioinfo, i2cset) to completion and returns its exit status and output.
   * Blocks up to {@code timeout}, then kills the command and throws {@link AssertionError}; interruptible.
   */
  public static Result exec(Duration timeout, String... command) throws InterruptedException {
    Path log = tempFile();
    try {
      Process p = start(log, command);
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
            + "; output so far: " + Files.readString(log));
      }
      return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("running " + List.of(command), e);
    } finally {
      deleteQuietly(log);
    }
  }

  /** Starts a command of the guest with stdout and stderr merged into {@code log}; does not wait. */
  public static Process start(Path log, String... command) throws IOException {
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Polls {@code condition} every few milliseconds until it holds; throws {@link AssertionError} naming
   * {@code what} when it still does not hold after {@code bound}. Blocks; interruptible.
   */
  public static void await(Duration bound, String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("not within " + bound + ": " + what);
      }
      Thread.sleep(5);
    }
  }

  /** A fresh file under /tmp (the guest's tmpfs). */
  public static Path tempFile() {
    try {
      return Files.createTempFile("hwtest", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException("creating a temp file in " + System.getProperty("java.io.tmpdir"), e);
    }
  }

  private static void deleteQuietly(Path f) {
    try {
      Files.deleteIfExists(f);
    } catch (IOException ignored) {
      // a leftover file in the guest's tmpfs dies with the VM
    }
  }

  private static Map<String, String> readEnvFile() {
    Map<String, String> m = new HashMap<>();
    try {
      for (String line : Files.readAllLines(ENV_FILE)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          m.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    } catch (IOException absent) {
      // outside the VM: env() reports the missing key
    }
    return Map.copyOf(m);
  }
}
