package io.kdrv.board.linux.internal;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.W1Bus;
import io.kdrv.board.linux.GpioChip;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A {@link BoardPlatform} on the Linux uAPI: its Pi4J context has kdrv's GPIO v2 input and output providers on
 * one chip, kdrv's I2C provider on {@code /dev/i2c-N}, its SPI provider on {@code /dev/spidevB.C} and its
 * serial provider (termios); 1-Wire comes from sysfs ({@link SysfsW1}). The chip is chosen each time a context
 * is built (it may have appeared since), and its line count becomes {@link #lineCount()}.
 */
public final class LinuxBoardPlatform implements BoardPlatform {
    private final String name;
    private final Supplier<Path> chipChooser;
    private final String i2cDevDir;
    private final SysfsPwm pwm;
    private final SysfsW1 w1;
    private volatile int lineCount;
    private volatile String description;

    /**
     * @param chipChooser returns the chip's path or throws a {@link BoardException} naming what was asked
     * @param i2cDevDir   where {@code i2c-N} live, normally {@code /dev}
     */
    public LinuxBoardPlatform(String name, Supplier<Path> chipChooser, String i2cDevDir) {
        this(name, chipChooser, i2cDevDir, new SysfsPwm(name, Path.of("/sys/class/pwm"), java.util.List.of(),
                java.util.List.of()));
    }

    /** @param pwm the PWM chips of the context's {@code linux-pwm} provider */
    public LinuxBoardPlatform(String name, Supplier<Path> chipChooser, String i2cDevDir, SysfsPwm pwm) {
        this(name, chipChooser, i2cDevDir, pwm, SysfsW1.DEFAULT_ROOT);
    }

    /**
     * @param pwm    the PWM chips of the context's {@code linux-pwm} provider
     * @param w1Root where the kernel's 1-Wire devices are, normally {@code /sys/bus/w1/devices}
     */
    public LinuxBoardPlatform(String name, Supplier<Path> chipChooser, String i2cDevDir, SysfsPwm pwm, Path w1Root) {
        this.pwm = Objects.requireNonNull(pwm, "pwm");
        this.name = Objects.requireNonNull(name, "name");
        this.chipChooser = Objects.requireNonNull(chipChooser, "chipChooser");
        this.i2cDevDir = Objects.requireNonNull(i2cDevDir, "i2cDevDir");
        this.w1 = new SysfsW1(name, Objects.requireNonNull(w1Root, "w1Root"));
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The chip's line count, known once a context was built; before that the chip is looked up now, and 0 is
     * returned when there is none.
     */
    @Override
    public int lineCount() {
        int n = lineCount;
        if (n == 0) {
            try (GpioChip chip = GpioChip.open(name, chipChooser.get())) {
                n = chip.info().lines();
                lineCount = n;
            } catch (BoardException e) {
                return 0;
            }
        }
        return n;
    }

    @Override
    public Context newContext() {
        GpioChip chip = GpioChip.open(name, chipChooser.get());
        lineCount = chip.info().lines();
        description = chip.info().path() + " " + chip.describe();
        SharedChip shared = new SharedChip(chip, 2);
        try {
            return Pi4J.newContextBuilder()
                    .noAutoDetect()
                    .disableShutdownHook() // the board shuts the context down; a JVM hook would pin this bundle
                    .add(new LinuxDigitalInputProvider(name, shared), new LinuxDigitalOutputProvider(name, shared),
                            new LinuxI2CProvider(name, i2cDevDir))
                    .add(new LinuxSpiProvider(name, i2cDevDir)) // spidevB.C live next to i2c-N
                    .add(new LinuxPwmProvider(name, pwm)) // /sys/class/pwm
                    .add(new LinuxSerialProvider(name))
                    .build();
        } catch (RuntimeException | LinkageError e) {
            chip.close();
            throw new BoardException(name, "cannot build the Pi4J context on " + chip.describe() + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        String d = description;
        return "BoardPlatform[" + name + (d == null ? "" : ": " + d) + "]";
    }

    @Override
    public Optional<W1Bus> w1Bus() {
        return Optional.of(w1);
    }
}
