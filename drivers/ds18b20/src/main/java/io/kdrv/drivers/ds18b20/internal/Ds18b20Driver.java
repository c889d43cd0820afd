package io.kdrv.drivers.ds18b20.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Sensor;
import io.kdrv.driver.W1Slave;
import io.kdrv.drivers.ds18b20.Ds18b20Scratchpad;
import io.kdrv.drivers.ds18b20.Ds18b20Sensor;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for the Maxim DS18B20 1-Wire thermometer (compatible {@code maxim,ds18b20}), one device node per sensor
 * (several may share a bus: each node names its {@code w1-id}).
 *
 * <p>probe: check the node (resolution 9..12, a family-0x28 id), claim the slave ({@link Device#w1()}), read the
 * scratchpad (CRC-checked: proves the sensor answers), write the configuration register when its resolution
 * differs (and COPY SCRATCHPAD with {@code save-config}), read it back, then start the core's sensor poller
 * ({@code sensor/<device>}, channel {@code temperature} in °C). Every resource is device-managed: remove has
 * nothing to undo (the sensor idles by itself between conversions).
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=maxim,ds18b20")
public final class Ds18b20Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Ds18b20Driver.class);

    private final Map<String, Ds18b20Poller> sensors = new ConcurrentHashMap<>();

    /** Used by Declarative Services, and by tests. */
    public Ds18b20Driver() {
    }

    @Override
    public Binding binding() {
        return Ds18b20Config.BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        Ds18b20Config config = Ds18b20Config.from(dev);
        W1Slave slave = dev.w1();
        Ds18b20Io io = new Ds18b20Io(dev.name(), slave);
        Ds18b20Poller poller = new Ds18b20Poller(dev.name(), slave.id(), io, config);

        if (io.raw()) {
            Ds18b20Scratchpad pad = poller.readChecked(config.retries());
            if (pad.resolution() != config.resolution()) {
                io.writeConfig(pad.alarmHigh(), pad.alarmLow(), config.resolution());
                Ds18b20Scratchpad back = poller.readChecked(config.retries());
                if (back.resolution() != config.resolution()) {
                    throw new IOException(io.where() + ": configuration register reads "
                            + String.format("0x%02x", back.config()) + " after writing "
                            + String.format("0x%02x", Ds18b20Scratchpad.configFor(config.resolution()))
                            + " (not a DS18B20, or a clone without settable resolution?)");
                }
                if (config.save()) {
                    io.saveConfig();
                }
            }
        } else {
            // The kernel's w1_therm owns the slave: its resolution file (kernel 5.10+) sets the configuration.
            try {
                io.writeConfig(0, 0, config.resolution());
                if (config.save()) {
                    io.saveConfig();
                }
            } catch (IOException e) {
                LOG.warn("{}: cannot set the resolution through the kernel's w1_therm files ({}); the sensor keeps "
                        + "its own", io.where(), e.getMessage());
            }
            poller.readChecked(config.retries()); // proves it answers
        }

        Sensor sensor = dev.sensor(Ds18b20Poller.TEMPERATURE);
        sensors.put(dev.name(), poller);
        dev.addAction(() -> sensors.remove(dev.name(), poller)); // also on a failed probe
        dev.startSensorPoller(sensor, config.pollPeriod(), config.cpu(), poller::poll);
        LOG.info("{}: DS18B20 bound, {} bits ({} ms conversion), polling every {} ms{}", io.where(),
                config.resolution(), Ds18b20Scratchpad.conversionNanos(config.resolution()) / 1e6,
                config.pollPeriod().toMillis(), io.raw() ? "" : " through the kernel's w1_therm files");
    }

    /**
     * The sensor of a bound device.
     *
     * @return empty when no such device is bound to this driver
     */
    public Optional<Ds18b20Sensor> sensor(String device) {
        return Optional.ofNullable(sensors.get(device));
    }
}
