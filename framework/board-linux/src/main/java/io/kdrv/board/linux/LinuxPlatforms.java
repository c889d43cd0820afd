package io.kdrv.board.linux;

import io.kdrv.board.BoardPlatform;
import io.kdrv.board.Boards;
import io.kdrv.board.linux.internal.ChipSelector;
import io.kdrv.board.linux.internal.LinuxBoardPlatform;
import io.kdrv.board.linux.internal.SysfsPwm;
import io.kdrv.board.linux.internal.SysfsW1;
import java.nio.file.Path;
import java.util.List;

/**
 * Board platforms on the Linux uAPI (GPIO character device v2 and {@code /dev/i2c-N}, through
 * {@code java.lang.foreign}), for plain Java and tests. In OSGi, bundle {@code kdrv-board-linux} registers the same
 * platforms as {@link BoardPlatform} services ({@code raspberrypi} and {@code linux}).
 *
 * <p>Both build Pi4J contexts with providers {@code linux-digital-input}, {@code linux-digital-output},
 * {@code linux-i2c} and {@code linux-pwm} ({@value #PWM_DIR}); the GPIO lines are the chip's offsets
 * {@code 0 .. lines-1}. On {@code raspberrypi} PWM chip 0 is the header's PWM (RP1 PWM0 on a Pi 5, the BCM PWM on a
 * Pi 4/3, chosen by device name), the other chips follow by number.
 */
public final class LinuxPlatforms {
    /** The platform name for a chip chosen by configuration. */
    public static final String LINUX = "linux";
    /** GPIO chip labels of the 40-pin header, in order of preference: Pi 5 (RP1), Pi 4, Pi 3 / Zero 2 W. */
    public static final List<String> RASPBERRY_PI_LABELS = List.of("pinctrl-rp1", "pinctrl-bcm2711", "pinctrl-bcm2835");

    /** Where the kernel's PWM chips are ({@code CONFIG_PWM_SYSFS}). */
    public static final String PWM_DIR = "/sys/class/pwm";

    private LinuxPlatforms() {
    }

    /** {@link #raspberryPi(Path, Path)} with {@code /dev} and {@value Boards#DEVICE_TREE_MODEL}. */
    public static BoardPlatform raspberryPi() {
        return raspberryPi(Path.of("/dev"), Path.of(Boards.DEVICE_TREE_MODEL));
    }

    /**
     * The {@code raspberrypi} platform: the GPIO chip labelled {@code pinctrl-rp1} (Pi 5),
     * {@code pinctrl-bcm2711} (Pi 4) or {@code pinctrl-bcm2835} (Pi 3, Zero 2 W). The model is read from the
     * device tree for error messages only: a chip labelled like a Pi's is used wherever it is (e.g. gpio-sim).
     *
     * @param devDir    where {@code gpiochipN} and {@code i2c-N} are
     * @param modelFile the device-tree model file
     */
    public static BoardPlatform raspberryPi(Path devDir, Path modelFile) {
        ChipSelector selector = new ChipSelector(Boards.RASPBERRY_PI, devDir, ChipSelector.kernelInfo());
        return new LinuxBoardPlatform(Boards.RASPBERRY_PI, () -> {
            String model = Boards.readModel(modelFile);
            return selector.byLabel(RASPBERRY_PI_LABELS,
                    " (model: " + (model.isEmpty() ? modelFile + " missing" : "'" + model + "'") + ")");
        }, devDir.toString(), new SysfsPwm(Boards.RASPBERRY_PI, Path.of(PWM_DIR), List.of(),
                SysfsPwm.RASPBERRY_PI_PWM_DEVICES));
    }

    /**
     * The {@code linux} platform on a chosen chip.
     *
     * @param chip a path ({@code /dev/gpiochip0}), a name ({@code gpiochip0}) or a label ({@code gpio-sim.0-node0})
     */
    public static BoardPlatform chip(String chip) {
        return chip(LINUX, chip, Path.of("/dev"));
    }

    /**
     * A platform named {@code name} on a chosen chip.
     *
     * @param chip   a path, a name or a label (see {@link #chip(String)})
     * @param devDir where {@code gpiochipN} and {@code i2c-N} are
     */
    public static BoardPlatform chip(String name, String chip, Path devDir) {
        return chip(name, chip, devDir, Path.of(PWM_DIR), List.of());
    }

    /**
     * A platform named {@code name} on a chosen GPIO chip, with PWM chips from the sysfs PWM interface.
     *
     * @param pwmDir   the sysfs PWM class directory, normally {@value #PWM_DIR}
     * @param pwmChips board PWM chip N is {@code pwmChips[N]}: a number ({@code 0}, {@code pwmchip0}) or a device
     *                 name ({@code fe20c000.pwm}, {@code 1f00098000.pwm}); empty: every {@code pwmchipN} by number
     */
    public static BoardPlatform chip(String name, String chip, Path devDir, Path pwmDir, List<String> pwmChips) {
        return chip(name, chip, devDir, pwmDir, pwmChips, SysfsW1.DEFAULT_ROOT);
    }

    /**
     * {@link #chip(String, String, Path, Path, List)} with the kernel's 1-Wire devices in {@code w1Root} (normally
     * {@code /sys/bus/w1/devices}).
     */
    public static BoardPlatform chip(String name, String chip, Path devDir, Path pwmDir, List<String> pwmChips,
            Path w1Root) {
        ChipSelector selector = new ChipSelector(name, devDir, ChipSelector.kernelInfo());
        return new LinuxBoardPlatform(name, () -> selector.select(chip), devDir.toString(),
                new SysfsPwm(name, pwmDir, pwmChips, List.of()), w1Root);
    }

}
