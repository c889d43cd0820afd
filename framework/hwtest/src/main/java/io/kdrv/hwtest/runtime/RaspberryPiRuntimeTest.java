package io.kdrv.hwtest.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.linux.GpioChip;
import io.kdrv.board.linux.GpioLineInfo;
import io.kdrv.board.linux.LineConfig;
import io.kdrv.hwtest.Rig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The real runtime on real (simulated) lines: {@code examples/target/raspberrypi.jar} in a child JVM finds the sim
 * chip labelled {@code pinctrl-bcm2711} as a Raspberry Pi's GPIO chip and binds a board file's gpio-keys,
 * leds-gpio (timer trigger) and bme280 (on i2c-stub, registers preset); then 100 hot-plug cycles of a driver bundle
 * holding a line and an IRQ through FileInstall's {@code deploy/}; then SIGTERM. Everything is observed from outside
 * the runtime's JVM: gpio-sim's sysfs, the kernel's line info, {@code /proc}, the runtime's log and its web API on
 * loopback (which also unbinds and binds the LED).
 *
 * <p>One runtime for the whole class (its boot takes about a minute under TCG, so GuestMain starts it before the
 * other classes run, see {@link PiRuntime#startEarly()}): the tests run in order and each builds on the state the
 * previous one left.
 */
@Order(Integer.MAX_VALUE - 1) // after the other classes (GuestMain orders classes by @Order), before the benchmark
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RaspberryPiRuntimeTest {
  private static final int BUTTON = PiRuntime.BUTTON;
  private static final int LED = PiRuntime.LED;
  private static final int HOTPLUG = PiRuntime.HOTPLUG;
  private static final int CYCLES = 100;
  private static final Duration BOOT = Duration.ofSeconds(240); // 1-2.5 min seen on a loaded host
  private static final Duration BOUND = Duration.ofSeconds(20);
  private static final Pattern STATE = Pattern.compile("\"state\"\\s*:\\s*\"(\\w+)\"");

  private final Rig.SimChip a = Rig.chipA();
  private PiRuntime rt;
  private GpioChip chip;

  @BeforeAll
  @Timeout(270) // the boot bound below, beyond the default 60 s
  void theRuntimeBootsAndBindsItsDevices() throws Exception {
    rt = PiRuntime.shared(); // usually started by GuestMain before the other test classes ran
    chip = GpioChip.open(a.dev());
    Rig.await(BOOT, "raspberrypi.jar binds button0, led0, bme0 and adc0 (log: " + rt.dir().resolve("runtime.log")
        + ")", () -> !rt.process().isAlive() || ("BOUND".equals(state("button0")) && "BOUND".equals(state("led0"))
            && "BOUND".equals(state("bme0")) && "BOUND".equals(state("adc0"))));
    assertTrue(rt.process().isAlive(), "raspberrypi.jar exited with " + exitOf(rt) + ":\n" + rt.log());
    System.out.printf("RUNTIME raspberrypi.jar: JVM start to every device BOUND (seen through the web API): within"
        + " %d ms%n", rt.ageMillis());
  }

  @AfterAll
  void stopTheRuntime() throws IOException {
    try {
      if (rt != null) {
        rt.close();
      }
    } finally {
      if (chip != null) {
        chip.close();
      }
      a.pull(BUTTON, false);
    }
  }

  @Test
  @Order(1)
  void theRaspberryPiPlatformFindsTheChipByLabelAndEveryDeviceHoldsItsLines() {
    String log = rt.log();
    assertTrue(log.contains("platform raspberrypi"), log);
    GpioLineInfo button = chip.lineInfo(BUTTON);
    assertTrue(button.used(), button.toString());
    assertEquals("button0 GPIO " + BUTTON, button.consumer());
    assertEquals(LineConfig.Direction.INPUT, button.direction());
    assertEquals(LineConfig.EdgeDetect.BOTH, button.edge(), "the IRQ's edge detection: " + button);
    GpioLineInfo led = chip.lineInfo(LED);
    assertEquals("led0 GPIO " + LED, led.consumer());
    assertEquals(LineConfig.Direction.OUTPUT, led.direction());
    assertFalse(chip.lineInfo(HOTPLUG).used(), "hot0 has no driver yet");
  }

  @Test
  @Order(2)
  void aPullChangeOnTheButtonLineProducesKeyEvents() throws InterruptedException {
    a.pull(BUTTON, false); // pressed (active-low)
    Rig.await(BOUND, "a KEY event 'pressed' for button0", () -> keyEvents().contains("pressed=true"));
    a.pull(BUTTON, true);
    Rig.await(BOUND, "a KEY event 'released' for button0", () -> keyEvents().contains("pressed=false"));
  }

  @Test
  @Order(3)
  void theLedLineFollowsTheTimerTrigger() throws InterruptedException {
    for (int level : new int[] {1, 0, 1, 0}) {
      Rig.await(BOUND, "gpio-sim line " + LED + " (led0, timer trigger) at " + level, () -> a.value(LED) == level);
    }
  }

  @Test
  @Order(4)
  void unbindingTheLedDrivesItOffAndReleasesTheLineAndBindAgainTakesItBack() throws InterruptedException {
    Rig.await(BOUND, "led0 in its on phase (line " + LED + " high)", () -> a.value(LED) == 1);
    Rig.Result r = rt.post("devices/led0/unbind");
    assertEquals(200, r.exit(), "POST devices/led0/unbind: " + r.output());
    assertEquals("UNBOUND", state("led0"));
    GpioLineInfo li = chip.lineInfo(LED);
    assertFalse(li.used(), "after unbind: " + li);
    // off (LOW) driven by the board on release, then the released line shows its pull (down): both read 0
    assertEquals(0, a.value(LED));
    assertTrue(rt.log().contains("device led0: unbound from driver"), rt.log());
    r = rt.post("devices/led0/bind");
    assertEquals(200, r.exit(), "POST devices/led0/bind: " + r.output());
    assertEquals("led0 GPIO " + LED, chip.lineInfo(LED).consumer());
    Rig.await(BOUND, "led0 blinks again after bind", () -> a.value(LED) == 1);
  }

  @Test
  @Order(5)
  void bme280ProbesOverSmbusAndPublishesReadings() throws InterruptedException {
    assertTrue(rt.log().contains("BME280 bound"), rt.log());
    Rig.await(BOUND, "a bme0 reading in the web API", () -> {
      String r = rt.get("readings");
      return r != null && r.contains("bme0");
    });
  }

  @Test
  @Order(5)
  void mcp3008PollsOverTheKernelsSpiControllerAndReadsTheIdleLineAsZeroVolts() throws Exception {
    // adc0 on spidev0.0 (spi-lm70llp on the parallel port, see the hwtest README); nothing is wired to the port and
    // MISO reads its idle status line as 0: every conversion is code 0, which the driver's frame check accepts
    Rig.await(BOUND, "adc0 BOUND", () -> "BOUND".equals(state("adc0")));
    Path stats = Rig.spiSys().resolve("statistics");
    long before = Long.parseLong(Files.readString(stats.resolve("messages")).trim());
    Rig.await(BOUND, "the sensor/adc0 poller's conversions counted by the kernel's SPI core (from " + before + ")",
        () -> {
          try {
            return Long.parseLong(Files.readString(stats.resolve("messages")).trim()) >= before + 10;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
    assertEquals("0", Files.readString(stats.resolve("errors")).trim(), "SPI core errors");
    Rig.await(BOUND, "an adc0 reading of 0 V on ch0 and ch1 in the web API", () -> {
      String r = rt.get("readings");
      return r != null && r.contains("\"device\":\"adc0\"") && r.contains("\"ch0\":{\"value\":0.0,\"unit\":\"V\"}")
          && r.contains("\"ch1\":{\"value\":0.0,\"unit\":\"V\"}");
    });
    assertTrue(rt.threadNames().contains("sensor/adc0"), "poller kthread in /proc: " + rt.threadNames());
  }

  @Test
  @Order(6)
  @Timeout(240) // about 40 s on a loaded host; the default 60 s is too tight for 100 cycles under TCG
  void hundredHotplugCyclesOfADriverHoldingALineAndAnIrqLeaveNothingBehind() throws Exception {
    Path jar;
    try (Stream<Path> s = Files.list(Path.of(Rig.env("HWTEST_PROJECT"), "framework/itest-driver/target"))) {
      jar = s.filter(p -> p.getFileName().toString().matches("kdrv-itest-driver-.*\\.jar"))
          .filter(p -> !p.getFileName().toString().contains("sources")).findFirst()
          .orElseThrow(() -> new IllegalStateException("framework/itest-driver/target has no kdrv-itest-driver jar"));
    }
    Path local = rt.dir().resolve("kdrv-itest-driver.jar.orig"); // copied from tmpfs in each cycle, not from 9p
    Files.copy(jar, local);
    long t0 = System.nanoTime();
    for (int i = 1; i <= CYCLES; i++) {
      int cycle = i;
      rt.deploy(local, "kdrv-itest-driver.jar");
      Rig.await(BOUND, "cycle " + cycle + ": hot0 requests line " + HOTPLUG + " with edge detection (its IRQ)", () -> {
        GpioLineInfo li = chip.lineInfo(HOTPLUG);
        return li.used() && li.edge() == LineConfig.EdgeDetect.BOTH;
      });
      assertEquals("hot0 GPIO " + HOTPLUG, chip.lineInfo(HOTPLUG).consumer(), "cycle " + cycle);
      rt.undeploy("kdrv-itest-driver.jar");
      Rig.await(BOUND, "cycle " + cycle + ": line " + HOTPLUG + " released after the driver jar left deploy/",
          () -> !chip.lineInfo(HOTPLUG).used());
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("HOTPLUG %d deploy/undeploy cycles through FileInstall (50 ms poll): %d ms, %d ms per cycle%n",
        CYCLES, ms, ms / CYCLES);
    Rig.await(BOUND, "hot0 UNBOUND after the last cycle", () -> "UNBOUND".equals(state("hot0")));
    GpioLineInfo li = chip.lineInfo(HOTPLUG);
    assertFalse(li.used(), li.toString());
    assertEquals("", li.consumer());
    String kthreads = rt.get("kthreads");
    assertTrue(kthreads != null && kthreads.contains("irq/" + BUTTON + "-button0"), "kthread list: " + kthreads);
    assertFalse(kthreads.contains("hot0"), "kthreads of hot0 left: " + kthreads);
    List<String> left = new ArrayList<>();
    for (String t : rt.threadNames()) {
      if (t.startsWith("testdrv/") || t.startsWith("irq/" + HOTPLUG + "-")) {
        left.add(t);
      }
    }
    assertEquals(List.of(), left, "threads of hot0 in /proc");
    assertEquals(CYCLES, count(rt.log(), "device hot0: bound to driver"), "hot0 bind count in the log");
    // the other devices were not disturbed
    assertEquals("BOUND", state("button0"));
    assertEquals("BOUND", state("led0"));
  }

  @Test
  @Order(7)
  void sigtermEndsTheRuntimeAndTheKernelReleasesEveryLine() throws InterruptedException {
    // raspberrypi.jar's bnd launcher installs no shutdown hook that stops the framework: SIGTERM ends the JVM
    // without device removal (the graceful stop path comes with framework/runtime's launcher); the kernel still
    // releases every line of the dead process, which is what this asserts
    int exit = rt.terminate(Duration.ofSeconds(60));
    assertNotEquals(-1, exit, "raspberrypi.jar still runs 60 s after SIGTERM");
    for (int line = 0; line < a.lines(); line++) {
      GpioLineInfo li = chip.lineInfo(line);
      assertFalse(li.used(), "after SIGTERM: " + li);
    }
    assertEquals(0, a.value(LED), "LED line after the runtime ended");
    System.out.println("RUNTIME raspberrypi.jar exit status after SIGTERM: " + exit);
  }

  /** The device's state in the web API, {@code null} while it does not answer. */
  private String state(String device) {
    String body = rt.get("devices/" + device);
    if (body == null) {
      return null;
    }
    Matcher m = STATE.matcher(body);
    return m.find() ? m.group(1) : null;
  }

  /** Recent KEY events of button0 as "pressed=true|false" words (the web API's JSON, whitespace removed). */
  private String keyEvents() {
    String body = rt.get("events/recent?topic=kdrv/input/KEY");
    if (body == null) {
      return "";
    }
    String compact = body.replaceAll("\\s", "");
    return compact.contains("\"button0\"") ? compact.replace("\"pressed\":", "pressed=") : "";
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }

  private static String exitOf(PiRuntime rt) {
    return rt.process().isAlive() ? "(still running)" : Integer.toString(rt.process().exitValue());
  }
}
