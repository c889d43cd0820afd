package io.kdrv.drivers.pca9685.internal;

import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.NodeKey;
import io.kdrv.drivers.pca9685.Pca9685;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for the NXP PCA9685 16-channel 12-bit PWM controller on I2C (compatible {@code nxp,pca9685-pwm}, as in
 * Linux).
 *
 * <p>probe: validate the node, read MODE1 and PRE_SCALE (the chip must answer, and PRE_SCALE must read &ge; 3),
 * turn every output full off, set MODE2, the prescaler for node key {@code frequency} (in sleep, as the data sheet
 * requires) and auto-increment, wake the oscillator, then register the chip as this device's PWM controller: other
 * nodes use its channels as {@code "pwms": ["<this-device>:<channel>"]}. No kthread: every change is a bus write on
 * the caller's thread.
 *
 * <p>remove (and unplug, and a failed probe): consumers are removed first (device links), then every output goes
 * full off and the chip to sleep; devres releases the I2C handle.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=nxp,pca9685-pwm")
public final class Pca9685Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Pca9685Driver.class);

    private final Map<String, Pca9685Controller> chips = new ConcurrentHashMap<>();

    @Override
    public Binding binding() {
        return Pca9685Config.BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        Pca9685Config config = Pca9685Config.from(dev);
        I2C i2c = dev.i2c();
        Pca9685Controller chip = new Pca9685Controller(i2c, dev.name(), dev.getInt(NodeKey.I2C_BUS.name()),
                dev.getInt(NodeKey.REG.name()), config);
        // Registered before init so that a probe failing half-way still leaves the outputs off; it runs before
        // the I2C handle is released (devres is reverse order).
        dev.addAction(() -> allOffQuietly(chip));
        chip.init();
        chips.put(dev.name(), chip);
        dev.addAction(() -> chips.remove(dev.name(), chip));
        dev.setDriverData(chip);
        dev.registerPwmController(chip);
        LOG.info("{}: PCA9685 bound, prescale {} ({} Hz){}{}", chip.where(), chip.prescale(),
                String.format("%.1f", chip.frequency()), config.inverted() ? ", inverted" : "",
                config.openDrain() ? ", open drain" : "");
    }

    private static void allOffQuietly(Pca9685Controller chip) {
        try {
            chip.shutdown();
        } catch (IOException e) {
            LOG.warn("{}: could not turn the outputs off: {}", chip.where(), e.getMessage());
        }
    }

    /** The chip of a bound device; empty when no such device is bound to this driver. */
    public Optional<Pca9685> chip(String device) {
        return Optional.ofNullable(chips.get(device));
    }
}
