package io.kdrv.board.linux.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code linux} platform: PID {@code kdrv.board.linux}. */
@ObjectClassDefinition(id = "kdrv.board.linux", name = "kdrv Linux GPIO platform",
        description = "The 'linux' board platform: GPIO lines of one GPIO character device, I2C on /dev/i2c-N.")
public @interface LinuxPlatformConfig {
    @AttributeDefinition(name = "GPIO chip",
            description = "A path (/dev/gpiochip0), a chip name (gpiochip0) or a chip label (e.g. gpio-sim.0-node0, "
                    + "pinctrl-bcm2711). Empty: the framework property kdrv.board.linux.chip, else gpiochip0.")
    String chip() default "";

    @AttributeDefinition(name = "Device directory",
            description = "Where gpiochipN and i2c-N are.")
    String dev_dir() default "/dev";

    @AttributeDefinition(name = "PWM directory", description = "The sysfs PWM class directory.")
    String pwm_dir() default "/sys/class/pwm";

    @AttributeDefinition(name = "PWM chips", description = "Board PWM chip N is entry N: a number (0, pwmchip0) or "
            + "a device name (fe20c000.pwm, 1f00098000.pwm). Empty: every pwmchipN by number.", required = false)
    String[] pwm_chips() default {};

    @AttributeDefinition(name = "1-Wire devices",
            description = "Where the kernel's 1-Wire masters and slaves are (w1_bus_masterN, ff-ssssssssssss).")
    String w1_root() default "/sys/bus/w1/devices";
}
