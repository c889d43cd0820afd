package io.kdrv.hwtest.smoke;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.hwtest.Rig;
import io.kdrv.hwtest.Rig.SimChip;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The C reader floor works: libgpiod's {@code gpiomon} (GPIO character device, kernel edge detection through
 * gpio-sim's simulated interrupt) sees a rising edge made with the sim pull.
 */
class GpiomonTest {
  private static final int LINE = 26;
  private static final Duration BOUND = Duration.ofSeconds(30);

  @Test
  void gpiomonCatchesARisingEdgeMadeWithTheSimPull() throws IOException, InterruptedException {
    SimChip a = Rig.chipA();
    a.pull(LINE, false);
    Path log = Rig.tempFile();
    Process mon = Rig.start(log, "gpiomon", "--num-events=1", "--rising-edge", a.name(), Integer.toString(LINE));
    try {
      // the edge counts only once gpiomon holds the line: wait until line info names it as the consumer
      Rig.await(BOUND, "gpiomon requests " + a.name() + " line " + LINE, () -> consumer(a, LINE).contains("gpiomon")
          || !mon.isAlive());
      assertTrue(mon.isAlive(), "gpiomon exited early: " + Files.readString(log));
      // gpiomon shows as the consumer a moment before its edge interrupt is armed, so a first edge can come too
      // early: make rising edges (bounded) until it has reported one and exited.
      long deadline = System.nanoTime() + BOUND.toNanos();
      int edges = 0;
      do {
        a.pull(LINE, true);
        edges++;
        if (mon.waitFor(500, TimeUnit.MILLISECONDS)) {
          break;
        }
        a.pull(LINE, false);
      } while (System.nanoTime() - deadline < 0);
      assertTrue(!mon.isAlive(), "gpiomon saw none of " + edges + " rising edges: " + Files.readString(log));
      assertEquals(0, mon.exitValue(), Files.readString(log));
      String out = Files.readString(log);
      assertTrue(out.contains("RISING EDGE") && out.contains("offset: " + LINE), "gpiomon output: " + out);
    } finally {
      mon.destroyForcibly();
      a.pull(LINE, false);
    }
  }

  /** gpioinfo's row for one line (name, consumer, direction, flags). */
  private static String consumer(SimChip chip, int line) {
    try {
      for (String row : Rig.exec(BOUND, "gpioinfo", chip.name()).output().lines().toList()) {
        if (row.matches("\\s*line\\s+" + line + ":.*")) {
          return row;
        }
      }
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running gpioinfo", e);
    }
  }
}
