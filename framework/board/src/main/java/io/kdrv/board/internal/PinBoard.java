package io.kdrv.board.internal;

import com.pi4j.context.Context;
import com.pi4j.io.IO;
import com.pi4j.io.IOType;
import com.pi4j.io.gpio.digital.Digital;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputProvider;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CProvider;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.serial.Serial;
import com.pi4j.io.serial.SerialProvider;
import com.pi4j.provider.Provider;
import io.kdrv.driver.PwmState;
import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.I2cInfo;
import io.kdrv.board.KdrvBoard;
import io.kdrv.board.LineInfo;
import io.kdrv.board.PortInfo;
import io.kdrv.board.W1Bus;
import io.kdrv.driver.W1Slave;
import io.kdrv.driver.spi.SerialSettings;
import io.kdrv.driver.Device;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.LineConfig;
import io.kdrv.driver.spi.SpiSettings;
import io.kdrv.board.LineProperties;
import io.kdrv.driver.IrqHandler;
import io.kdrv.driver.spi.ControllerLine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The board: hands out Pi4J I/O from one explicit context and enforces ownership (one claimant per GPIO line and
 * per I2C bus/address). A claim lives until its handle is closed (devres, on remove) or the board is closed.
 *
 * <p>Locking: {@code lock} guards the claim maps and is held while Pi4J creates or shuts down I/O (quick, and
 * Pi4J never calls back into the board). It is never held while an IRQ kthread is stopped, because a handler
 * may itself be calling into the board.
 */
public final class PinBoard implements KdrvBoard {
    private static final Logger LOG = LoggerFactory.getLogger(PinBoard.class);

    private final BoardPlatform platform;
    private final Context pi4j;
    private final IrqSettings irqSettings;
    private final DigitalInputProvider inputs;
    private final DigitalOutputProvider outputs;
    private final I2CProvider i2cs;

    private final Object lock = new Object();
    private final Map<Integer, GpioClaim> gpio = new TreeMap<>();   // guarded by lock
    private final Map<Integer, I2cClaim> i2c = new TreeMap<>();     // key bus << 8 | address; guarded by lock
    /** Lines of drivers' GPIO controllers, by label "expander0:3"; guarded by lock. */
    private final Map<String, GpioClaim> chipLines = new TreeMap<>();
    private boolean closed;                                         // guarded by lock
    private final SpiClaims spi;                                    // its own lock
    private final PwmClaims pwm;                                    // its own lock
    private final PortClaims ports = new PortClaims();              // serial ports, 1-Wire slaves

    private PinBoard(BoardPlatform platform, Context pi4j, IrqSettings irqSettings) {
        this.platform = platform;
        this.pi4j = pi4j;
        this.irqSettings = irqSettings;
        this.inputs = provider(IOType.DIGITAL_INPUT);
        this.outputs = provider(IOType.DIGITAL_OUTPUT);
        this.i2cs = provider(IOType.I2C);
        this.spi = new SpiClaims(platform.name(), pi4j);
        this.pwm = new PwmClaims(platform.name(), pi4j);
    }

    /** See {@link io.kdrv.board.Boards#open(BoardPlatform, int)}. */
    public static PinBoard open(BoardPlatform platform, int irqFifoCapacity) {
        return open(platform, IrqSettings.defaults(irqFifoCapacity));
    }

    /** Opens a board with the board service's IRQ settings. */
    static PinBoard open(BoardPlatform platform, IrqSettings irq) {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(irq, "irq");
        Context context = platform.newContext();
        try {
            PinBoard board = new PinBoard(platform, context, irq);
            LOG.info("kdrv board: platform {} open (GPIO 0..{}, IRQ FIFO {} edges, kernel event buffer {}, kernel "
                    + "debounce {} us)", platform.name(), platform.lineCount() - 1, irq.fifoCapacity(),
                    irq.kernelBuffer() == 0 ? "default" : irq.kernelBuffer(), irq.kernelDebounce().toNanos() / 1000);
            return board;
        } catch (RuntimeException e) {
            shutdownQuietly(context);
            throw e;
        }
    }

    private <P extends Provider<?, ?, ?>> P provider(IOType type) {
        try {
            return pi4j.providers().get(type);
        } catch (RuntimeException e) {
            throw new BoardException(platform.name(), "the Pi4J context has no " + type + " provider", e);
        }
    }

    // ------------------------------------------------------------------------------------------ Board

    @Override
    public String platform() {
        return platform.name();
    }

    @Override
    public BoardPlatform boardPlatform() {
        return platform;
    }

    @Override
    public Handle<DigitalInput> openInput(Device owner, int line, LineConfig config) {
        Objects.requireNonNull(config, "config");
        GpioClaim claim = claimLine(owner, line, "in", () -> inputs.create(DigitalInput.newConfigBuilder(pi4j)
                .id(ioId(line))
                .name(owner.name() + " GPIO " + line)
                .address(line)
                .debounce(0L) // kdrv debounces in the IRQ top half (per request); Pi4J's would hide edges
                .load(LineProperties.toProperties(config)) // kernel debounce, if asked for, travels here
                .build()));
        return new ClaimHandle<>((DigitalInput) claim.io, () -> release(claim));
    }

    @Override
    public Handle<DigitalOutput> openOutput(Device owner, int line, LineConfig config, DigitalState offState) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(offState, "offState");
        GpioClaim claim = claimLine(owner, line, "out", () -> outputs.create(DigitalOutput.newConfigBuilder(pi4j)
                .id(ioId(line))
                .name(owner.name() + " GPIO " + line)
                .address(line)
                .initial(offState)
                .shutdown(offState) // a released output goes back to its off level: nothing stays on after unplug
                .load(LineProperties.toProperties(config))
                .build()));
        return new ClaimHandle<>((DigitalOutput) claim.io, () -> release(claim));
    }

    @Override
    public Handle<I2C> openI2c(Device owner, int bus, int address) {
        String dev = deviceName(owner);
        if (bus < 0) {
            throw new IllegalArgumentException("device " + dev + ": invalid I2C bus " + bus);
        }
        if (address < 0x03 || address > 0x77) {
            throw new IllegalArgumentException("device " + dev + ": invalid 7-bit I2C address "
                    + String.format("0x%02x", address) + " on bus " + bus + " (valid: 0x03..0x77)");
        }
        int key = bus << 8 | address;
        I2cClaim claim;
        synchronized (lock) {
            ensureOpen();
            I2cClaim held = i2c.get(key);
            if (held != null) {
                throw new IllegalStateException("I2C bus " + bus + " address " + String.format("0x%02x", address)
                        + " is already claimed by device " + held.owner);
            }
            I2C io;
            try {
                io = i2cs.create(I2C.newConfigBuilder(pi4j)
                        .id(String.format("kdrv-i2c-%d-%02x", bus, address))
                        .name(dev + " I2C " + bus + "/" + String.format("0x%02x", address))
                        .bus(bus)
                        .device(address)
                        .build());
            } catch (RuntimeException e) {
                throw new BoardException(platform.name(), "cannot open I2C bus " + bus + " address "
                        + String.format("0x%02x", address) + " for device " + dev + ": " + e.getMessage(), e);
            }
            claim = new I2cClaim(bus, address, dev, io);
            i2c.put(key, claim);
        }
        I2cClaim c = claim;
        return new ClaimHandle<>(c.io, () -> release(c));
    }

    @Override
    public Handle<Spi> openSpi(Device owner, SpiSettings settings) {
        return spi.open(owner, settings);
    }

    @Override
    public Handle<Pwm> openPwm(Device owner, int chip, int channel, PwmState initial) {
        return pwm.open(owner, chip, channel, initial);
    }

    @Override
    public Handle<Irq> requestThreadedIrq(Device owner, DigitalInput input, Edge edge, Duration debounce,
            IrqHandler handler) {
        String dev = deviceName(owner);
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(debounce, "debounce");
        Objects.requireNonNull(handler, "handler");
        GpioClaim claim;
        ThreadedIrq irq;
        synchronized (lock) {
            ensureOpen();
            claim = findClaim(input);
            if (claim == null) {
                throw new IllegalArgumentException("device " + dev + ": input " + input.id()
                        + " was not opened through this board (use Device.gpioInput)");
            }
            if (!claim.owner.equals(dev)) {
                throw new IllegalStateException("GPIO " + claim.label + " is claimed by device " + claim.owner
                        + ", not by device " + dev);
            }
            if (claim.releasing) {
                throw new IllegalStateException("GPIO " + claim.label + " of device " + dev + " is being released");
            }
            if (claim.irq != null) {
                throw new IllegalStateException("GPIO " + claim.label + " already has a threaded IRQ ("
                        + claim.irq.threadName() + ") of device " + claim.owner);
            }
            GpioClaim c = claim;
            ThreadedIrq[] self = new ThreadedIrq[1];
            irq = new ThreadedIrq(claim.line, claim.label, dev, input, edge, debounce, handler, irqSettings,
                    () -> irqFreed(c, self[0]));
            self[0] = irq;
            claim.irq = irq;
        }
        try {
            irq.start();
        } catch (RuntimeException | Error e) {
            irq.free(); // also clears claim.irq
            throw e;
        }
        ThreadedIrq started = irq;
        return new ClaimHandle<>(started, started::free);
    }

    // ------------------------------------------------------------------------------------------ UART, 1-Wire

    @Override
    public Handle<Serial> openSerial(Device owner, SerialSettings settings) {
        String dev = deviceName(owner);
        Objects.requireNonNull(settings, "settings");
        String path = settings.device();
        // /dev/serial0 is a link to ttyAMA0 or ttyS0: both names must meet at one claim.
        String key = "serial:" + realPath(path);
        return ports.claim(key, "serial", path, "serial port " + path, dev, () -> {
            SerialProvider provider;
            try {
                provider = pi4j.providers().get(com.pi4j.io.IOType.SERIAL);
            } catch (RuntimeException e) {
                throw new BoardException(platform.name(), "device " + dev + ": platform " + platform.name()
                        + " has no serial provider in its Pi4J context", e);
            }
            Serial port;
            try {
                port = provider.create(Serial.newConfigBuilder(pi4j)
                        .id("kdrv-serial" + path.replace('/', '-'))
                        .name(dev + " serial " + path)
                        .device(path)
                        .baud(settings.baud())
                        .dataBits(settings.dataBits())
                        .parity(settings.parity())
                        .stopBits(settings.stopBits())
                        .flowControl(settings.flowControl())
                        .load(Map.of(SerialSettings.READ_TIMEOUT_PROPERTY,
                                Long.toString(settings.readTimeout().toMillis())))
                        .build());
            } catch (BoardException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new BoardException(platform.name(), "cannot open serial port " + settings + " for device "
                        + dev + ": " + e.getMessage(), e);
            }
            LOG.info("kdrv board: device {} opened serial port {}", dev, settings);
            return port;
        }, this::shutdownIo);
    }

    private static String realPath(String path) {
        try {
            return java.nio.file.Path.of(path).toRealPath().toString();
        } catch (java.io.IOException | RuntimeException e) {
            return path; // not there (mock board) or unreadable: the open names the problem
        }
    }

    @Override
    public Handle<W1Slave> openW1(Device owner, String master, String id) {
        String dev = deviceName(owner);
        String checked = W1Slave.checkId(id);
        W1Bus bus = platform.w1Bus().orElseThrow(() -> new UnsupportedOperationException("device " + dev
                + ": board platform " + platform.name() + " has no 1-Wire bus"));
        Handle<ClaimedW1Slave> h = ports.claim("w1:" + checked, "w1", checked, "1-Wire slave " + checked, dev,
                () -> new ClaimedW1Slave(bus.find(master, checked), dev), ClaimedW1Slave::release);
        return new Handle<>() {
            @Override
            public W1Slave get() {
                return h.get();
            }

            @Override
            public void close() {
                h.close();
            }
        };
    }

    private void irqFreed(GpioClaim claim, ThreadedIrq irq) {
        synchronized (lock) {
            if (claim.irq == irq) {
                claim.irq = null;
            }
        }
    }

    // ------------------------------------------------------------------------------------------ claims

    private GpioClaim claimLine(Device owner, int line, String direction, Supplier<? extends Digital<?, ?, ?>> open) {
        String dev = deviceName(owner);
        if (line < 0 || line >= platform.lineCount()) {
            throw new IllegalArgumentException("device " + dev + ": GPIO " + line + " does not exist on platform "
                    + platform.name() + " (lines 0.." + (platform.lineCount() - 1) + ")");
        }
        synchronized (lock) {
            ensureOpen();
            GpioClaim held = gpio.get(line);
            if (held != null) {
                throw new IllegalStateException("GPIO " + line + " is already claimed by device " + held.owner);
            }
            Digital<?, ?, ?> io;
            try {
                io = open.get();
            } catch (RuntimeException e) {
                throw new BoardException(platform.name(), "cannot open GPIO " + line + " as " + direction
                        + "put for device " + dev + ": " + e.getMessage(), e);
            }
            GpioClaim claim = new GpioClaim(line, direction, dev, io);
            gpio.put(line, claim);
            return claim;
        }
    }

    private GpioClaim findClaim(DigitalInput input) {
        for (GpioClaim c : gpio.values()) {
            if (c.io == input) {
                return c;
            }
        }
        for (GpioClaim c : chipLines.values()) {
            if (c.io == input) {
                return c;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------ controller lines

    @Override
    public Handle<DigitalInput> openInput(Device owner, ControllerLine line, LineConfig config) {
        Objects.requireNonNull(config, "config");
        GpioClaim claim = reserveChipLine(owner, line, "in");
        try {
            // Driver code (usually I2C transfers): outside the lock, the reservation keeps the line ours.
            line.ops().requestInput(line.offset(), config);
            ControllerIo.Input in;
            try {
                in = new ControllerIo.Input(pi4j, line, claim.owner, config.activeLow(), line.ops().read(line.offset()));
                line.connectEdges(in);
            } catch (RuntimeException e) {
                releaseOps(claim, line);
                throw e;
            }
            return new ClaimHandle<>((DigitalInput) activate(claim, in), () -> release(claim));
        } catch (RuntimeException e) {
            unreserve(claim);
            throw chipError(claim, e);
        }
    }

    @Override
    public Handle<DigitalOutput> openOutput(Device owner, ControllerLine line, LineConfig config,
            DigitalState offState) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(offState, "offState");
        GpioClaim claim = reserveChipLine(owner, line, "out");
        try {
            line.ops().requestOutput(line.offset(), config, (offState == DigitalState.HIGH) ^ config.activeLow());
            ControllerIo.Output out = new ControllerIo.Output(pi4j, line, claim.owner, config.activeLow(), offState);
            claim.offState = offState;
            return new ClaimHandle<>((DigitalOutput) activate(claim, out), () -> release(claim));
        } catch (RuntimeException e) {
            unreserve(claim);
            throw chipError(claim, e);
        }
    }

    private GpioClaim reserveChipLine(Device owner, ControllerLine line, String direction) {
        String dev = deviceName(owner);
        Objects.requireNonNull(line, "line");
        synchronized (lock) {
            ensureOpen();
            GpioClaim held = chipLines.get(line.label());
            if (held != null) {
                throw new IllegalStateException("GPIO " + line.label() + " is already claimed by device " + held.owner);
            }
            GpioClaim claim = new GpioClaim(line.number(), line.label(), direction, dev, null, line);
            chipLines.put(line.label(), claim);
            return claim;
        }
    }

    private Digital<?, ?, ?> activate(GpioClaim claim, Digital<?, ?, ?> io) {
        synchronized (lock) {
            claim.io = io;
        }
        return io;
    }

    private void unreserve(GpioClaim claim) {
        synchronized (lock) {
            chipLines.remove(claim.label, claim);
        }
    }

    /** The controller's refusal as it is (it names line and flag); anything else with the line and device added. */
    private static RuntimeException chipError(GpioClaim claim, RuntimeException e) {
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            return e;
        }
        return new BoardException("controller " + claim.chipLine.controller(), "cannot open GPIO " + claim.label
                + " as " + claim.direction + "put for device " + claim.owner + ": " + e.getMessage(), e);
    }

    /** Gives a controller line back to its driver (outside the lock: driver code); failures are logged. */
    private static void releaseOps(GpioClaim claim, ControllerLine line) {
        line.connectEdges(null);
        try {
            if (claim.offState != null) {
                line.ops().write(line.offset(), (claim.offState == DigitalState.HIGH)
                        ^ ((ControllerIo.Output) claim.io).activeLow());
            }
        } catch (RuntimeException e) {
            LOG.warn("kdrv board: GPIO {} of device {}: driving the off level on release failed: {}", claim.label,
                    claim.owner, e.toString());
        }
        try {
            line.ops().release(line.offset());
        } catch (RuntimeException e) {
            LOG.warn("kdrv board: GPIO {} of device {}: the controller's release failed: {}", claim.label, claim.owner,
                    e.toString());
        }
    }

    /** Frees the claim's IRQ (outside the lock: joins its kthread), shuts the I/O down, then frees the line. */
    private void release(GpioClaim claim) {
        ThreadedIrq irq;
        synchronized (lock) {
            if (claim.releasing) {
                return;
            }
            claim.releasing = true;
            irq = claim.irq;
        }
        if (irq != null) {
            irq.free();
        }
        if (claim.chipLine != null) {
            releaseOps(claim, claim.chipLine);
            synchronized (lock) {
                chipLines.remove(claim.label, claim);
            }
            return;
        }
        synchronized (lock) {
            shutdownIo(claim.io);
            gpio.remove(claim.line, claim);
        }
    }

    private void release(I2cClaim claim) {
        synchronized (lock) {
            if (claim.released) {
                return;
            }
            claim.released = true;
            shutdownIo(claim.io);
            i2c.remove(claim.bus << 8 | claim.address, claim);
        }
    }

    private void shutdownIo(IO<?, ?, ?> io) {
        try {
            if (!pi4j.isShutdown()) {
                pi4j.shutdown(io.id()); // removes it from the registry and shuts it down: listeners are cleared
            }
        } catch (RuntimeException e) {
            LOG.warn("kdrv board: shutting down Pi4J I/O {} failed: {}", io.id(), e.toString(), e);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("kdrv board (platform " + platform.name() + ") is closed");
        }
    }

    private static String deviceName(Device owner) {
        return Objects.requireNonNull(owner, "owner").name();
    }

    private static String ioId(int line) {
        return "kdrv-gpio-" + line;
    }

    // ------------------------------------------------------------------------------------------ introspection

    @Override
    public List<LineInfo> lines() {
        List<GpioClaim> claims;
        synchronized (lock) {
            claims = new ArrayList<>(gpio.values());
            for (GpioClaim c : chipLines.values()) {
                if (c.io != null) { // not a reservation still being opened
                    claims.add(c);
                }
            }
        }
        List<LineInfo> out = new ArrayList<>(claims.size());
        for (GpioClaim c : claims) {
            ThreadedIrq irq = c.irq;
            out.add(new LineInfo(c.line, c.direction, c.owner, level(c.io), irq == null ? null : irq.threadName(),
                    irq == null ? 0 : irq.edges(), irq == null ? 0 : irq.handled(),
                    irq == null ? 0 : irq.overflows(), irq == null ? 0 : irq.debounced(),
                    irq == null ? 0 : irq.lost(), irq == null ? 0 : irq.failures(), c.label));
        }
        out.sort(java.util.Comparator.comparingInt(LineInfo::line));
        return out;
    }

    private static int level(Digital<?, ?, ?> io) {
        try {
            DigitalState s = io.state();
            return s == DigitalState.HIGH ? 1 : s == DigitalState.LOW ? 0 : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @Override
    public List<I2cInfo> i2cDevices() {
        synchronized (lock) {
            List<I2cInfo> out = new ArrayList<>(i2c.size());
            for (I2cClaim c : i2c.values()) {
                out.add(new I2cInfo(c.bus, c.address, c.owner));
            }
            return out;
        }
    }

    @Override
    public List<io.kdrv.board.SpiInfo> spiDevices() {
        return spi.infos();
    }

    @Override
    public List<io.kdrv.board.PwmInfo> pwmChannels() {
        return pwm.infos();
    }

    @Override
    public List<PortInfo> ports() {
        List<PortInfo> out = new ArrayList<>();
        for (PortClaims.Claim c : ports.list()) {
            out.add(new PortInfo(c.kind(), c.port(), c.owner()));
        }
        return out;
    }

    @Override
    public Context pi4j() {
        return pi4j;
    }

    @Override
    public boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public void close() {
        List<GpioClaim> lines;
        List<I2cClaim> buses;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            lines = new ArrayList<>(chipLines.values()); // controller lines first: their controller may use SoC lines
            lines.removeIf(c -> c.io == null);
            lines.addAll(gpio.values());
            buses = new ArrayList<>(i2c.values());
        }
        if (!lines.isEmpty() || !buses.isEmpty()) {
            LOG.info("kdrv board: closing platform {} with {} GPIO line(s) and {} I2C device(s) still claimed",
                    platform.name(), lines.size(), buses.size());
        }
        for (GpioClaim c : lines) {
            release(c);
        }
        for (I2cClaim c : buses) {
            release(c);
        }
        spi.close();
        pwm.close();
        ports.closeAll();
        shutdownQuietly(pi4j);
    }

    private static void shutdownQuietly(Context context) {
        try {
            context.shutdown();
        } catch (RuntimeException e) {
            LOG.warn("kdrv board: Pi4J context shutdown failed: {}", e.toString(), e);
        }
    }

    @Override
    public String toString() {
        return "KdrvBoard[" + platform.name() + "]";
    }

    // ------------------------------------------------------------------------------------------ claim records

    private static final class GpioClaim {
        final int line;             // SoC line, or the controller line's global number
        final String label;         // "17", or "expander0:3"
        final String direction;
        final String owner;
        final ControllerLine chipLine; // null for a SoC line
        volatile Digital<?, ?, ?> io;  // null while a controller line is being opened
        volatile DigitalState offState; // controller outputs: driven again on release
        ThreadedIrq irq;    // guarded by lock
        boolean releasing;  // guarded by lock

        GpioClaim(int line, String direction, String owner, Digital<?, ?, ?> io) {
            this(line, String.valueOf(line), direction, owner, io, null);
        }

        GpioClaim(int line, String label, String direction, String owner, Digital<?, ?, ?> io, ControllerLine chip) {
            this.line = line;
            this.label = label;
            this.direction = direction;
            this.owner = owner;
            this.io = io;
            this.chipLine = chip;
        }
    }

    private static final class I2cClaim {
        final int bus;
        final int address;
        final String owner;
        final I2C io;
        boolean released;   // guarded by lock

        I2cClaim(int bus, int address, String owner, I2C io) {
            this.bus = bus;
            this.address = address;
            this.owner = owner;
            this.io = io;
        }
    }

    /** A handle whose close runs the release action once. */
    private static final class ClaimHandle<T> implements Handle<T> {
        private final T resource;
        private final Runnable release;
        private boolean closed; // guarded by this

        ClaimHandle(T resource, Runnable release) {
            this.resource = resource;
            this.release = release;
        }

        @Override
        public T get() {
            return resource;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release.run();
        }
    }
}
