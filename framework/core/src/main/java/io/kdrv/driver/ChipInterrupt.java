package io.kdrv.driver;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import java.util.function.LongConsumer;

/**
 * The interrupt output (INT) of a GPIO expander, wired to a line of another controller (usually a SoC line): the
 * parent IRQ a controller driver cascades into its own lines, as Linux expander drivers request a threaded IRQ on
 * their client's interrupt and call {@code handle_nested_irq} for each line that changed. INT is taken as
 * open-drain and active-low, as on the MCP23017, the PCF8574 and most I2C expanders. Stateless; the IRQ it
 * requests is device-managed like any other.
 *
 * <pre>{@code
 * boolean irq = ChipInterrupt.configured(dev, "interrupts", "INT"); // before touching the chip
 * ... chip.init(); GpioChip gc = dev.registerGpioController(chip); ...
 * if (irq) {
 *     ChipInterrupt.request(dev, "interrupts", chip::service); // service: read flags, gc.handleNestedIrqs(...)
 * }
 * }</pre>
 */
public final class ChipInterrupt {
    private ChipInterrupt() {
    }

    /**
     * Whether node key {@code key} names the INT line; when present it must hold exactly one line. Call it at the
     * start of probe, so a bad node fails before the chip is touched.
     *
     * @param pin the chip's name for the pin, for the message ({@code "INT"}, {@code "INTA"})
     * @throws DeviceConfigException naming the device and key: the key holds no line or more than one
     */
    public static boolean configured(Device dev, String key, String pin) {
        if (!dev.has(key)) {
            return false;
        }
        if (dev.getIntArray(key).length != 1) {
            throw new DeviceConfigException(dev.name(), key, "give exactly one line (" + pin + "), got "
                    + dev.gpioNames(key));
        }
        return true;
    }

    /**
     * Requests line 0 of node key {@code key} as an input with pull-up and active-low (asserted = logical HIGH) and
     * a threaded IRQ on its assertion that runs {@code service} with the edge's timestamp on kthread
     * {@code irq/<line>-<device>}. {@code service} reads the chip's flags and levels (which releases INT) and
     * delivers the changed lines ({@link GpioChip#handleNestedIrqs}). If INT is already asserted when the IRQ is
     * set up (a change before it existed: no edge will come), {@code service} runs once now, on the caller's
     * thread, or INT would stay asserted for good.
     *
     * @return the IRQ, device-managed
     * @throws ProbeDeferredException as {@link Device#gpioInput}: the line's controller is not there yet
     */
    public static Irq request(Device dev, String key, LongConsumer service) throws ProbeDeferredException {
        DigitalInput intLine = dev.gpioInput(key, 0,
                LineConfig.DEFAULT.withBias(LineConfig.Bias.PULL_UP).withActiveLow(true));
        Irq irq = dev.requestThreadedIrq(intLine, Edge.RISING, e -> service.accept(e.timestampNanos()));
        if (intLine.state() == DigitalState.HIGH) {
            service.accept(System.nanoTime());
        }
        return irq;
    }
}
