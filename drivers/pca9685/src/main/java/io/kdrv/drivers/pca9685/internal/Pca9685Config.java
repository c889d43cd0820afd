package io.kdrv.drivers.pca9685.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import io.kdrv.drivers.pca9685.Pca9685;

/**
 * A pca9685 device node's keys, validated before the chip is touched so a bad node fails probe naming the device
 * and the key.
 *
 * @param frequency node key {@code frequency}: Hz, 24..1526 (default 200, the chip's reset prescale 0x1E)
 * @param inverted  node key {@code inverted}: MODE2 INVRT, outputs inverted (Linux {@code nxp,inverted})
 * @param openDrain node key {@code open-drain}: MODE2 OUTDRV cleared (Linux {@code nxp,open-drain})
 * @param servoMinMicros node key {@code servo-min-us}: pulse at 0 degrees (default 1000)
 * @param servoMaxMicros node key {@code servo-max-us}: pulse at {@code servo-range-deg} (default 2000)
 * @param servoRange     node key {@code servo-range-deg}: the servo's travel (default 180)
 */
record Pca9685Config(int frequency, boolean inverted, boolean openDrain, double servoMinMicros,
        double servoMaxMicros, double servoRange) {

    static final String FREQUENCY = "frequency";
    static final String INVERTED = "inverted";
    static final String OPEN_DRAIN = "open-drain";
    static final String SERVO_MIN = "servo-min-us";
    static final String SERVO_MAX = "servo-max-us";
    static final String SERVO_RANGE = "servo-range-deg";

    static final Binding BINDING = Binding.of(NodeKey.REG, NodeKey.I2C_BUS,
            NodeKey.ofInt(FREQUENCY).defaultValue(200).min(1).description("PWM frequency of all 16 channels, "
                    + "24..1526 Hz"),
            NodeKey.ofBoolean(INVERTED).defaultValue(false).description("invert all outputs (MODE2 INVRT)"),
            NodeKey.ofBoolean(OPEN_DRAIN).defaultValue(false).description("open-drain outputs (MODE2 OUTDRV=0)"),
            NodeKey.ofDouble(SERVO_MIN).defaultValue(1000.0).min(0).description("servo pulse at 0 degrees, us"),
            NodeKey.ofDouble(SERVO_MAX).defaultValue(2000.0).min(0).description("servo pulse at full travel, us"),
            NodeKey.ofDouble(SERVO_RANGE).defaultValue(180.0).min(1).description("servo travel, degrees"));

    static Pca9685Config from(Device dev) {
        int address = dev.getInt(NodeKey.REG.name());
        if (address < 0x03 || address > 0x77) {
            throw new DeviceConfigException(dev.name(), NodeKey.REG.name(), "I2C address "
                    + Pca9685Registers.hex(address) + " is not a 7-bit address (the PCA9685 straps 0x40..0x7F; "
                    + "0x70 is its default All Call address)");
        }
        int f = dev.getInt(FREQUENCY);
        if (f < Pca9685.MIN_FREQUENCY || f > Pca9685.MAX_FREQUENCY) {
            throw new DeviceConfigException(dev.name(), FREQUENCY, f + " Hz is outside the PCA9685's "
                    + Pca9685.MIN_FREQUENCY + ".." + Pca9685.MAX_FREQUENCY + " Hz (25 MHz / 4096 / (prescale + 1), "
                    + "prescale 3..255)");
        }
        double min = dev.getDouble(SERVO_MIN);
        double max = dev.getDouble(SERVO_MAX);
        if (!(max > min)) {
            throw new DeviceConfigException(dev.name(), SERVO_MAX, "must be greater than " + SERVO_MIN + " ("
                    + min + "), got " + max);
        }
        return new Pca9685Config(f, dev.getBoolean(INVERTED), dev.getBoolean(OPEN_DRAIN), min, max,
                dev.getDouble(SERVO_RANGE));
    }
}
