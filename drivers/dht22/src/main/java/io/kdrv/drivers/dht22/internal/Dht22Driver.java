package io.kdrv.drivers.dht22.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.driver.NodeKey;
import io.kdrv.drivers.dht22.Dht22Events;
import io.kdrv.drivers.dht22.Dht22Sensor;
import io.kdrv.kthread.Kthread;
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
 * Driver for the DHT22 / AM2302 temperature and humidity sensor (compatible {@code dht22}).
 *
 * <p>The sensor has one open-drain data line. kdrv claims a line either as input or as output, so the driver uses
 * the common two-line wiring: {@code gpios[0]} is the data line as input (threaded IRQ on both edges), and
 * {@code gpios[1]} is an output that pulls the data line low through a diode (cathode at the GPIO; LOW pulls,
 * HIGH releases: {@code start-active-low}, the default) or a transistor ({@code start-active-low: false}). The
 * data input therefore sees the host's start pulse as well as the sensor's answer. probe claims both lines (the
 * start line released), requests the IRQ and starts poller kthread {@code dht22/<device>}; see
 * {@link Dht22Reader}. Everything is device-managed.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=dht22")
public final class Dht22Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Dht22Driver.class);

    static final String GPIOS = "gpios";
    static final String POLL_MS = "poll-ms";
    static final String TIMEOUT_MS = "timeout-ms";
    static final String RETRIES = "retries";
    static final String RETRY_MS = "retry-ms";
    static final String START_ACTIVE_LOW = "start-active-low";

    /** The node keys this driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(
            NodeKey.ofIntArray(GPIOS).required().min(0)
                    .description("two lines: data input, start output that pulls the data line low"),
            NodeKey.ofLong(POLL_MS).defaultValue(3000L).min(2000)
                    .description("reading period in ms (datasheet: at least 2 s between reads)"),
            NodeKey.ofLong(TIMEOUT_MS).defaultValue(100L).min(5)
                    .description("a response not complete this many ms after the start signal fails the attempt"),
            NodeKey.ofInt(RETRIES).defaultValue(2).min(0)
                    .description("retries of a failed attempt (checksum error, timeout) before the reading fails"),
            NodeKey.ofLong(RETRY_MS).defaultValue(2000L).min(2000)
                    .description("first retry backoff in ms, doubled per retry (at least the 2 s minimum)"),
            NodeKey.ofBoolean(START_ACTIVE_LOW).defaultValue(true)
                    .description("the start output pulls the data line low when LOW (diode wiring)"));

    /** Optional and dynamic: without Event Admin readings are logged, and its arrival does not restart the driver. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Map<String, Dht22Reader> bound = new ConcurrentHashMap<>();

    /** Used by Declarative Services. */
    public Dht22Driver() {
    }

    /** For use without OSGi (tests, plain Java): events go to {@code eventAdmin}, or only to the log when null. */
    public Dht22Driver(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public Binding binding() {
        return BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        int[] lines = dev.getIntArray(GPIOS);
        if (lines.length != 2 || lines[0] == lines[1]) {
            throw new DeviceConfigException(dev.name(), GPIOS, "needs two different GPIO lines [data, start] (the "
                    + "data input and the output that pulls it low), got " + dev.gpioNames(GPIOS));
        }
        boolean activeLow = dev.getBoolean(START_ACTIVE_LOW);
        DigitalState released = activeLow ? DigitalState.HIGH : DigitalState.LOW;
        DigitalInput data = dev.gpioInput(GPIOS, 0);
        DigitalOutput start = dev.gpioOutput(GPIOS, 1, released); // released when claimed and after release
        Dht22Reader reader = new Dht22Reader(dev.name(), dev.gpioName(GPIOS, 0), dev.gpioName(GPIOS, 1), start, activeLow,
                Duration.ofMillis(dev.getLong(POLL_MS)), Duration.ofMillis(dev.getLong(TIMEOUT_MS)),
                dev.getInt(RETRIES), Duration.ofMillis(dev.getLong(RETRY_MS)), this::post);
        dev.requestThreadedIrq(data, Edge.BOTH, reader::onEdge);
        Kthread k = dev.kthreadCreate(r -> r.run(), reader, "dht22/%s", dev.name());
        k.owner("device " + dev.name());
        dev.setDriverData(reader);
        bound.put(dev.name(), reader);
        dev.addAction(() -> bound.remove(dev.name(), reader));
        k.wakeUp();
        LOG.info("{}: DHT22 data GPIO {}, start GPIO {} ({}), every {} ms", dev.name(), dev.gpioName(GPIOS, 0),
                dev.gpioName(GPIOS, 1),
                activeLow ? "pulls when LOW" : "pulls when HIGH", dev.getLong(POLL_MS));
    }

    /**
     * The state of a bound device.
     *
     * @param device device node name
     * @return the sensor, empty when no such device is bound to this driver
     */
    public Optional<Dht22Sensor> sensor(String device) {
        return Optional.ofNullable(bound.get(device));
    }

    private void post(Map<String, Object> props) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(Dht22Events.TOPIC, props));
        } else {
            LOG.debug("{} (no Event Admin): {}", Dht22Events.TOPIC, props);
        }
    }
}
