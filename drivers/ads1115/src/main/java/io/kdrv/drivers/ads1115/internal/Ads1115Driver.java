package io.kdrv.drivers.ads1115.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.Sensor;
import io.kdrv.drivers.ads1115.Ads1115Events;
import io.kdrv.drivers.ads1115.Ads1115Reading;
import io.kdrv.drivers.ads1115.Ads1115Sensor;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadStopTimeoutException;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
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
 * Driver for the TI ADS1115 16-bit ADC (compatible {@code ti,ads1115}) on I2C.
 *
 * <p>probe: validate the node, claim the ALERT/RDY line and request its threaded IRQ when {@code ready-gpios} is
 * given, set and read back the threshold registers (presence check), declare one sensor channel per input (V)
 * and start the core's sensor poller kthread {@code sensor/<device>} (bound to node key {@code cpu} when present). Each reading (all channels) becomes the
 * device's latest ({@link Ads1115Sensor}) and an event on {@value Ads1115Events#TOPIC}.
 *
 * <p>remove: stops the poller and restores the power-on thresholds (the chip is powered down between single-shot
 * conversions anyway); devres frees the IRQ, the line and the I2C handle.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=ti,ads1115")
public final class Ads1115Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Ads1115Driver.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    /** Optional and dynamic: the driver works (events are logged) without Event Admin. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Map<String, Bound> sensors = new ConcurrentHashMap<>();

    /** Used by Declarative Services. */
    public Ads1115Driver() {
    }

    /** For use without OSGi (tests, plain Java): events go to {@code eventAdmin}, or only to the log when null. */
    public Ads1115Driver(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public Binding binding() {
        return Ads1115Config.BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        Ads1115Config config = Ads1115Config.from(dev);
        I2C i2c = dev.i2c();
        Ads1115Io io = new Ads1115Io(i2c, dev.name(), dev.getInt(NodeKey.I2C_BUS.name()), config.address());
        Integer readyGpio = config.readyIrq() ? dev.getIntArray(Ads1115Config.READY_GPIOS)[0] : null;
        Ads1115Poller poller = new Ads1115Poller(dev.name(), io, config,
                readyGpio == null ? null : dev.gpioName(Ads1115Config.READY_GPIOS, 0), this::publish);
        if (readyGpio != null) {
            DigitalInput rdy = dev.gpioInput(Ads1115Config.READY_GPIOS, 0);
            // ALERT/RDY is open-drain, active low: the falling edge is the end of a conversion.
            dev.requestThreadedIrq(rdy, Edge.FALLING, poller::onReady);
        }
        poller.configure();

        Sensor sensor = dev.sensor(poller.channels());
        // The core's poller: kthread sensor/<device>, bound to cpu, period and overruns in kdrv:read. A bad cpu
        // fails the probe with a DeviceConfigException naming key 'cpu'.
        Kthread k = dev.startSensorPoller(sensor, config.pollPeriod(), config.cpu(), poller::poll);
        Bound bound = new Bound(poller, k);
        dev.setDriverData(poller);
        sensors.put(dev.name(), bound);
        dev.addAction(() -> sensors.remove(dev.name(), bound)); // also on a failed probe
        LOG.info("{}: ADS1115 bound, channels {} at ±{} V, {} SPS, every {} ms, conversion end by {}", io.where(),
                config.channels(), config.fullScale(), config.sps(), config.pollPeriod().toMillis(),
                readyGpio != null ? "ALERT/RDY on GPIO " + dev.gpioName(Ads1115Config.READY_GPIOS, 0) : "OS-bit polling");
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
            LOG.warn("{}: poller {} did not stop within {} ms", dev.name(), bound.thread().name(),
                    STOP_TIMEOUT.toMillis());
            return;
        }
        try {
            bound.poller().idle();
        } catch (IOException e) {
            LOG.warn("{}: could not restore the thresholds on remove: {}", dev.name(), e.getMessage());
        }
    }

    /** The sensor of a bound device; empty when no such device is bound to this driver. */
    public Optional<Ads1115Sensor> sensor(String device) {
        return Optional.ofNullable(sensors.get(device)).map(Bound::poller);
    }

    /** The poller kthread of a bound device, for diagnostics; empty when not bound. */
    public Optional<Kthread> pollerThread(String device) {
        return Optional.ofNullable(sensors.get(device)).map(Bound::thread);
    }

    private void publish(Ads1115Reading r) {
        EventAdmin ea = eventAdmin;
        if (ea == null) {
            LOG.debug("{} (no Event Admin): {}", Ads1115Events.TOPIC, r);
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(Ads1115Events.DEVICE, r.device());
        props.put(Ads1115Events.CHANNELS, r.channels().toArray(String[]::new));
        props.put(Ads1115Events.VOLTS, r.volts().stream().mapToDouble(Double::doubleValue).toArray());
        for (int i = 0; i < r.channels().size(); i++) {
            props.put(Ads1115Events.VOLTS_PREFIX + r.channels().get(i), r.volts().get(i));
        }
        props.put(Ads1115Events.FULL_SCALE, r.fullScale());
        props.put(Ads1115Events.TIMESTAMP, r.timestamp());
        props.put(Ads1115Events.SEQUENCE, r.sequence());
        ea.postEvent(new Event(Ads1115Events.TOPIC, props));
    }

    private record Bound(Ads1115Poller poller, Kthread thread) {
    }
}
