package io.kdrv.hwtest.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.hwtest.Rig;
import io.kdrv.hwtest.Rig.SimChip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The gpio-sim chips /init created are real GPIO chips of the kernel, with the labels and sizes the rig promises. */
class SimChipsTest {

  /** label -> ngpio of every GPIO chip, from the legacy sysfs class (GPIO_SYSFS=y in Debian's kernel). */
  private static Map<String, Integer> chipsBySysfs() throws IOException {
    Map<String, Integer> chips = new HashMap<>();
    try (Stream<Path> dirs = Files.list(Path.of("/sys/class/gpio"))) {
      for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("gpiochip")).toList()) {
        chips.put(Files.readString(d.resolve("label")).trim(), Integer.parseInt(Files.readString(d.resolve("ngpio")).trim()));
      }
    }
    return chips;
  }

  private static String majorMinor(Path node) throws IOException {
    long rdev = (Long) Files.getAttribute(node, "unix:rdev");
    long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
    long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
    return major + ":" + minor;
  }

  @Test
  void bothSimChipsAreKernelGpioChipsWithTheirLabelsAndSizes() throws IOException {
    Map<String, Integer> chips = chipsBySysfs();
    assertEquals(28, chips.get("pinctrl-bcm2711"), "chips in /sys/class/gpio: " + chips);
    assertEquals(8, chips.get("kdrv-sim-b"), "chips in /sys/class/gpio: " + chips);
    for (SimChip c : new SimChip[] {Rig.chipA(), Rig.chipB()}) {
      assertTrue(Files.exists(c.dev()) && !Files.isRegularFile(c.dev()), c.dev() + " is not a device node");
      // the node /init named is the chip's character device: same major:minor as the kernel's gpio device
      assertEquals(Files.readString(Path.of("/sys/bus/gpio/devices", c.name(), "dev")).trim(), majorMinor(c.dev()), c.dev().toString());
      assertTrue(Files.isDirectory(c.sim().resolve("sim_gpio0")), "no sim_gpio0 in " + c.sim());
      assertTrue(Files.isDirectory(c.sim().resolve("sim_gpio" + (c.lines() - 1))), "no last sim line in " + c.sim());
    }
  }

  @Test
  void lineNamesAreWhatLabelBasedSelectionExpects() throws InterruptedException {
    // gpioinfo (libgpiod) reads them through GPIO_V2_GET_LINEINFO, the path a provider uses
    String a = Rig.exec(Duration.ofSeconds(30), "gpioinfo", Rig.chipA().name()).output();
    for (int i = 0; i < 28; i++) {
      assertTrue(a.matches("(?s).*\\bline\\s+" + i + ":\\s+\"GPIO" + i + "\".*"), "line " + i + " of chip A: " + a);
    }
    String b = Rig.exec(Duration.ofSeconds(30), "gpioinfo", Rig.chipB().name()).output();
    assertTrue(b.matches("(?s).*\\bline\\s+3:\\s+\"B3\".*"), "line 3 of chip B: " + b);
    assertTrue(b.matches("(?s).*\\bline\\s+4:\\s+unnamed.*"), "line 4 of chip B: " + b);
  }
}
