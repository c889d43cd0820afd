package io.kdrv.board.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmPolarity;
import io.kdrv.board.BoardException;
import io.kdrv.board.PwmProperties;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sysfs PWM provider against a temporary tree shaped like {@code /sys/class/pwm}, with a model of the kernel's
 * side of the attribute writes (export creates {@code pwmN/}, EBUSY for a channel already exported, EINVAL for a
 * duty cycle longer than the period, unexport removes the directory).
 */
@Timeout(30)
class SysfsPwmTest {
    @TempDir
    Path root;
    private Context ctx;

    /** The kernel's side: what writing an attribute does. */
    final class FakeKernel implements SysfsPwm.Files2 {
        final List<String> writes = new CopyOnWriteArrayList<>();
        final AtomicInteger readyPolls = new AtomicInteger();
        volatile int notReadyPolls;     // the channel becomes usable only after this many polls (udev)

        @Override
        public void write(Path file, String value) throws IOException {
            writes.add(root.relativize(file) + "=" + value);
            String name = file.getFileName().toString();
            Path chip = file.getParent();
            switch (name) {
                case "export" -> {
                    Path dir = chip.resolve("pwm" + value);
                    if (Files.exists(dir)) {
                        throw new FileSystemException(file.toString(), null, "Device or resource busy");
                    }
                    Files.createDirectory(dir);
                    for (String[] a : new String[][] {{"period", "0"}, {"duty_cycle", "0"}, {"polarity", "normal"},
                            {"enable", "0"}}) {
                        Files.writeString(dir.resolve(a[0]), a[1]);
                    }
                }
                case "unexport" -> {
                    Path dir = chip.resolve("pwm" + value);
                    try (var s = Files.list(dir)) {
                        for (Path p : (Iterable<Path>) s::iterator) {
                            Files.delete(p);
                        }
                    }
                    Files.delete(dir);
                }
                case "duty_cycle" -> {
                    if (Long.parseLong(value) > Long.parseLong(read(chip.resolve("period")))) {
                        throw new FileSystemException(file.toString(), null, "Invalid argument");
                    }
                    Files.writeString(file, value);
                }
                case "period" -> {
                    if (Long.parseLong(value) < Long.parseLong(read(chip.resolve("duty_cycle")))) {
                        throw new FileSystemException(file.toString(), null, "Invalid argument");
                    }
                    Files.writeString(file, value);
                }
                case "polarity" -> {
                    if (read(chip.resolve("enable")).equals("1")) {
                        throw new FileSystemException(file.toString(), null, "Device or resource busy");
                    }
                    Files.writeString(file, value);
                }
                default -> Files.writeString(file, value);
            }
        }

        @Override
        public String read(Path file) throws IOException {
            return Files.readString(file).strip();
        }

        @Override
        public boolean ready(Path dir) {
            return readyPolls.incrementAndGet() > notReadyPolls && Files.exists(dir.resolve("enable"));
        }
    }

    private final FakeKernel kernel = new FakeKernel();

    private Path chip(int n, String device, int npwm) throws IOException {
        Path dir = Files.createDirectories(root.resolve("pwmchip" + n));
        Files.writeString(dir.resolve("npwm"), Integer.toString(npwm));
        Files.writeString(dir.resolve("export"), "");
        Files.writeString(dir.resolve("unexport"), "");
        Path dev = Files.createDirectories(root.resolve("devices/platform/" + device));
        Files.createSymbolicLink(dir.resolve("device"), dev);
        return dir;
    }

    private SysfsPwm sysfs(List<String> selectors, List<String> preferred, Duration exportTimeout) {
        return new SysfsPwm("raspberrypi", root, selectors, preferred, kernel, exportTimeout);
    }

    private Pwm open(SysfsPwm sysfs, int chip, int channel, int hz, int duty, PwmPolarity polarity) {
        ctx = Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
                .add(new LinuxPwmProvider("raspberrypi", sysfs)).build();
        LinuxPwmProvider p = ctx.providers().get(LinuxPwmProvider.ID);
        return p.create(Pwm.newConfigBuilder(ctx).id("pwm-" + chip + "-" + channel).address(channel)
                .load(Map.of(PwmProperties.CHIP, Integer.toString(chip))).frequency(hz).dutyCycle(duty)
                .polarity(polarity).shutdown(0).build());
    }

    @AfterEach
    void shutdown() {
        if (ctx != null) {
            ctx.shutdown();
        }
    }

    private static String attr(Path dir, String name) throws IOException {
        return Files.readString(dir.resolve(name)).strip();
    }

    @Test
    void exportProgramEnableDisableAndUnexportOnRelease() throws Exception {
        Path chip = chip(0, "fe20c000.pwm", 2);
        Pwm pwm = open(sysfs(List.of(), SysfsPwm.RASPBERRY_PI_PWM_DEVICES, Duration.ofSeconds(2)), 0, 1, 1000, 25,
                PwmPolarity.INVERSED);
        Path ch = chip.resolve("pwm1");
        assertTrue(Files.isDirectory(ch));
        assertEquals("pwmchip0/export=1", kernel.writes.getFirst());
        assertEquals("0", attr(ch, "enable"), "exported disabled");

        pwm.on();
        assertEquals("1000000", attr(ch, "period"));
        assertEquals("250000", attr(ch, "duty_cycle"));
        assertEquals("inversed", attr(ch, "polarity"));
        assertEquals("1", attr(ch, "enable"));

        pwm.frequency(100);  // longer period: period first, then duty
        assertEquals("10000000", attr(ch, "period"));
        assertEquals("2500000", attr(ch, "duty_cycle"));
        pwm.frequency(20000); // shorter period: duty first (else EINVAL)
        assertEquals("50000", attr(ch, "period"));
        assertEquals("12500", attr(ch, "duty_cycle"));
        pwm.dutyCycle(100);
        assertEquals("50000", attr(ch, "duty_cycle"));
        assertEquals(20000, pwm.getActualFrequency());

        pwm.off();
        assertEquals("0", attr(ch, "enable"));
        ctx.shutdown(); // the board releasing the claim
        ctx = null;
        assertFalse(Files.exists(ch), "unexported");
        assertEquals("pwmchip0/unexport=1", kernel.writes.getLast());
    }

    @Test
    void chipsAreSelectedByNumberOrDeviceNameSoThePi5sRp1IsChipZero() throws Exception {
        chip(0, "1f0009c000.pwm", 4); // RP1 PWM1 (the fan) probed first
        Path rp1 = chip(2, "1f00098000.pwm", 4);
        SysfsPwm pi = sysfs(List.of(), SysfsPwm.RASPBERRY_PI_PWM_DEVICES, Duration.ofSeconds(2));
        assertEquals(rp1, pi.chip(0).dir(), "the header's PWM first");
        assertEquals(0, pi.chip(1).number(), "the rest by number");
        assertEquals(rp1, sysfs(List.of("1f00098000.pwm"), List.of(), Duration.ofSeconds(2)).chip(0).dir());
        assertEquals(rp1, sysfs(List.of("2"), List.of(), Duration.ofSeconds(2)).chip(0).dir());
        assertEquals(rp1, sysfs(List.of("pwmchip2"), List.of(), Duration.ofSeconds(2)).chip(0).dir());
        assertEquals(0, sysfs(List.of(), List.of(), Duration.ofSeconds(2)).chip(0).number(), "plain: by number");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> sysfs(List.of("fe20c000.pwm"), List.of(), Duration.ofSeconds(2)).chip(0));
        assertTrue(e.getMessage().contains("'fe20c000.pwm'") && e.getMessage().contains("pwmchip2 (1f00098000.pwm)"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> pi.chip(2));
        assertTrue(e.getMessage().contains("no PWM chip 2") && e.getMessage().contains("dtoverlay=pwm-2chan"),
                e.getMessage());
    }

    @Test
    void aChannelOutOfRangeOrAMissingChipIsNamed() throws Exception {
        chip(0, "fe20c000.pwm", 2);
        SysfsPwm s = sysfs(List.of(), List.of(), Duration.ofSeconds(2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> open(s, 0, 2, 50, 0, PwmPolarity.NORMAL));
        assertTrue(e.getMessage().contains("pwmchip0 (fe20c000.pwm), 2 channels has channels 0..1, not 2"),
                e.getMessage());
        ctx.shutdown();
        e = assertThrows(IllegalArgumentException.class, () -> open(s, 1, 0, 50, 0, PwmPolarity.NORMAL));
        assertTrue(e.getMessage().contains("no PWM chip 1"), e.getMessage());
        assertTrue(kernel.writes.isEmpty(), "nothing exported: " + kernel.writes);
    }

    @Test
    void aChannelExportedBySomeoneElseIsEbusyNamedClearly() throws Exception {
        Path chip = chip(0, "fe20c000.pwm", 2);
        kernel.write(chip.resolve("export"), "0"); // another program has it
        kernel.writes.clear();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> open(
                sysfs(List.of(), List.of(), Duration.ofSeconds(2)), 0, 0, 50, 0, PwmPolarity.NORMAL));
        assertTrue(e.getMessage().contains("already exported by another user (EBUSY)")
                && e.getMessage().contains(chip.resolve("pwm0").toString())
                && e.getMessage().contains(chip.resolve("unexport").toString()), e.getMessage());
        assertTrue(Files.exists(chip.resolve("pwm0")), "the other user's channel is left alone");
    }

    @Test
    void theExportWaitsBoundedForTheChannelsPermissions() throws Exception {
        Path chip = chip(0, "fe20c000.pwm", 2);
        kernel.notReadyPolls = 3; // udev fixes the group a little after the kernel created the files
        Pwm pwm = open(sysfs(List.of(), List.of(), Duration.ofSeconds(10)), 0, 0, 50, 5, PwmPolarity.NORMAL);
        assertTrue(kernel.readyPolls.get() >= 4, "polled until ready: " + kernel.readyPolls);
        pwm.on();
        assertEquals("1", attr(chip.resolve("pwm0"), "enable"));
        ctx.shutdown();

        kernel.readyPolls.set(0);
        kernel.notReadyPolls = Integer.MAX_VALUE; // never becomes writable
        BoardException e = assertThrows(BoardException.class,
                () -> open(sysfs(List.of(), List.of(), Duration.ofMillis(100)), 0, 1, 50, 5, PwmPolarity.NORMAL));
        assertTrue(e.getMessage().contains(chip.resolve("pwm1/enable") + " is not writable 100 ms after the export"),
                e.getMessage());
        assertFalse(Files.exists(chip.resolve("pwm1")), "unexported again after the timeout");
    }
}
