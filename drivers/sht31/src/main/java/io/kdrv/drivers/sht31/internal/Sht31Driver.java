package io.kdrv.drivers.sht31.internal;

import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.Sensor;
import io.kdrv.drivers.sht31.Sht31Events;
import io.kdrv.drivers.sht31.Sht31Reading;
import io.kdrv.drivers.sht31.Sht31Sensor;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadStopTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for the Sensirion SHT31 (compatible {@code sensirion,sht31}) on I2C.
 *
 * <p>probe: validate the node, break + soft reset, read the status register (CRC-checked: the answer proves an
 * SHT3x is there), clear it, set the heater, start periodic mode if configured, declare the sensor channels
 * (temperature °C, humidity %RH) and start the core's sensor poller kthread {@code sensor/<device>} (bound to node
 * key {@code cpu} when present). Each reading becomes the device's latest
 * ({@link Sht31Sensor}) and an event on {@value Sht31Events#TOPIC}.
 *
 * <p>remove: stops the poller, then stops periodic mode and switches the heater off; devres releases the I2C
 * handle.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=sensirion,sht31")
public final class Sht31Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Sht31Driver.class);
    /** Datasheet soft-reset time 1.5 ms, rounded up. */
    private static final Duration RESET_TIME = Duration.ofMillis(2);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    /** Optional and dynamic: the driver works (events are logged) without Event Admin. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Map<String, Bound> sensors = new ConcurrentHashMap<>();

    /** Used by Declarative Services. */
    public Sht31Driver() {
    }

    /** For use without OSGi (tests, plain Java): events go to {@code eventAdmin}, or only to the log when null. */
    public Sht31Driver(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public Binding binding() {
        return Sht31Config.BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        Sht31Config config = Sht31Config.from(dev);
        I2C i2c = dev.i2c();
        Sht31Io io = new Sht31Io(i2c, dev.name(), dev.getInt(NodeKey.I2C_BUS.name()), config.address());
        Sht31Poller poller = new Sht31Poller(dev.name(), io, config, this::publish);
        poller.start(RESET_TIME);

        Sensor sensor = dev.sensor(Sht31Poller.CHANNELS);
        // The core's poller: kthread sensor/<device>, bound to cpu, period and overruns in kdrv:read. A bad cpu
        // fails the probe with a DeviceConfigException naming key 'cpu'.
        Kthread k = dev.startSensorPoller(sensor, config.pollPeriod(), config.cpu(), poller::poll);
        Bound bound = new Bound(poller, k);
        dev.setDriverData(poller);
        sensors.put(dev.name(), bound);
        dev.addAction(() -> sensors.remove(dev.name(), bound)); // also on a failed probe
        LOG.info("{}: SHT31 bound, {} mode, polling every {} ms on {}", io.where(),
                config.periodic() ? "periodic " + config.mps() + "/s" : "single-shot", config.pollPeriod().toMillis(),
                config.cpu() >= 0 ? "cpu " + config.cpu() : "any cpu");
    }

    @Override
    public void remove(Device dev) throws Exception {
        Bound bound = sensors.get(dev.name());
        if (bound == null) {
            return;
        }
        try {
            bound.thread().stop(STOP_TIMEOUT);
        } catch (KthreadStopTimeoutException e) {
            LOG.warn("{}: poller {} did not stop within {} ms; chip left running", dev.name(), bound.thread().name(),
                    STOP_TIMEOUT.toMillis());
            return;
        }
        try {
            bound.poller().idle();
        } catch (IOException e) {
            LOG.warn("{}: could not idle the chip on remove: {}", dev.name(), e.getMessage());
        }
    }

    /** The sensor of a bound device; empty when no such device is bound to this driver. */
    public Optional<Sht31Sensor> sensor(String device) {
        return Optional.ofNullable(sensors.get(device)).map(Bound::poller);
    }

    /** The poller kthread of a bound device, for diagnostics; empty when not bound. */
    public Optional<Kthread> pollerThread(String device) {
        return Optional.ofNullable(sensors.get(device)).map(Bound::thread);
    }

    private void publish(Sht31Reading r) {
        EventAdmin ea = eventAdmin;
        Sht31Sensor s = sensor(r.device()).orElse(null);
        boolean heater = s != null && s.heater();
        if (ea == null) {
            LOG.debug("{} (no Event Admin): {}", Sht31Events.TOPIC, r);
            return;
        }
        ea.postEvent(new Event(Sht31Events.TOPIC, Map.of(
                Sht31Events.DEVICE, r.device(),
                Sht31Events.TEMPERATURE, r.temperature(),
                Sht31Events.HUMIDITY, r.humidity(),
                Sht31Events.HEATER, heater,
                Sht31Events.TIMESTAMP, r.timestamp(),
                Sht31Events.SEQUENCE, r.sequence())));
    }

    private record Bound(Sht31Poller poller, Kthread thread) {
    }
}
