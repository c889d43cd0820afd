package io.kdrv.drivers.hd44780.internal;

import com.pi4j.io.gpio.digital.DigitalOutput;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.drivers.hd44780.Hd44780Display;
import io.kdrv.drivers.hd44780.Hd44780Events;
import io.kdrv.kthread.Kthread;
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
 * Driver for the Hitachi HD44780 character LCD controller and its clones (compatible {@code hit,hd44780}, as in
 * Linux's auxdisplay binding) in 4-bit mode on output lines.
 *
 * <p>probe: validate the node, claim RS, E, D4..D7 (and RW, held low) and the backlight line, all driven low;
 * register the release (display off, backlight off) as a devres action, so it also runs when the rest of the probe
 * fails; draw the node's {@code text}, run the datasheet's initialisation by instruction, display on, backlight on;
 * with {@code refresh-ms} start the refresh kthread {@code hd44780/<device>}. The device's driver data is its
 * {@link Hd44780Display}.
 *
 * <p>remove: devres stops the refresh kthread, then switches the display and the backlight off, then releases the
 * lines (driven low).
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=hit,hd44780")
public final class Hd44780Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Hd44780Driver.class);

    /** Optional and dynamic: the driver works (flushes are logged) without Event Admin. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin eventAdmin;

    private final Map<String, Hd44780Panel> displays = new ConcurrentHashMap<>();

    /** Used by Declarative Services. */
    public Hd44780Driver() {
    }

    /** For use without OSGi (tests, plain Java): events go to {@code eventAdmin}, or only to the log when null. */
    public Hd44780Driver(EventAdmin eventAdmin) {
        this.eventAdmin = eventAdmin;
    }

    @Override
    public Binding binding() {
        return Hd44780Config.BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        Hd44780Config config = Hd44780Config.from(dev);
        DigitalOutput[] lines = new DigitalOutput[config.rw() ? 7 : 6];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = dev.gpioOutput(Hd44780Config.GPIOS, i); // off state low: E idle, RW = write
        }
        DigitalOutput backlight = config.backlight() ? dev.gpioOutput(Hd44780Config.BACKLIGHT, 0) : null;
        Hd44780Panel panel = new Hd44780Panel(dev.name(), config, new Hd44780Bus(dev.name(), lines, backlight),
                this::publish);
        // Before the init: a probe that fails half-way still leaves the display dark. Runs before the lines go.
        dev.addAction(panel::release);
        for (int row = 0; row < config.text().size(); row++) {
            panel.drawLine(row, config.text().get(row));
        }
        panel.init();

        Kthread refresher = null;
        if (!config.refresh().isZero()) {
            refresher = dev.kthreadRun(ignored -> panel.refreshLoop(config.refresh()), panel, "hd44780/%s",
                    dev.name());
        }
        dev.setDriverData(panel);
        displays.put(dev.name(), panel);
        dev.addAction(() -> displays.remove(dev.name(), panel)); // also on a failed probe
        LOG.info("device {}: HD44780 {}x{} bound{}{}", dev.name(), config.columns(), config.rows(),
                backlight == null ? "" : ", backlight " + (config.backlightOn() ? "on" : "off"),
                refresher == null ? "" : ", refreshed every " + config.refresh().toMillis() + " ms");
    }

    /** The display of a bound device; empty when no such device is bound to this driver. */
    public Optional<Hd44780Display> display(String device) {
        return Optional.ofNullable(displays.get(device));
    }

    private void publish(Hd44780Panel.Flushed f) {
        EventAdmin ea = eventAdmin;
        if (ea == null) {
            LOG.debug("{} (no Event Admin): {} rows {}", Hd44780Events.TOPIC, f.device(), f.rows());
            return;
        }
        ea.postEvent(new Event(Hd44780Events.TOPIC, Map.of(
                Hd44780Events.DEVICE, f.device(),
                Hd44780Events.ROWS, f.rows(),
                Hd44780Events.ON, f.on(),
                Hd44780Events.BACKLIGHT, f.backlight(),
                Hd44780Events.TIMESTAMP, System.currentTimeMillis(),
                Hd44780Events.SEQUENCE, f.sequence())));
    }
}
