package io.kdrv.driver;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.serial.Serial;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadWorker;
import io.kdrv.kthread.ThreadFn;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A device: one device node (Configuration Admin factory PID {@code kdrv.device}) as seen by its driver.
 *
 * <h2>Node keys</h2>
 * Every node has {@code name} (unique) and {@code compatible} (String[], most specific first). Other keys are
 * driver-specific ({@code gpios}, {@code i2c-bus}, {@code reg}, {@code poll-ms}, {@code cpu}, ...) and declared by
 * the driver ({@link Driver#binding()}): the core checks them before probe and the getters without a default
 * return the declared defaults. The typed getters accept a value of the right type or a String that parses to
 * it; otherwise they throw {@link DeviceConfigException} naming this device and the key.
 *
 * <h2>Device-managed resources (devres)</h2>
 * The {@code kthread*}, {@code createWorker}, {@code gpio*}, {@code i2c}, {@code spi}, {@code serial},
 * {@code w1}, {@code requestThreadedIrq} and {@code addAction} methods may be called only while the device is
 * probing or bound (else {@link IllegalStateException}). What they return is released in reverse order of
 * acquisition after {@link Driver#remove} returns, or when probe fails: kthreads are stopped (bounded; a thread
 * that will not stop is reported with its name and stack), workers destroyed, IRQs freed, pins released. A single
 * entry can be given back earlier through its {@link DevresHandle} ({@link #addAction}'s result, {@link #devres(Object)}).
 *
 * <h2>Board resources</h2>
 * GPIO lines and I2C devices come from the board service ({@code io.kdrv.board}). When no board is running these
 * methods throw {@link ProbeDeferredException}, so probe is retried once the board appears. A pin already claimed
 * by another device fails with {@link IllegalStateException} naming the owner.
 *
 * <p>Thread-safety: all methods are thread-safe; resource acquisition normally happens in probe.
 */
@ProviderType
public interface Device {
    /** The node's unique name (e.g. {@code button0}). */
    String name();

    /** The node's compatible strings, most specific first. */
    List<String> compatible();

    /** Current binding state. */
    DeviceState state();

    /**
     * The id of the driver probing, bound to or removing this device ({@code <bundle-symbolic-name>/<component
     * name>}, as listed by {@link DeviceManager#drivers()}); empty otherwise.
     */
    Optional<String> driverName();

    /** An unmodifiable snapshot of the node's keys and values. */
    Map<String, Object> properties();

    /**
     * Whether the node has {@code key} (a declared default does not count).
     *
     * @return true if the node sets the key
     */
    boolean has(String key);

    // ---- typed getters ----
    // Without a default: the node's value, else the default declared in the driver's binding (Driver#binding),
    // else DeviceConfigException "missing". With a default: the node's value, else def.
    // Either way a value that does not convert throws DeviceConfigException naming this device and the key.
    // Ints and longs also parse from decimal or 0x hex Strings; arrays from arrays, collections, a single value or
    // a comma-separated String. Returned arrays are fresh copies.

    String getString(String key) throws DeviceConfigException;

    String getString(String key, String def) throws DeviceConfigException;

    int getInt(String key) throws DeviceConfigException;

    int getInt(String key, int def) throws DeviceConfigException;

    long getLong(String key) throws DeviceConfigException;

    long getLong(String key, long def) throws DeviceConfigException;

    double getDouble(String key) throws DeviceConfigException;

    double getDouble(String key, double def) throws DeviceConfigException;

    boolean getBoolean(String key) throws DeviceConfigException;

    boolean getBoolean(String key, boolean def) throws DeviceConfigException;

    /** Entries must be Strings (a String value is split at commas, entries stripped). */
    String[] getStringArray(String key) throws DeviceConfigException;

    String[] getStringArray(String key, String[] def) throws DeviceConfigException;

    /** Entries decimal or {@code 0x} hex; the exception message names the bad entry. */
    int[] getIntArray(String key) throws DeviceConfigException;

    int[] getIntArray(String key, int[] def) throws DeviceConfigException;

    long[] getLongArray(String key) throws DeviceConfigException;

    long[] getLongArray(String key, long[] def) throws DeviceConfigException;

    double[] getDoubleArray(String key) throws DeviceConfigException;

    double[] getDoubleArray(String key, double[] def) throws DeviceConfigException;

    boolean[] getBooleanArray(String key) throws DeviceConfigException;

    boolean[] getBooleanArray(String key, boolean[] def) throws DeviceConfigException;

    // ---- devres: threads ----

    /** {@link Kthread#create} owned by this device: stopped on remove. */
    <T> Kthread kthreadCreate(ThreadFn<? super T> fn, T data, String nameFmt, Object... args);

    /** {@link Kthread#run} owned by this device: stopped on remove. */
    <T> Kthread kthreadRun(ThreadFn<? super T> fn, T data, String nameFmt, Object... args);

    /** {@link KthreadWorker#create} owned by this device: destroyed on remove. */
    KthreadWorker createWorker(String nameFmt, Object... args);

    /**
     * Runs {@code action} on remove or probe failure (devm_add_action).
     *
     * @return the entry's handle: {@link DevresHandle#release()} runs the action now, {@link DevresHandle#remove()}
     *         drops it (devm_release_action / devm_remove_action)
     */
    DevresHandle addAction(DevresAction action);

    /**
     * The devres entry of a resource this device handed out during the current probe or binding: a {@link Kthread}
     * from {@code kthreadCreate}/{@code kthreadRun}, a {@link KthreadWorker}, a GPIO input or output, an {@link I2C}
     * or {@link Spi}, or an {@link Irq} (matched by identity). Release it early with {@link DevresHandle#release()} (a stopped
     * kthread, a closed pin: nothing is left on the list); {@link Irq#free()} does the same for IRQs.
     *
     * @return the handle, empty if {@code resource} is not (or no longer) on the list
     */
    Optional<DevresHandle> devres(Object resource);

    // ---- devres: board ----

    /**
     * The line configuration of entry {@code index} of node key {@code key}, from the node's flags key
     * {@link LineConfig#flagsKey(String) LineConfig.flagsKey(key)} ({@code gpios} &rarr; {@code gpio-flags}): a
     * String[] with one {@link LineConfig#parse flags entry} per line, or a single entry for every line; no flags
     * key is {@link LineConfig#DEFAULT}. Plain data, so it works the same in board files and Configuration Admin.
     *
     * @throws DeviceConfigException naming this device and the flags key: an unknown or conflicting flag word, or
     *         an entry count that is neither 1 nor the number of lines
     */
    LineConfig gpioConfig(String key, int index) throws DeviceConfigException;

    /**
     * The name of the GPIO line of entry {@code index} of node key {@code key} as the board file writes it, for
     * events, logs and error messages: {@code "expander0:3"} for a line of a driver's GPIO controller (however the
     * node wrote the reference), the line number ({@code "17"}) for a SoC line. {@link #getIntArray} gives the
     * numbers, global ones for controller lines ({@link GpioChip#number}); those are for code, not for users. Does not
     * check that the controller exists. Thread-safe.
     *
     * @throws DeviceConfigException naming this device and key: the key is missing, is not a line list, or has no
     *         entry {@code index}
     */
    String gpioName(String key, int index) throws DeviceConfigException;

    /** {@link #gpioName} of every entry of {@code key}, in order (e.g. for "got [expander0:3, expander0:3]"). */
    default List<String> gpioNames(String key) throws DeviceConfigException {
        int n = getIntArray(key).length;
        List<String> names = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(gpioName(key, i));
        }
        return names;
    }

    /**
     * The GPIO input whose line is node key {@code key} (entry {@code index} of an int array), requested with
     * {@code config}. With active-low the input (and IRQ edges and levels) is logical: HIGH = active.
     *
     * <p>An entry {@code "<controller>:<line>"} ({@link ControllerRef}) is a line of the GPIO controller registered by
     * device {@code <controller>} ({@link #registerGpioController}); the input works like a SoC line's.
     *
     * @throws DeviceConfigException naming this device and key: no node named {@code <controller>} exists, or the
     *         line is outside the bound controller's lines
     * @throws ProbeDeferredException the controller's node exists but has not registered its controller yet (the
     *         reason names it), or no board service is running
     */
    DigitalInput gpioInput(String key, int index, LineConfig config) throws ProbeDeferredException;

    /** The GPIO input whose line is node key {@code key} (entry {@code index}) with its {@link #gpioConfig}. */
    default DigitalInput gpioInput(String key, int index) throws ProbeDeferredException {
        return gpioInput(key, index, gpioConfig(key, index));
    }

    default DigitalInput gpioInput(String key) throws ProbeDeferredException {
        return gpioInput(key, 0);
    }

    /**
     * The GPIO output whose line is node key {@code key} (entry {@code index}), requested with {@code config};
     * driven to {@code offState} when claimed and again when it is released (remove, probe failure, unplug).
     * Levels are logical: with active-low in {@code config}, LOW (off) leaves the line physically high, so a
     * released line leaves an active-low LED or relay off.
     *
     * @throws IllegalStateException if the line is claimed by another device (message names both)
     */
    DigitalOutput gpioOutput(String key, int index, LineConfig config, DigitalState offState)
            throws ProbeDeferredException;

    /**
     * {@link #gpioOutput(String, int, LineConfig, DigitalState)} with the node's {@link #gpioConfig}. Without an
     * {@code active-low} flag, pass HIGH for active-low wiring.
     */
    default DigitalOutput gpioOutput(String key, int index, DigitalState offState) throws ProbeDeferredException {
        return gpioOutput(key, index, gpioConfig(key, index), offState);
    }

    /** {@link #gpioOutput(String, int, DigitalState)} with LOW as the off state. */
    default DigitalOutput gpioOutput(String key, int index) throws ProbeDeferredException {
        return gpioOutput(key, index, DigitalState.LOW);
    }

    default DigitalOutput gpioOutput(String key) throws ProbeDeferredException {
        return gpioOutput(key, 0);
    }

    /** The I2C device at bus node key {@code i2c-bus} and address node key {@code reg}. */
    I2C i2c() throws ProbeDeferredException;

    /**
     * The SPI device at node keys {@code spi-bus} (required), {@code spi-cs} (or {@code reg}; default 0),
     * {@code spi-mode} (0..3, default 0) and {@code spi-max-frequency} (Hz, default 1 MHz); a default the driver
     * declares in its binding ({@link SpiKeys}) wins over the core's. Pi4J's {@code Spi}: each
     * {@code transfer} is one full-duplex transfer with chip select asserted for its whole length. Device-managed;
     * one claimant per bus and chip select.
     *
     * @throws DeviceConfigException naming this device and the key: missing bus, mode outside 0..3, a clock of
     *         0 Hz, a bus or chip select outside Pi4J's ranges
     * @throws IllegalStateException the bus/chip select is claimed by another device (the message names it)
     */
    Spi spi() throws ProbeDeferredException;

    /**
     * Requests a threaded IRQ on a GPIO input obtained from this device. The Pi4J listener (top half) timestamps
     * each edge, queues it in a bounded FIFO and wakes kthread {@code irq/<line>-<device>} which runs
     * {@code handler} (bottom half); on a GPIO character device that kthread reads the kernel's edge records
     * itself. A full FIFO drops its oldest edge, counted in {@link Irq#overflows()}.
     *
     * @param debounce settle window, as in Linux {@code gpio_keys}: every edge pushes the deadline back; when it
     *                 passes, the line is read and the handler runs once if the settled level changed (absorbed
     *                 edges are counted in {@link Irq#debounced()}); {@link Duration#ZERO} for none
     */
    Irq requestThreadedIrq(DigitalInput input, Edge edge, Duration debounce, IrqHandler handler)
            throws ProbeDeferredException;

    default Irq requestThreadedIrq(DigitalInput input, Edge edge, IrqHandler handler) throws ProbeDeferredException {
        return requestThreadedIrq(input, edge, Duration.ZERO, handler);
    }

    // ---- devres: PWM ----

    /**
     * The PWM channel of entry {@code index} of node key {@code key} (normally {@code pwms}), claimed for this
     * device and configured (disabled) from the node's defaults; the driver calls {@code on()}. Released on remove:
     * the channel is disabled (and a SoC channel unexported). Entries (Strings; a plain int is a channel of chip 0):
     * <ul>
     *   <li>{@code "<channel>"} or {@code "<chip>:<channel>"}: a SoC PWM channel of the board ({@code "0:1"} = chip
     *       0, channel 1; on Linux chip N is the board's N-th selected {@code /sys/class/pwm/pwmchip*});</li>
     *   <li>{@code "<controller-device>:<channel>"}: a channel of the {@link PwmController} registered by device
     *       {@code <controller-device>} (e.g. {@code "pca0:3"}). While that device is not bound this method throws
     *       {@link ProbeDeferredException} naming it; unbinding it first removes this device (a device link).</li>
     * </ul>
     * Defaults, one value for every entry or one per entry: {@code <prefix>-frequency} (Hz, default 1000),
     * {@code <prefix>-duty-cycle} (percent, default 0), {@code <prefix>-polarity} ({@code normal} or
     * {@code inversed}), where the prefix is {@code key} without a trailing {@code s} ({@code pwms} &rarr;
     * {@code pwm-frequency}). The returned {@code Pwm} is used from one thread at a time.
     *
     * @throws DeviceConfigException naming this device and the key: a malformed entry, an unknown chip, a channel
     *         out of range, a frequency &le; 0, a duty cycle outside 0..100, an unknown polarity
     * @throws IllegalStateException the channel is claimed by another device (the message names it)
     */
    com.pi4j.io.pwm.Pwm pwm(String key, int index) throws ProbeDeferredException;

    /** {@link #pwm(String, int)} entry 0. */
    default com.pi4j.io.pwm.Pwm pwm(String key) throws ProbeDeferredException {
        return pwm(key, 0);
    }

    /**
     * Registers {@code controller} as this device's PWM controller, so other nodes can use its channels as
     * {@code "<this-device>:<channel>"} (see {@link #pwm}). Device-managed: unregistered on remove, after the
     * devices using its channels were removed. Call it at the end of probe, once the chip answers.
     *
     * @throws IllegalStateException this device already has a PWM controller
     */
    void registerPwmController(PwmController controller);

    // ---- devres: GPIO controller ----

    /**
     * Registers {@code controller} as this device's GPIO controller (Linux {@code devm_gpiochip_add_data}): from now
     * on other nodes may reference its lines as {@code "<this device's name>:<line>"} (board files:
     * {@code {"controller": "<name>", "line": n}}) and get them through their own {@link #gpioInput}/{@link
     * #gpioOutput}/{@link #requestThreadedIrq}, with pin ownership, devres and {@code gpio:list} as for SoC lines.
     * Consumers that deferred because this controller was missing are probed again once this probe succeeds.
     *
     * <p>Device-managed, with device links as in Linux: when this device is removed (unbind, driver or node gone,
     * shutdown) every device holding one of its lines is removed first and goes back to deferred, naming this
     * controller, then this device's remove runs; they bind again when the controller is back.
     *
     * @return the chip handle, through which the driver delivers its lines' edges ({@link GpioChip#handleNestedIrq})
     * @throws IllegalStateException    this device already registered a controller
     * @throws IllegalArgumentException a line count outside {@code 1..256}
     */
    GpioChip registerGpioController(GpioController controller);

    // ---- devres: UART and 1-Wire ----

    /**
     * The serial port of node keys {@link SerialKeys} ({@code serial-device}, {@code baud}, {@code data-bits},
     * {@code parity}, {@code stop-bits}, {@code flow-control}, {@code read-timeout-ms}), opened raw (no echo, no line
     * editing, no CR/LF translation) with that framing. Claimed for this device by device path (a second claim
     * fails naming the owner) and closed on remove or probe failure.
     *
     * <p>Reads are bounded: {@code read(buf, off, len)} waits at most {@code read-timeout-ms} for the first byte,
     * then returns what has arrived (up to {@code len}), 0 on timeout; {@code read()} returns -1 on timeout. Both
     * return early (0 / -1) when the calling kthread is asked to stop. {@code write} blocks until the bytes are
     * handed to the driver (bounded; a port held back by flow control fails naming the device).
     *
     * @throws DeviceConfigException naming this device and the key: a bad path, baud, framing or flow word
     * @throws IllegalStateException the port is claimed by another device (named)
     * @throws RuntimeException (the board's {@code BoardException}) the port cannot be opened: the message names the device
     *         node and says what to check (missing node, permissions, UART not enabled)
     */
    Serial serial() throws ProbeDeferredException;

    /**
     * The 1-Wire slave of node key {@code w1-id} (optionally on the master of {@code w1-master}; see
     * {@link W1Keys}). Claimed for this device by id (a second claim fails naming the owner) and released on remove
     * or probe failure: afterwards every call on it throws {@link IllegalStateException}.
     *
     * @throws DeviceConfigException naming this device and the key: a malformed id or master
     * @throws IllegalStateException the slave is claimed by another device (named)
     * @throws IllegalArgumentException no such slave on the bus (message names the id, the master and where it
     *         looked)
     */
    W1Slave w1() throws ProbeDeferredException;

    // ---- devres: sensor channels ----

    /**
     * Declares this device's sensor channels (one sensor per device); see {@link Sensor} for what the core does with
     * the published samples. Device-managed: gone after remove or a failed probe.
     *
     * @throws IllegalArgumentException no channels, or two with the same name
     * @throws IllegalStateException    the device already has a sensor
     */
    Sensor sensor(SensorChannel... channels);

    /**
     * Starts the sensor poller of {@code sensor}: kthread {@code sensor/<device>} (device-managed: stopped on remove
     * before the sensor goes) that calls {@code poll} at once and then once per {@code period} on absolute deadlines
     * ({@code PeriodicTimer}); a poll that takes longer than a period counts as an overrun. Period, CPU, overruns
     * and failed polls are in {@link DeviceManager#sensor}. Every poller driver looks the same this way.
     *
     * @param cpu the CPU to bind the kthread to, -1 for any
     * @return the started kthread
     * @throws DeviceConfigException naming this device and key {@code cpu} when {@code cpu} does not exist
     * @throws IllegalArgumentException a period that is not positive, or {@code sensor} is not this device's
     */
    Kthread startSensorPoller(Sensor sensor, Duration period, int cpu, SensorPoll poll);

    // ---- driver data ----

    /** Driver private data (dev_set_drvdata); cleared on remove. */
    void setDriverData(Object data);

    <T> T driverData(Class<T> type);
}
