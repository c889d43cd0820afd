package io.kdrv.drivers.ssd1306.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.NodeKey;
import io.kdrv.drivers.ssd1306.Ssd1306Display;
import io.kdrv.drivers.ssd1306.Ssd1306Events;
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
 * Driver for the Solomon SSD1306 128x64 OLED controller (compatible {@code solomon,ssd1306}) on I2C.
 *
 * <p>probe: validate the node, send the init sequence (display off, clock, multiplex 64, offset, start line,
 * charge pump, horizontal addressing, segment remap / COM scan, COM pins, contrast, precharge, VCOMH, resume to
 * RAM, normal, no scroll), draw the node's {@code text} lines, write the whole display RAM, display on; with
 * {@code refresh-ms} start the refresh kthread {@code ssd1306/<device>}. The device's driver data is its
 * {@link Ssd1306Display}.
 *
 * <p>remove: stops the refresh kthread, then sends display off (0xAE: the panel sleeps, dark); devres releases
 * the I2C handle.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=solomon,ssd1306")
public final class Ssd1306Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Ssd1306Driver.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);

    /** Optional and dynamic: the driver works (flushes are logged) without Event Admin. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Map<String, Bound> displays = new ConcurrentHashMap<>();

    /** Used by Declarative Services. */
    public Ssd1306Driver() {
    }

    /** For use without OSGi (tests, plain Java): events go to {@code eventAdmin}, or only to the log when null. */
    public Ssd1306Driver(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public Binding binding() {
        return Ssd1306Config.BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        Ssd1306Config config = Ssd1306Config.from(dev);
        Ssd1306Panel panel = new Ssd1306Panel(dev.name(), dev.i2c(), dev.getInt(NodeKey.I2C_BUS.name()),
                config.address(), this::publish);
        for (int line = 0; line < config.text().size(); line++) {
            panel.drawLine(line, config.text().get(line));
        }
        panel.init(config);

        Kthread refresher = null;
        if (!config.refresh().isZero()) {
            refresher = dev.kthreadRun(ignored -> panel.refreshLoop(config.refresh()), panel, "ssd1306/%s",
                    dev.name());
        }
        Bound bound = new Bound(panel, refresher);
        dev.setDriverData(panel);
        displays.put(dev.name(), bound);
        dev.addAction(() -> displays.remove(dev.name(), bound)); // also on a failed probe
        LOG.info("{}: SSD1306 128x64 bound, contrast {}{}", panel.where(), config.contrast(),
                refresher == null ? "" : ", refreshed every " + config.refresh().toMillis() + " ms");
    }

    @Override
    public void remove(Device dev) throws Exception {
        Bound bound = displays.get(dev.name());
        if (bound == null) {
            return;
        }
        if (bound.refresher() != null) {
            try {
                bound.refresher().stop(STOP_TIMEOUT);
            } catch (KthreadStopTimeoutException e) {
                LOG.warn("{}: refresh kthread {} did not stop within {} ms", dev.name(), bound.refresher().name(),
                        STOP_TIMEOUT.toMillis());
            }
        }
        try {
            bound.panel().release();
        } catch (IOException e) {
            LOG.warn("{}: could not switch the display off on remove: {}", dev.name(), e.getMessage());
        }
    }

    /** The display of a bound device; empty when no such device is bound to this driver. */
    public Optional<Ssd1306Display> display(String device) {
        return Optional.ofNullable(displays.get(device)).map(Bound::panel);
    }

    private void publish(Ssd1306Panel.Flushed f) {
        EventAdmin ea = eventAdmin;
        if (ea == null) {
            LOG.debug("{} (no Event Admin): {} pages {}", Ssd1306Events.TOPIC, f.device(), f.pages());
            return;
        }
        ea.postEvent(new Event(Ssd1306Events.TOPIC, Map.of(
                Ssd1306Events.DEVICE, f.device(),
                Ssd1306Events.PAGES, f.pages(),
                Ssd1306Events.BYTES, f.pages().length * Ssd1306Display.WIDTH,
                Ssd1306Events.ON, f.on(),
                Ssd1306Events.TIMESTAMP, System.currentTimeMillis(),
                Ssd1306Events.SEQUENCE, f.sequence())));
    }

    private record Bound(Ssd1306Panel panel, Kthread refresher) {
    }
}
