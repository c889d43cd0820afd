package io.kdrv.board.linux.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's PWM sysfs interface ({@code Documentation/driver-api/pwm.rst}) under a configurable root (normally
 * {@code /sys/class/pwm}, a temporary tree in tests): chips {@code pwmchipN} with {@code npwm}, {@code export},
 * {@code unexport} and a {@code device} link, and per exported channel {@code pwmM/} with {@code period},
 * {@code duty_cycle} (nanoseconds), {@code polarity} ({@code normal}/{@code inversed}) and {@code enable}.
 *
 * <p>Chips are selected by number ({@code "2"}, {@code "pwmchip2"}) or by their device name (the {@code device}
 * link's target, e.g. {@code fe20c000.pwm} on a Pi 4, {@code 1f00098000.pwm} for the Pi 5's RP1), so a board's
 * chip 0 is the same whatever order the kernel probed its PWM drivers in. Stateless apart from configuration;
 * thread-safe.
 */
public final class SysfsPwm {
    /** SoC PWM device names of the Raspberry Pi 40-pin header, preferred in this order: Pi 5 (RP1 PWM0), Pi 4, Pi 3, Pi 1/Zero. */
    public static final List<String> RASPBERRY_PI_PWM_DEVICES =
            List.of("1f00098000.pwm", "fe20c000.pwm", "3f20c000.pwm", "2020c000.pwm");
    static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofSeconds(2);
    private static final Pattern CHIP = Pattern.compile("pwmchip(\\d+)");

    /** File access; replaced in tests by a model of the kernel's side. */
    interface Files2 {
        void write(Path file, String value) throws IOException;

        String read(Path file) throws IOException;

        /** Whether an exported channel's directory is usable (exists and {@code enable} is writable). */
        boolean ready(Path channelDir);
    }

    static final Files2 REAL = new Files2() {
        @Override
        public void write(Path file, String value) throws IOException {
            Files.writeString(file, value, StandardCharsets.US_ASCII); // one write(2): sysfs takes it whole
        }

        @Override
        public String read(Path file) throws IOException {
            return Files.readString(file, StandardCharsets.US_ASCII).strip();
        }

        @Override
        public boolean ready(Path channelDir) {
            return Files.isWritable(channelDir.resolve("enable"));
        }
    };

    /** A found chip: its directory, number, device name and channel count. */
    record Chip(Path dir, int number, String device, int npwm) {
        @Override
        public String toString() {
            return "pwmchip" + number + (device.isEmpty() ? "" : " (" + device + ")") + ", " + npwm + " channels";
        }
    }

    private final String platform;
    private final Path root;
    private final List<String> selectors;
    private final List<String> preferred;
    private final Files2 files;
    private final Duration exportTimeout;

    /**
     * @param selectors board chip N is {@code selectors[N]} (a number or a device name); empty: the chips whose
     *                  device is in {@code preferred} first (in that order), then the rest by number
     */
    SysfsPwm(String platform, Path root, List<String> selectors, List<String> preferred, Files2 files,
            Duration exportTimeout) {
        this.platform = Objects.requireNonNull(platform, "platform");
        this.root = Objects.requireNonNull(root, "root");
        this.selectors = List.copyOf(selectors);
        this.preferred = List.copyOf(preferred);
        this.files = Objects.requireNonNull(files, "files");
        this.exportTimeout = Objects.requireNonNull(exportTimeout, "exportTimeout");
    }

    public SysfsPwm(String platform, Path root, List<String> selectors, List<String> preferred) {
        this(platform, root, selectors, preferred, REAL, DEFAULT_EXPORT_TIMEOUT);
    }

    Path root() {
        return root;
    }

    Files2 files() {
        return files;
    }

    /** @return the chips under the root, by number */
    List<Chip> chips() {
        List<Chip> out = new ArrayList<>();
        try (var entries = Files.list(root)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Matcher m = CHIP.matcher(p.getFileName().toString());
                if (m.matches()) {
                    out.add(new Chip(p, Integer.parseInt(m.group(1)), deviceName(p), npwm(p)));
                }
            }
        } catch (IOException e) {
            return List.of(); // no /sys/class/pwm: no PWM chips (kernel without CONFIG_PWM_SYSFS)
        }
        out.sort(java.util.Comparator.comparingInt(Chip::number));
        return out;
    }

    private static String deviceName(Path chip) {
        Path link = chip.resolve("device");
        try {
            return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).getFileName().toString()
                    : link.toRealPath().getFileName().toString();
        } catch (IOException e) {
            return "";
        }
    }

    private int npwm(Path chip) {
        try {
            return Integer.parseInt(files.read(chip.resolve("npwm")));
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Board PWM chip {@code index}.
     *
     * @throws IllegalArgumentException no such chip (the message lists what was asked and what exists)
     */
    Chip chip(int index) {
        List<Chip> found = chips();
        if (!selectors.isEmpty()) {
            if (index < 0 || index >= selectors.size()) {
                throw new IllegalArgumentException("platform " + platform + ": no PWM chip " + index
                        + " (configured PWM chips: " + selectors + "; found under " + root + ": " + describe(found) + ")");
            }
            String sel = selectors.get(index).strip();
            for (Chip c : found) {
                if (sel.equals(Integer.toString(c.number())) || sel.equals("pwmchip" + c.number())
                        || sel.equals(c.device())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("platform " + platform + ": PWM chip " + index + " is '" + sel
                    + "', which is not under " + root + " (found: " + describe(found) + ")" + hint());
        }
        List<Chip> ordered = new ArrayList<>();
        for (String name : preferred) {
            found.stream().filter(c -> c.device().equals(name)).forEach(ordered::add);
        }
        found.stream().filter(c -> !ordered.contains(c)).forEach(ordered::add);
        if (index < 0 || index >= ordered.size()) {
            throw new IllegalArgumentException("platform " + platform + ": no PWM chip " + index + " (found under "
                    + root + ": " + describe(ordered) + ")" + hint());
        }
        return ordered.get(index);
    }

    private static String describe(List<Chip> chips) {
        return chips.isEmpty() ? "none" : chips.toString();
    }

    private String hint() {
        return preferred.isEmpty() ? "" : "; on a Raspberry Pi enable the PWM with dtoverlay=pwm-2chan in config.txt";
    }

    /**
     * Exports {@code channel} of {@code chip} and waits (bounded) until its directory exists and its files are
     * writable (udev may change their permissions just after the kernel created them).
     *
     * @return the channel directory
     * @throws IllegalArgumentException a channel out of range
     * @throws IllegalStateException    the channel is exported already (EBUSY: another user has it)
     * @throws IOException              the export failed or timed out (message names the file)
     */
    Path export(Chip chip, int channel) throws IOException {
        if (channel < 0 || channel >= chip.npwm()) {
            throw new IllegalArgumentException("platform " + platform + ": " + chip + " has channels 0.."
                    + (chip.npwm() - 1) + ", not " + channel);
        }
        Path dir = chip.dir().resolve("pwm" + channel);
        Path export = chip.dir().resolve("export");
        try {
            files.write(export, Integer.toString(channel));
        } catch (FileSystemException e) {
            if (isBusy(e)) {
                throw new IllegalStateException("PWM " + chip + " channel " + channel + " (" + dir
                        + ") is already exported by another user (EBUSY): stop it, or write " + channel + " to "
                        + chip.dir().resolve("unexport"), e);
            }
            throw new IOException("cannot export PWM channel " + channel + ": writing " + export + " failed: "
                    + reason(e), e);
        }
        long deadline = System.nanoTime() + exportTimeout.toNanos();
        while (!files.ready(dir)) {
            if (System.nanoTime() - deadline >= 0) {
                try {
                    unexport(chip, channel); // ours: do not leave it exported behind the error
                } catch (IOException ignored) {
                    // the timeout is the error to report
                }
                throw new IOException("PWM channel " + channel + " of " + chip + ": " + dir.resolve("enable")
                        + " is not writable " + exportTimeout.toMillis() + " ms after the export (udev rule for "
                        + "the pwm group missing?)");
            }
            LockSupport.parkNanos(5_000_000); // polling a sysfs attribute's permissions: no event to wait on
        }
        return dir;
    }

    void unexport(Chip chip, int channel) throws IOException {
        Path f = chip.dir().resolve("unexport");
        try {
            files.write(f, Integer.toString(channel));
        } catch (FileSystemException e) {
            throw new IOException("cannot unexport PWM channel " + channel + ": writing " + f + " failed: "
                    + reason(e), e);
        }
    }

    /** Writes a channel attribute, naming the file and value in the error. */
    void write(Path dir, String attribute, String value) throws IOException {
        Path f = dir.resolve(attribute);
        try {
            files.write(f, value);
        } catch (FileSystemException e) {
            throw new IOException("writing '" + value + "' to " + f + " failed: " + reason(e), e);
        }
    }

    long readLong(Path dir, String attribute) throws IOException {
        Path f = dir.resolve(attribute);
        try {
            return Long.parseLong(files.read(f));
        } catch (NumberFormatException e) {
            throw new IOException(f + " does not hold a number", e);
        }
    }

    private static boolean isBusy(FileSystemException e) {
        String r = e.getReason();
        return r != null && (r.contains("busy") || r.contains("EBUSY"));
    }

    private static String reason(FileSystemException e) {
        return e.getReason() != null ? e.getReason() : e.toString();
    }
}
