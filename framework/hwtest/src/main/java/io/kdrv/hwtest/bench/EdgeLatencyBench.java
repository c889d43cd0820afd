package io.kdrv.hwtest.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalInput;
import io.kdrv.board.Boards;
import io.kdrv.board.KdrvBoard;
import io.kdrv.board.linux.LinuxPlatforms;
import io.kdrv.driver.Device;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.spi.Board;
import io.kdrv.hwtest.Rig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Benchmark, not a timed assertion: real edge to handler latency on gpio-sim, kdrv's {@code irq/<line>-<device>}
 * kthread (the kernel edge path: the kthread itself polls the line request and reads the kernel's event records)
 * against libgpiod's {@code gpiomon} (C, the floor) on the same line, one after the other in the same boot.
 * Ping-pong: the next edge is made only once the previous one reached the reader, so nothing is merged or lost.
 *
 * <p>Two intervals per edge: from just before the sysfs {@code pull} write (the stimulus) and from the kernel's
 * event timestamp (CLOCK_MONOTONIC, the {@code System.nanoTime()} base), to the handler's {@code System.nanoTime()}
 * for kdrv, and to the moment this JVM has read gpiomon's output line for the C reader (gpiomon prints the kernel
 * timestamp; its line also crosses a pipe, which kdrv's handler does not need). Prints a table (lines starting
 * with {@code LATENCY}) and writes it to {@code latency.txt} in the host's output directory. Asserts only what is
 * deterministic: every edge reached each reader, in order, none lost.
 */
@Order(Integer.MAX_VALUE) // last, after the runtime's JVM has ended: nothing else runs in the guest meanwhile
class EdgeLatencyBench {
  private static final int LINE = 22;
  private static final int WARMUP = 30;
  private static final int EDGES = 300;
  private static final Duration EDGE_BOUND = Duration.ofSeconds(10);

  @Test
  @Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // gpiomon's pipe read is not interruptible
  void edgeToHandlerLatencyKdrvIrqKthreadVersusGpiomon() throws Exception {
    Rig.SimChip a = Rig.chipA();
    a.pull(LINE, false);
    long[][] kdrv = kdrvSide(a);
    long[][] c = gpiomonSide(a);
    a.pull(LINE, false);

    List<String> table = new ArrayList<>();
    table.add(String.format("LATENCY gpio-sim line %d, %d ping-pong edges per reader after %d warm-up, qemu TCG"
        + " (emulated, 2 vCPUs on a shared host)", LINE, EDGES, WARMUP));
    table.add(String.format("LATENCY %-44s %10s %10s %10s %10s", "reader", "write p50", "write p99", "kts p50",
        "kts p99"));
    table.add(row("kdrv irq kthread -> handler", kdrv));
    table.add(row("gpiomon (C, libgpiod 1.6) -> line read", c));
    table.add(String.format("LATENCY %-44s %10.2f %10.2f %10.2f %10.2f", "ratio kdrv / C",
        ratio(kdrv[0], c[0], 50), ratio(kdrv[0], c[0], 99), ratio(kdrv[1], c[1], 50), ratio(kdrv[1], c[1], 99)));
    table.add("LATENCY write = sysfs pull write -> reader; kts = kernel event timestamp -> reader (us)");
    table.forEach(System.out::println);
    Files.write(Rig.out().resolve("latency.txt"), table);
  }

  /** [0] write to handler, [1] kernel timestamp to handler, in ns, for the measured edges. */
  private static long[][] kdrvSide(Rig.SimChip a) throws InterruptedException {
    int n = WARMUP + EDGES;
    long[] handlerAt = new long[n + 1];
    long[] kernelTs = new long[n + 1];
    long[] seq = new long[n + 1];
    long[] written = new long[n + 1];
    int[] seen = {0};
    Device owner = owner("bench0");
    try (KdrvBoard board = Boards.open(LinuxPlatforms.raspberryPi())) {
      Board.Handle<DigitalInput> in = board.openInput(owner, LINE);
      Board.Handle<Irq> irq = board.requestThreadedIrq(owner, in.get(), Edge.BOTH, Duration.ZERO, e -> {
        long now = System.nanoTime();
        int i;
        synchronized (seen) {
          i = ++seen[0];
        }
        if (i <= n) {
          handlerAt[i] = now;
          kernelTs[i] = e.timestampNanos();
          seq[i] = e.sequence();
        }
        synchronized (seen) {
          seen.notifyAll();
        }
      });
      try {
        for (int i = 1; i <= n; i++) {
          written[i] = System.nanoTime();
          a.pull(LINE, i % 2 == 1);
          awaitCount(seen, i);
        }
        // handled() counts once the handler has returned: the last one may still be on its way out
        Rig.await(EDGE_BOUND, n + " edges handled", () -> irq.get().handled() >= n);
        assertEquals(n, irq.get().handled(), "handled edges");
        assertEquals(0, irq.get().lost(), "edges the kernel dropped");
        assertEquals(0, irq.get().overflows());
      } finally {
        irq.close();
        in.close();
      }
    }
    long[] fromWrite = new long[EDGES];
    long[] fromKernel = new long[EDGES];
    for (int i = WARMUP + 1; i <= n; i++) {
      assertTrue(seq[i] > seq[i - 1], "edge " + i + " out of order: sequence " + seq[i] + " after " + seq[i - 1]);
      fromWrite[i - WARMUP - 1] = handlerAt[i] - written[i];
      fromKernel[i - WARMUP - 1] = handlerAt[i] - kernelTs[i];
    }
    return new long[][] {fromWrite, fromKernel};
  }

  private static long[][] gpiomonSide(Rig.SimChip a) throws IOException, InterruptedException {
    int n = WARMUP + EDGES;
    List<String> cmd = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/stdbuf"))) {
      cmd.addAll(List.of("/usr/bin/stdbuf", "-oL")); // line-buffered even if gpiomon does not flush on a pipe
    }
    cmd.addAll(List.of("gpiomon", "--format=%e %o %s %n", a.name(), Integer.toString(LINE)));
    Process mon = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    long[] fromWrite = new long[EDGES];
    long[] fromKernel = new long[EDGES];
    try (BufferedReader out = new BufferedReader(new InputStreamReader(mon.getInputStream(), StandardCharsets.UTF_8))) {
      Rig.await(EDGE_BOUND, "gpiomon requests line " + LINE, () -> !mon.isAlive() || consumerIsGpiomon(a));
      assertTrue(mon.isAlive(), "gpiomon exited early");
      // The line info names gpiomon before the kernel has armed its edge interrupt (gpiolib-cdev sets the consumer,
      // then requests the IRQ), so an edge made at once can be missed. Toggle until gpiomon prints one, with
      // bounded non-blocking waits; lines left over from that are skipped below by their polarity.
      boolean level = false;
      long syncDeadline = System.nanoTime() + EDGE_BOUND.toNanos();
      while (true) {
        level = !level;
        a.pull(LINE, level);
        long until = System.nanoTime() + 1_000_000_000L;
        while (!out.ready() && System.nanoTime() - until < 0) {
          Thread.sleep(5);
        }
        if (out.ready()) {
          break;
        }
        assertTrue(System.nanoTime() - syncDeadline < 0, "gpiomon printed no edge within " + EDGE_BOUND);
      }
      for (int i = 1; i <= n; i++) {
        level = !level;
        String want = level ? "1" : "0";
        long t0 = System.nanoTime();
        a.pull(LINE, level);
        String[] f;
        long t1;
        int skipped = 0;
        do {
          String line = out.readLine();
          t1 = System.nanoTime();
          assertTrue(line != null, "gpiomon ended after " + (i - 1) + " events");
          f = line.trim().split("\\s+");
          assertEquals(4, f.length, "gpiomon line '" + line + "'");
          assertTrue(skipped++ < 3, "edge " + i + ": gpiomon's lines do not alternate: '" + line + "'");
        } while (!f[0].equals(want));
        long kts = Long.parseLong(f[2]) * 1_000_000_000L + Long.parseLong(f[3]);
        if (i > WARMUP) {
          assertEquals(1, skipped, "measured edge " + i + ": a stale line from the start-up toggles");
          fromWrite[i - WARMUP - 1] = t1 - t0;
          fromKernel[i - WARMUP - 1] = t1 - kts;
        }
      }
    } finally {
      mon.destroyForcibly();
    }
    return new long[][] {fromWrite, fromKernel};
  }

  private static boolean consumerIsGpiomon(Rig.SimChip a) {
    try (var chip = io.kdrv.board.linux.GpioChip.open(a.dev())) {
      return chip.lineInfo(LINE).consumer().contains("gpiomon");
    }
  }

  private static void awaitCount(int[] seen, int target) throws InterruptedException {
    long deadline = System.nanoTime() + EDGE_BOUND.toNanos();
    synchronized (seen) {
      while (seen[0] < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("edge " + target + " on line " + LINE + " did not reach the handler within "
              + EDGE_BOUND + " (" + seen[0] + " did)");
        }
        TimeUnit.NANOSECONDS.timedWait(seen, left);
      }
    }
  }

  private static String row(String name, long[][] d) {
    return String.format("LATENCY %-44s %10.0f %10.0f %10.0f %10.0f", name, pct(d[0], 50) / 1e3, pct(d[0], 99) / 1e3,
        pct(d[1], 50) / 1e3, pct(d[1], 99) / 1e3);
  }

  private static double ratio(long[] k, long[] c, int p) {
    return (double) pct(k, p) / pct(c, p);
  }

  private static long pct(long[] values, int p) {
    long[] s = values.clone();
    Arrays.sort(s);
    return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
  }

  /** The IRQ's owner: the board uses only its name (kthread {@code irq/22-bench0}, line consumer). */
  private static Device owner(String name) {
    return (Device) Proxy.newProxyInstance(Device.class.getClassLoader(), new Class<?>[] {Device.class},
        (proxy, m, args) -> switch (m.getName()) {
          case "name" -> name;
          case "equals" -> proxy == args[0];
          case "hashCode" -> System.identityHashCode(proxy);
          case "toString" -> "device " + name;
          default -> throw new UnsupportedOperationException("bench owner " + name + ": " + m.getName());
        });
  }
}
