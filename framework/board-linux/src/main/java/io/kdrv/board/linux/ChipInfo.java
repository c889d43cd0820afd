package io.kdrv.board.linux;

import java.nio.file.Path;

/**
 * What the kernel says about a GPIO chip ({@code GPIO_GET_CHIPINFO_IOCTL}).
 *
 * @param path  the character device, e.g. {@code /dev/gpiochip0}
 * @param name  the kernel's name, e.g. {@code gpiochip0}
 * @param label the driver's label, e.g. {@code pinctrl-bcm2711}
 * @param lines the number of lines (offsets {@code 0 .. lines-1})
 */
public record ChipInfo(Path path, String name, String label, int lines) {
    @Override
    public String toString() {
        return name + " (" + label + ", " + lines + " lines)";
    }
}
