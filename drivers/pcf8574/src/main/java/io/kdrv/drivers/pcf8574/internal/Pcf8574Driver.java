package io.kdrv.drivers.pcf8574.internal;

import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.Binding;
import io.kdrv.driver.ChipInterrupt;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.Driver;
import io.kdrv.driver.GpioChip;
import io.kdrv.driver.NodeKey;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for the NXP PCF8574 / PCF8574A 8-line quasi-bidirectional I2C GPIO expander (compatible
 * {@code nxp,pcf8574}), after Linux {@code drivers/gpio/gpio-pcf857x.c}: it registers a GPIO controller whose lines
 * other nodes reference as {@code "<device>:<0..7>"} (P0..P7).
 *
 * <p>probe: latch 0xFF (every line a quasi-input) and a read, which proves a chip acknowledges; register the
 * controller; with node key {@code interrupts} request that SoC line (pull-up, active-low: INT is open-drain) and
 * a threaded IRQ on it that reads the port (which clears INT) and delivers the input lines that changed to their
 * consumers' IRQs. remove (devres, reverse order): the IRQ, the controller (after its consumers, by the device
 * links), latch 0xFF, the I2C handle.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=nxp,pcf8574")
public final class Pcf8574Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Pcf8574Driver.class);

    static final String INTERRUPTS = "interrupts";
    static final String LINE_NAMES = "gpio-line-names";

    static final Binding BINDING = Binding.of(
            NodeKey.I2C_BUS,
            NodeKey.ofInt(NodeKey.REG.name()).required().min(0)
                    .description("I2C address: 0x20..0x27 (PCF8574) or 0x38..0x3f (PCF8574A)"),
            NodeKey.ofIntArray(INTERRUPTS).min(0).description("the line INT is wired to; open-drain, active-low"),
            NodeKey.ofStringArray(LINE_NAMES).defaultValue(new String[0])
                    .description("names of the 8 lines (P0..P7), in the consumers' Pi4J I/O names"));

    @Override
    public Binding binding() {
        return BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        int address = dev.getInt(NodeKey.REG.name());
        if (!(address >= 0x20 && address <= 0x27 || address >= 0x38 && address <= 0x3f)) {
            throw new DeviceConfigException(dev.name(), NodeKey.REG.name(), String.format(
                    "0x%02x is not a PCF8574 address (0x20..0x27; PCF8574A 0x38..0x3f)", address));
        }
        String[] names = dev.getStringArray(LINE_NAMES);
        if (names.length != 0 && names.length != 8) {
            throw new DeviceConfigException(dev.name(), LINE_NAMES, names.length + " name(s) for 8 lines: give one "
                    + "per line (P0..P7)");
        }
        boolean irq = ChipInterrupt.configured(dev, INTERRUPTS, "INT");
        int bus = dev.getInt(NodeKey.I2C_BUS.name());
        I2C i2c = dev.i2c();
        Pcf8574 chip = new Pcf8574(dev.name(), i2c, String.format("I2C bus %d address 0x%02x", bus, address), names);
        chip.init();
        dev.addAction(chip::resetQuietly);
        GpioChip gc = dev.registerGpioController(chip);
        chip.attach(gc);
        if (irq) {
            ChipInterrupt.request(dev, INTERRUPTS, chip::service);
        }
        dev.setDriverData(chip);
        LOG.info("{}: PCF8574 at {}: 8 GPIO lines {}:0..7 (numbers {}..{}), {}", dev.name(), chip.where, dev.name(),
                gc.number(0), gc.number(7), irq ? "INT on GPIO " + dev.gpioName(INTERRUPTS, 0)
                        : "no INT line (consumers get no edges)");
    }
}
