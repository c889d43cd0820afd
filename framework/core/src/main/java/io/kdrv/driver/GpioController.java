package io.kdrv.driver;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The GPIO controller a driver provides for its device (Linux {@code struct gpio_chip}): an I2C expander such as
 * MCP23017 or PCF8574 whose lines other device nodes then reference as {@code "<device>:<line>"} (see
 * {@link ControllerRef}). Registered with {@link Device#registerGpioController}; other drivers reach its lines
 * through the ordinary {@link Device#gpioInput}/{@link Device#gpioOutput}, so they need not know a controller is
 * involved.
 *
 * <h2>Levels and configuration</h2>
 * Levels here are <em>physical</em> ({@code true} = the pin is high): the framework applies active-low for the
 * consumer. {@link LineConfig#bias()} and {@link LineConfig#drive()} are for the controller to apply; one it
 * cannot apply must be refused with {@link IllegalArgumentException} naming the line and the flag (e.g. "pull-down:
 * the MCP23017 has pull-ups only"), which fails the consumer's probe with that message. Debounce is done by the
 * framework's IRQ layer and may be ignored.
 *
 * <h2>Calls and threads</h2>
 * The framework calls these methods from consumer threads (a consumer's probe, its kthreads, its IRQ kthread) and
 * never while holding a lock of its own; each line is requested by at most one consumer at a time (pin ownership is
 * enforced before {@code requestInput}/{@code requestOutput} are called). Implementations must be thread-safe and
 * may block on their bus. A bus error is thrown as an unchecked exception (Pi4J's {@code IOException}) and reaches
 * the consumer's call. Every method is only called with {@code 0 <= line < lineCount()}.
 */
@ConsumerType
public interface GpioController {
    /** The number of lines, fixed for the registration; {@code 1..256}. */
    int lineCount();

    /**
     * An optional name of {@code line} (Linux {@code gpio-line-names}), part of the name of the Pi4J I/O a consumer
     * gets (e.g. {@code "buttons GPIO expander0:3 (GPA3)"}).
     *
     * @return the name, or null for none
     */
    default String lineName(int line) {
        return null;
    }

    /**
     * Makes {@code line} an input with {@code config}'s bias; after this, edges on it may be delivered through
     * {@link GpioChip#handleNestedIrq}.
     *
     * @throws IllegalArgumentException a bias this controller cannot apply (message names the line and flag)
     */
    void requestInput(int line, LineConfig config);

    /**
     * Makes {@code line} an output with {@code config}'s bias and drive, driven to {@code high} (physical) from the
     * start, without a glitch to the other level where the hardware allows (set the latch before the direction).
     *
     * @throws IllegalArgumentException a bias or drive this controller cannot apply
     */
    void requestOutput(int line, LineConfig config, boolean high);

    /** The physical level of {@code line} (input or output). */
    boolean read(int line);

    /** Drives output {@code line} to the physical level {@code high}. */
    void write(int line, boolean high);

    /**
     * The consumer gave {@code line} back (its remove, a failed probe, an unplug): return it to the controller's
     * reset state (an input without pull-up, interrupt-on-change off). An output has already been driven to its
     * off level by the framework.
     */
    void release(int line);
}
