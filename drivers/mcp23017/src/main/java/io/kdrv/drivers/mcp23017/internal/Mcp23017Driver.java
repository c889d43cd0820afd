package io.kdrv.drivers.mcp23017.internal;

import static io.kdrv.drivers.mcp23017.Mcp23017Registers.*;

import com.pi4j.io.i2c.I2C;
import io.kdrv.driver.Binding;
import io.kdrv.driver.ChipInterrupt;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.Driver;
import io.kdrv.driver.GpioChip;
import io.kdrv.driver.NodeKey;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.PeriodicTimer;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Driver for the Microchip MCP23017 16-line I2C GPIO expander (compatible {@code microchip,mcp23017}), after Linux
 * {@code drivers/pinctrl/pinctrl-mcp23s08.c}: it registers a GPIO controller whose lines other nodes reference as
 * {@code "<device>:<0..15>"} (GPA0..7 = 0..7, GPB0..7 = 8..15).
 *
 * <p>probe: IOCON = MIRROR | ODR (INTA and INTB both signal either port, open-drain active-low), then the power-on
 * state (every pin an input without pull-up, interrupts off), read back to prove an MCP23017 answers; register the
 * controller; with node key {@code interrupts} request that SoC line (pull-up, active-low) and a threaded IRQ on it
 * (kthread {@code irq/<line>-<device>}) that reads INTF and INTCAP (which clears the interrupt), then GPIO, and
 * delivers each changed line to its consumer's IRQ ({@link GpioChip#handleNestedIrq}); without it, node key
 * {@code poll-ms} polls the same way on kthread {@code mcp23017/<device>}.
 *
 * <p>remove: devres, in reverse order: the IRQ (or poller), the controller (its consumers were removed before, by
 * the device links), the reset action (every pin back to an input, interrupts off), the I2C handle.
 */
@Component(service = Driver.class, configurationPolicy = ConfigurationPolicy.IGNORE,
        property = Driver.COMPATIBLE + "=microchip,mcp23017")
public final class Mcp23017Driver implements Driver {
    private static final Logger LOG = LoggerFactory.getLogger(Mcp23017Driver.class);

    static final String INTERRUPTS = "interrupts";
    static final String POLL_MS = "poll-ms";
    static final String LINE_NAMES = "gpio-line-names";

    static final Binding BINDING = Binding.of(
            NodeKey.I2C_BUS,
            NodeKey.ofInt(NodeKey.REG.name()).required().min(0)
                    .description("I2C address 0x20..0x27 (A2 A1 A0 pins)"),
            NodeKey.ofIntArray(INTERRUPTS).min(0)
                    .description("the line INTA (or INTB: both are mirrored) is wired to; open-drain, active-low"),
            NodeKey.ofInt(POLL_MS).defaultValue(0).min(0)
                    .description("without 'interrupts': poll the interrupt flags every n ms (0: no edges)"),
            NodeKey.ofStringArray(LINE_NAMES).defaultValue(new String[0])
                    .description("names of the 16 lines (GPA0..GPB7), in the consumers' Pi4J I/O names"));

    private final Map<String, Mcp23017> bound = new ConcurrentHashMap<>();

    @Override
    public Binding binding() {
        return BINDING;
    }

    @Override
    public void probe(Device dev) throws Exception {
        int address = dev.getInt(NodeKey.REG.name());
        if (address < 0x20 || address > 0x27) {
            throw new DeviceConfigException(dev.name(), NodeKey.REG.name(), String.format(
                    "0x%02x is not an MCP23017 address (0x20..0x27, set by pins A2 A1 A0)", address));
        }
        String[] names = dev.getStringArray(LINE_NAMES);
        if (names.length != 0 && names.length != LINES) {
            throw new DeviceConfigException(dev.name(), LINE_NAMES, names.length + " name(s) for 16 lines: give one "
                    + "per line (GPA0..GPA7, GPB0..GPB7)");
        }
        boolean irq = ChipInterrupt.configured(dev, INTERRUPTS, "INTA, mirrored");
        int pollMs = dev.getInt(POLL_MS);
        int bus = dev.getInt(NodeKey.I2C_BUS.name());
        I2C i2c = dev.i2c();
        Mcp23017 chip = new Mcp23017(dev.name(), i2c, String.format("I2C bus %d address 0x%02x", bus, address), names);
        chip.init();
        dev.addAction(chip::resetQuietly); // released after the controller: every pin back to an input
        GpioChip gc = dev.registerGpioController(chip);
        chip.attach(gc);
        if (irq) {
            ChipInterrupt.request(dev, INTERRUPTS, chip::service);
        } else if (pollMs > 0) {
            Duration period = Duration.ofMillis(pollMs);
            dev.kthreadRun(c -> poll(c, period), chip, "mcp23017/%s", dev.name());
        }
        bound.put(dev.name(), chip);
        dev.addAction(() -> bound.remove(dev.name(), chip));
        LOG.info("{}: MCP23017 at {}: 16 GPIO lines {}:0..15 (numbers {}..{}), {}", dev.name(), chip.where, dev.name(),
                gc.number(0), gc.number(15), irq ? "interrupt on GPIO " + dev.gpioName(INTERRUPTS, 0)
                        : pollMs > 0 ? "polled every " + pollMs + " ms" : "no interrupt (no edges)");
    }

    private static int poll(Mcp23017 chip, Duration period) throws InterruptedException {
        PeriodicTimer timer = new PeriodicTimer(period);
        while (!Kthread.shouldStop() && timer.waitNextPeriod()) {
            try {
                chip.service(System.nanoTime());
            } catch (RuntimeException e) {
                chip.pollFailed(e);
            }
        }
        return 0;
    }

    /** The chip of a bound device (diagnostics and tests); empty when not bound to this driver. */
    public Optional<Mcp23017> chip(String device) {
        return Optional.ofNullable(bound.get(device));
    }
}
