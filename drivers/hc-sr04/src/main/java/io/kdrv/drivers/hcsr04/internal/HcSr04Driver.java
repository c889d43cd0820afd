package io.kdrv.drivers.hcsr04.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.NodeKey;
import io.kdrv.drivers.hcsr04.DistanceSensor;
import io.kdrv.drivers.hcsr04.HcSr04Events;
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
 * Driver for the HC-SR04 ultrasonic ranger (compatible {@code hc-sr04}).
 *
 * <p>probe claims the trigger output ({@code gpios[0]}, off LOW) and the echo input ({@code gpios[1]}) with a
 * threaded IRQ on both echo edges, and starts poller kthread {@code hcsr04/<device>}: one measurement at once and
 * then every {@code poll-ms}. A measurement is a 10 µs trigger pulse; the distance comes from the echo pulse width
 * measured between the rising and falling edge timestamps of the IRQ (no busy-waiting on the echo line).
 * Everything is device-managed: remove stops the poller, frees the IRQ and releases both lines.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE, property = Driver.COMPATIBLE + "=hc-sr04")
public final class HcSr04Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(HcSr04Driver.class);

    static final String GPIOS = "gpios";
    static final String POLL_MS = "poll-ms";
    static final String TIMEOUT_MS = "timeout-ms";
    static final String SPEED_OF_SOUND = "speed-of-sound";
    static final String TEMPERATURE = "temperature";
    /** Speed of sound in dry air at 20 °C, m/s. */
    static final double DEFAULT_SPEED_OF_SOUND = 343.2;

    /** The node keys this driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(
            NodeKey.ofIntArray(GPIOS).required().min(0).description("two lines: trigger output, echo input"),
            NodeKey.ofLong(POLL_MS).defaultValue(100L).min(60)
                    .description("measurement period in ms (datasheet: at least 60 ms between triggers)"),
            NodeKey.ofLong(TIMEOUT_MS).defaultValue(60L).min(1)
                    .description("no complete echo within this many ms of the trigger = no target in range"),
            NodeKey.ofDouble(SPEED_OF_SOUND).defaultValue(DEFAULT_SPEED_OF_SOUND).min(1)
                    .description("speed of sound in m/s; or give temperature"),
            NodeKey.ofDouble(TEMPERATURE)
                    .description("air temperature in °C (-100..100): speed of sound = 331.3 * sqrt(1 + T/273.15)"));

    /** Optional and dynamic: without Event Admin readings are logged, and its arrival does not restart the driver. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Map<String, Ranger> bound = new ConcurrentHashMap<>();

    /** Used by Declarative Services. */
    public HcSr04Driver() {
    }

    /** For use without OSGi (tests, plain Java): events go to {@code eventAdmin}, or only to the log when null. */
    public HcSr04Driver(EventAdmin eventAdmin) {
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
            throw new DeviceConfigException(dev.name(), GPIOS, "needs two different GPIO lines [trigger, echo], got "
                    + dev.gpioNames(GPIOS));
        }
        double speed = speedOfSound(dev);
        Duration period = Duration.ofMillis(dev.getLong(POLL_MS));
        Duration timeout = Duration.ofMillis(dev.getLong(TIMEOUT_MS));

        DigitalOutput trigger = dev.gpioOutput(GPIOS, 0);
        DigitalInput echo = dev.gpioInput(GPIOS, 1);
        Ranger ranger = new Ranger(dev.name(), dev.gpioName(GPIOS, 0), dev.gpioName(GPIOS, 1), trigger, speed, period, timeout, this::post);
        Irq irq = dev.requestThreadedIrq(echo, Edge.BOTH, ranger::onEcho);
        ranger.irq(irq);
        Kthread k = dev.kthreadCreate(r -> r.run(), ranger, "hcsr04/%s", dev.name());
        k.owner("device " + dev.name());
        dev.setDriverData(ranger);
        bound.put(dev.name(), ranger);
        dev.addAction(() -> bound.remove(dev.name(), ranger));
        k.wakeUp();
        LOG.info("{}: HC-SR04 trigger GPIO {}, echo GPIO {}, every {} ms, {} m/s", dev.name(), dev.gpioName(GPIOS, 0),
                dev.gpioName(GPIOS, 1),
                period.toMillis(), speed);
    }

    /** speed-of-sound or temperature, not both: two sources for one value would silently disagree. */
    static double speedOfSound(Device dev) {
        boolean bySpeed = dev.has(SPEED_OF_SOUND);
        if (!dev.has(TEMPERATURE)) {
            return dev.getDouble(SPEED_OF_SOUND);
        }
        if (bySpeed) {
            throw new DeviceConfigException(dev.name(), TEMPERATURE, "give " + SPEED_OF_SOUND + " or " + TEMPERATURE
                    + ", not both");
        }
        double t = dev.getDouble(TEMPERATURE);
        try {
            return Ranger.speedOfSound(t);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(dev.name(), TEMPERATURE, e.getMessage());
        }
    }

    /**
     * The state of a bound device.
     *
     * @param device device node name
     * @return the sensor, empty when no such device is bound to this driver
     */
    public Optional<DistanceSensor> sensor(String device) {
        return Optional.ofNullable(bound.get(device));
    }

    private void post(Map<String, Object> props) {
        EventAdmin ea = eventAdmin;
        if (ea != null) {
            ea.postEvent(new Event(HcSr04Events.TOPIC, props));
        } else {
            LOG.debug("{} (no Event Admin): {}", HcSr04Events.TOPIC, props);
        }
    }
}
