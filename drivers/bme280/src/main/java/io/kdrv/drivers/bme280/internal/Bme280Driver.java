package io.kdrv.drivers.bme280.internal;

import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Sensor;
import io.kdrv.drivers.bme280.Bme280Calibration;
import io.kdrv.drivers.bme280.Bme280Events;
import io.kdrv.drivers.bme280.Bme280Reading;
import io.kdrv.drivers.bme280.Bme280Sensor;
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
 * Driver for the Bosch BME280 (compatible {@code bosch,bme280}) on I2C.
 *
 * <p>probe: validate the node, check the chip id ({@code 0xD0} must read {@code 0x60}), soft-reset, read the
 * trimming, configure oversampling/filter/mode, then start the core's sensor poller kthread {@code sensor/<device>} (bound to
 * node key {@code cpu} when present). Each reading becomes the device's latest ({@link Bme280Sensor}) and an event
 * on {@value Bme280Events#TOPIC}.
 *
 * <p>remove: stops the poller (devres would, but the chip must be idle before it is put to sleep) and puts the
 * chip in sleep mode; devres then releases the I2C handle.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = Driver.COMPATIBLE + "=bosch,bme280")
public final class Bme280Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Bme280Driver.class);
    private static final Duration RESET_TIMEOUT = Duration.ofMillis(50);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    /** Optional and dynamic: the driver works (events are logged) without Event Admin, and is not restarted when it comes or goes. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Map<String, Bound> sensors = new ConcurrentHashMap<>();

    /** Used by Declarative Services. */
    public Bme280Driver() {
    }

    /** For use without OSGi (tests, plain Java): events go to {@code eventAdmin}, or only to the log when null. */
    public Bme280Driver(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public Binding binding() {
        return Bme280Config.BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        Bme280Config config = Bme280Config.from(dev);
        I2C i2c = dev.i2c();
        // Same keys and defaults as Device.i2c(), which has just accepted them.
        Bme280Io io = new Bme280Io(i2c, dev.name(), String.valueOf(dev.getInt("i2c-bus")),
                Bme280Io.hex(dev.getInt("reg")));
        int id = io.read(Bme280Registers.ID);
        if (id != Bme280Registers.CHIP_ID_BME280) {
            throw new IOException(io.where() + ": chip id register 0xD0 reads " + Bme280Io.hex(id)
                    + ", expected 0x60 (BME280)" + (id == 0x58 ? "; 0x58 is a BMP280, which has no humidity" : ""));
        }
        io.softReset(RESET_TIMEOUT);
        Bme280Calibration cal = io.readCalibration();
        Bme280Poller poller = new Bme280Poller(dev.name(), io, cal, config, this::publish);
        poller.configure();

        Sensor sensor = dev.sensor(Bme280Poller.CHANNELS);
        // The core's poller: kthread sensor/<device>, bound to cpu, period and overruns in kdrv:read. A bad cpu
        // fails the probe with a DeviceConfigException naming key 'cpu'.
        Kthread k = dev.startSensorPoller(sensor, config.pollPeriod(), config.cpu(), poller::poll);
        Bound bound = new Bound(poller, k);
        dev.setDriverData(bound);
        sensors.put(dev.name(), bound);
        dev.addAction(() -> sensors.remove(dev.name(), bound)); // also on a failed probe
        LOG.info("{}: BME280 bound, polling every {} ms in {} mode on {}", io.where(), config.pollPeriod().toMillis(),
                config.forced() ? "forced" : "normal",
                config.cpu() >= 0 ? "cpu " + config.cpu() : "any cpu");
    }

    @Override
    public void remove(Device dev) throws Exception {
        Bound bound = dev.driverData(Bound.class);
        if (bound == null) {
            return;
        }
        try {
            // Bounded, and idempotent: devres' later stop returns the same code.
            bound.thread().stop(STOP_TIMEOUT);
        } catch (KthreadStopTimeoutException e) {
            LOG.warn("{}: poller {} did not stop within {} ms (stuck in I2C?); chip left running",
                    dev.name(), bound.thread().name(), STOP_TIMEOUT.toMillis());
            return;
        }
        try {
            bound.poller().sleep();
        } catch (IOException e) {
            LOG.warn("{}: could not put the chip to sleep on remove: {}", dev.name(), e.getMessage());
        }
    }

    /**
     * The sensor of a bound device.
     *
     * @param device device node name
     * @return the sensor, empty when no such device is bound to this driver
     */
    public Optional<Bme280Sensor> sensor(String device) {
        return Optional.ofNullable(sensors.get(device));
    }

    /**
     * The poller kthread of a bound device, for diagnostics (CPU binding, wake-ups).
     *
     * @param device device node name
     * @return the kthread, empty when no such device is bound to this driver
     */
    public Optional<Kthread> pollerThread(String device) {
        return Optional.ofNullable(sensors.get(device)).map(Bound::thread);
    }

    private void publish(Bme280Reading r) {
        EventAdmin ea = eventAdmin;
        if (ea == null) {
            LOG.debug("{} (no Event Admin): {}", Bme280Events.TOPIC, r);
            return;
        }
        ea.postEvent(new Event(Bme280Events.TOPIC, Map.of(
                Bme280Events.DEVICE, r.device(),
                Bme280Events.TEMPERATURE, r.temperature(),
                Bme280Events.PRESSURE, r.pressure(),
                Bme280Events.HUMIDITY, r.humidity(),
                Bme280Events.TIMESTAMP, r.timestamp(),
                Bme280Events.SEQUENCE, r.sequence())));
    }

    /**
     * What a bound device keeps as driver data: the poller, which is also the device's {@link Bme280Sensor}, and
     * its kthread.
     */
    record Bound(Bme280Poller poller, Kthread thread) implements Bme280Sensor {
        @Override
        public String device() {
            return poller.device();
        }

        @Override
        public Optional<Bme280Reading> latest() {
            return poller.latest();
        }

        @Override
        public long readings() {
            return poller.readings();
        }

        @Override
        public long errors() {
            return poller.errors();
        }

        @Override
        public String threadName() {
            return thread.name();
        }
    }
}
