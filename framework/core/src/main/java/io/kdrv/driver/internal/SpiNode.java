package io.kdrv.driver.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.SpiKeys;
import io.kdrv.driver.spi.SpiSettings;

/**
 * Reads the {@link SpiKeys} of a node into {@link SpiSettings} for {@link Device#spi()}. A key the node lacks takes
 * the default the driver's binding declares, else the core's ({@link SpiKeys}); every bad value is a
 * {@link DeviceConfigException} naming the device and the key (the binding check before probe only knows lower
 * bounds, so the upper ones are checked here). Stateless.
 */
final class SpiNode {
    private SpiNode() {
    }

    static SpiSettings settings(Device dev, Binding binding) {
        int bus = dev.getInt(SpiKeys.BUS.name()); // required: "missing" names spi-bus
        String csKey = !dev.has(SpiKeys.CHIP_SELECT.name()) && dev.has(NodeKey.REG.name())
                ? NodeKey.REG.name() : SpiKeys.CHIP_SELECT.name();
        int cs = intKey(dev, binding, csKey, SpiKeys.CHIP_SELECT);
        int mode = intKey(dev, binding, SpiKeys.MODE.name(), SpiKeys.MODE);
        int hz = intKey(dev, binding, SpiKeys.MAX_FREQUENCY.name(), SpiKeys.MAX_FREQUENCY);
        check(dev, SpiKeys.BUS.name(), bus, SpiSettings.MAX_BUS, "SPI bus");
        check(dev, csKey, cs, SpiSettings.MAX_CHIP_SELECT, "SPI chip select");
        check(dev, SpiKeys.MODE.name(), mode, 3, "SPI mode (CPOL << 1 | CPHA)");
        if (hz <= 0) {
            throw new DeviceConfigException(dev.name(), SpiKeys.MAX_FREQUENCY.name(), "SPI clock must be > 0 Hz, got "
                    + hz);
        }
        return new SpiSettings(bus, cs, mode, hz);
    }

    /** The node's value, else the binding's declared default, else {@code coreKey}'s default. */
    private static int intKey(Device dev, Binding binding, String key, NodeKey coreKey) {
        if (dev.has(key) || binding.key(key).flatMap(NodeKey::defaultValue).isPresent()) {
            return dev.getInt(key);
        }
        return (Integer) coreKey.defaultValue().orElseThrow();
    }

    private static void check(Device dev, String key, int value, int max, String what) {
        if (value < 0 || value > max) {
            throw new DeviceConfigException(dev.name(), key, what + " must be 0.." + max + ", got " + value);
        }
    }
}
