package ${package}.internal;

import ${package}.TemperatureSensor;
import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.NodeKey;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for compatible {@code ${compatible}}: an I2C temperature sensor polled by a kthread.
 *
 * <p>probe: check the chip id, wake the chip (clear CONFIG.SD), start the poller kthread
 * {@code temp/<device>} that samples at once and then every {@code poll-ms}. Everything is acquired through the
 * {@link Device}, so devres undoes it in reverse order on remove or on a failed probe: the poller stops, the chip
 * is shut down again, the I2C handle is released. No {@code remove} is needed.
 *
 * <p>configurationPolicy IGNORE: the component has no configuration of its own; device nodes
 * (Configuration Admin factory PID {@code kdrv.device}) are matched to it by the kdrv core through the
 * {@value Driver#COMPATIBLE} service property.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=${compatible}")
public final class TemperatureDriver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(TemperatureDriver.class);

    static final NodeKey POLL_MS = NodeKey.ofLong("poll-ms").defaultValue(1000L).min(1).description("poll period");
    /** The node keys this driver reads: the core checks nodes against them before probe. */
    static final Binding BINDING = Binding.of(NodeKey.REG, NodeKey.I2C_BUS, POLL_MS);

    private final Map<String, Poller> sensors = new ConcurrentHashMap<>();

    @Override
    public Binding binding() {
        return BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        String where = dev.name() + " (i2c bus " + dev.getInt(NodeKey.I2C_BUS.name()) + ", address "
                + Registers.hex(dev.getInt(NodeKey.REG.name())) + ")";
        I2C i2c = dev.i2c(); // claims the address; released by devres
        int id = i2c.readRegister(Registers.ID);
        if (id != Registers.CHIP_ID) {
            throw new IOException(where + ": id register " + Registers.hex(Registers.ID) + " reads "
                    + Registers.hex(id) + ", expected " + Registers.hex(Registers.CHIP_ID));
        }
        i2c.writeRegister(Registers.CONFIG, 0);
        // Registered after the I2C handle, so it runs before the handle is released (devres: reverse order).
        dev.addAction(() -> i2c.writeRegister(Registers.CONFIG, Registers.CONFIG_SHUTDOWN));

        Poller poller = new Poller(dev.name(), where, i2c, Duration.ofMillis(dev.getLong(POLL_MS.name())));
        sensors.put(dev.name(), poller);
        dev.addAction(() -> sensors.remove(dev.name(), poller));
        dev.setDriverData(poller);
        // Registered last, so stopped first: the poller never touches a chip that is already shut down.
        dev.kthreadRun(Poller::run, poller, "temp/%s", dev.name());
        LOG.info("{}: bound, polling every {} ms", where, dev.getLong(POLL_MS.name()));
    }

    /**
     * The sensor of a bound device.
     *
     * @param device device node name
     * @return the sensor; empty when no such device is bound to this driver
     */
    public Optional<TemperatureSensor> sensor(String device) {
        return Optional.ofNullable(sensors.get(device));
    }
}
