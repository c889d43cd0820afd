package io.kdrv.board.mock;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.platform.MockPlatform;
import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.Boards;
import io.kdrv.board.KdrvBoard;
import io.kdrv.board.LineSimulator;
import io.kdrv.driver.LineConfig;
import io.kdrv.board.W1Bus;
import io.kdrv.board.mock.internal.MockW1Bus;
import io.kdrv.board.mock.internal.PwmSim;
import io.kdrv.board.mock.internal.RegisterI2CProvider;
import io.kdrv.board.mock.internal.SimPwmProvider;
import io.kdrv.board.mock.internal.SimSerial;
import io.kdrv.board.mock.internal.SimSerialProvider;
import io.kdrv.board.mock.internal.SimHooks;
import io.kdrv.board.mock.internal.SimInput;
import io.kdrv.board.mock.internal.SimInputProvider;
import io.kdrv.board.mock.internal.SimOutput;
import io.kdrv.board.mock.internal.SimOutputProvider;
import io.kdrv.board.mock.internal.SimSpiProvider;
import io.kdrv.board.mock.internal.SpiSim;
import io.kdrv.driver.spi.SpiSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

/**
 * A simulated board: the {@code mock} {@link BoardPlatform} plus a simulation API for tests and demos.
 *
 * <h2>Use</h2>
 * <ul>
 *   <li>Plain Java / JUnit: {@code MockBoard mock = new MockBoard(); KdrvBoard board = mock.open();} (or use the
 *       {@code kdrv-testing} fixture, which does this for you). Close the board at the end.</li>
 *   <li>OSGi: bundle {@code kdrv-board-mock} registers one MockBoard as {@link MockBoard}, {@link BoardPlatform}
 *       ({@code kdrv.board.platform=mock}) and {@link LineSimulator}; the board bundle runs on it when its
 *       platform is {@code mock}. Get the {@code MockBoard} service to drive it.</li>
 * </ul>
 *
 * <h2>Simulation</h2>
 * <ul>
 *   <li>Inputs: {@link #setInput}, {@link #pulse}, {@link #burst} change a line's level through Pi4J's
 *       {@code MockDigitalInput.mockState}, so the real listener path (an IRQ top half) runs, synchronously on the
 *       calling thread, and only on a real change. A level set on a line nobody opened is kept and becomes the
 *       line's level when it is opened. A line nobody drives ({@link #disconnect}, and every line at first) reads
 *       its pull resistor: HIGH with {@code pull-up}, LOW with {@code pull-down} or none. An input opened
 *       active-low reads the inverted level, as the driver sees it; {@link #input} is the line's level.</li>
 *   <li>Outputs: {@link #output}, {@link #outputHistory} (the last level changes, time-stamped, recorded by a
 *       Pi4J listener on the output), {@link #awaitOutput}: the line's level, so an active-low output the driver sets
 *       HIGH shows LOW. Open drain (open source) releases the line instead of driving it high (low): the line then
 *       shows its pull resistor, HIGH (LOW) without one, as with the usual external pull; {@link #outputDriven}
 *       tells whether the output drives the line right now.</li>
 *   <li>Simulated devices with a timing model: {@link #addOutputWatcher} reacts to a driver's output change (a
 *       trigger pulse), {@link #setInputAt} injects an edge with the model's timestamp, which the IRQ top half
 *       uses instead of the clock, so pulse widths measured from edge timestamps are exact.</li>
 *   <li>PWM: chip 0 has {@value #DEFAULT_PWM_CHANNELS} channels ({@link #addPwmChip} adds chips); every state a
 *       driver programs (enable, frequency, duty cycle, polarity) is recorded with its time: {@link #pwm},
 *       {@link #pwmHistory}, {@link #awaitPwm}.</li>
 *   <li>I2C: {@link #attach} a {@link RegisterChip} at a bus/address; drivers reach it through Pi4J's I2C API.
 *       A transfer to an address without a chip fails naming bus and address.</li>
 *   <li>SPI: {@link #attachSpi} an {@link SpiChip} at a bus/chip select; drivers reach it through Pi4J's
 *       {@code Spi}, one chip transfer per Pi4J transfer (chip select asserted for its length). Every transfer is
 *       recorded ({@link #spiTransfers}); where no chip is attached MISO floats and reads zeros.</li>
    }

 *   <li>UART: {@link #serialPeer} is the scripted far end of a serial device path (expect these bytes, reply
 *       those; traffic recorded); opening a path without a peer fails naming it.</li>
 *   <li>1-Wire: {@link #attachW1} a {@link W1Model} to a bus master; a detached or absent model gives no
 *       presence pulse.</li>
 * </ul>
 * Wrong use (a line the board does not have, driving an output, no chip at an address) throws
 * {@link IllegalArgumentException} or {@link IllegalStateException} naming the line or bus/address.
 *
 * <p>Thread-safe. One board at a time: {@link #newContext()} fails while the previous context is still running.
 */
public final class MockBoard implements BoardPlatform, LineSimulator {
    /** Lines of the default mock board: GPIO 0..27, like a Raspberry Pi header. */
    public static final int DEFAULT_LINES = 28;

    private final int lineCount;
    private final Line[] lines;
    private final Map<Integer, RegisterChip> chips = new ConcurrentHashMap<>();
    private final Hooks hooks = new Hooks();
    private final SpiSim spi = new SpiSim();
    private final PwmSim pwms = new PwmSim();
    private final Map<String, SerialPeer> serialPeers = new ConcurrentHashMap<>();
    private final MockW1Bus w1 = new MockW1Bus();
    private Context context; // guarded by this

    /** A mock board with {@value #DEFAULT_LINES} lines. */
    public MockBoard() {
        this(DEFAULT_LINES);
    }

    /** @param lineCount number of GPIO lines, 1..1024 */
    public MockBoard(int lineCount) {
        if (lineCount < 1 || lineCount > 1024) {
            throw new IllegalArgumentException("mock board: line count must be 1..1024, got " + lineCount);
        }
        this.lineCount = lineCount;
        pwms.addChip(DEFAULT_PWM_CHANNELS); // chip 0, like a Pi's pwm-2chan overlay
        this.lines = new Line[lineCount];
        for (int i = 0; i < lineCount; i++) {
            lines[i] = new Line(i);
        }
    }

    // ------------------------------------------------------------------------------------------ platform

    @Override
    public String name() {
        return Boards.MOCK;
    }

    @Override
    public int lineCount() {
        return lineCount;
    }

    /**
     * A Pi4J context with Pi4J's mock GPIO providers (extended to report to this board) and kdrv's register-model
     * I2C provider.
     *
     * @throws BoardException while a previous context of this board is still running
     */
    @Override
    public synchronized Context newContext() {
        if (context != null && !context.isShutdown()) {
            throw new BoardException(name(), "this MockBoard already backs a running board; close that board first");
        }
        context = Pi4J.newContextBuilder()
                .noAutoDetect()
                .disableShutdownHook()
                .add(new MockPlatform())
                .add(new SimInputProvider(hooks), new SimOutputProvider(hooks), new RegisterI2CProvider(hooks))
                .add(new SimSpiProvider(spi))
                .add(new SimPwmProvider(pwms))
                .add(new SimSerialProvider(this::serialFar))
                .build();
        return context;
    }

    /** Plain-Java convenience: {@link Boards#open(BoardPlatform) Boards.open(this)}. The caller closes it. */
    public KdrvBoard open() {
        return Boards.open(this);
    }

    /** Plain-Java convenience: {@link Boards#open(BoardPlatform, int) Boards.open(this, irqFifoCapacity)}. */
    public KdrvBoard open(int irqFifoCapacity) {
        return Boards.open(this, irqFifoCapacity);
    }

    // ------------------------------------------------------------------------------------------ inputs

    /**
     * Drives input {@code line} to {@code level}; see the class comment.
     *
     * @throws IllegalArgumentException no such line, or the line is open as an output
     */
    public void setInput(int line, DigitalState level) {
        Objects.requireNonNull(level, "level");
        if (level != DigitalState.HIGH && level != DigitalState.LOW) {
            throw new IllegalArgumentException("mock board: GPIO " + line + ": level must be HIGH or LOW, got " + level);
        }
        Line l = line(line);
        synchronized (l) {
            drive(l, level);
        }
    }

    @Override
    public void setInput(int line, boolean high) {
        setInput(line, high ? DigitalState.HIGH : DigitalState.LOW);
    }

    /**
     * {@link #setInput(int, boolean)} for an edge that happened at {@code timestampNanos} ({@link System#nanoTime()}
     * base): a threaded IRQ on the line stamps the edge with that time instead of the dispatch time. Give the
     * edges of one line non-decreasing timestamps. Setting the current level does nothing.
     *
     * @throws IllegalArgumentException no such line, or the line is open as an output
     */
    public void setInputAt(int line, boolean high, long timestampNanos) {
        DigitalState level = high ? DigitalState.HIGH : DigitalState.LOW;
        Line l = line(line);
        synchronized (l) {
            if (l.out != null) {
                drive(l, level); // throws naming the output
            }
            l.input = level;
            if (l.in != null) {
                l.in.mockState(logical(l), timestampNanos); // as the driver sees it (active-low inverts)
            }
        }
    }

    /**
     * Stops driving input {@code line}: it floats to its pull resistor (see the class comment); an open input
     * sees the change like any other.
     */
    public void disconnect(int line) {
        Line l = line(line);
        synchronized (l) {
            drive(l, null);
        }
    }

    /**
     * @return the level of input {@code line} on the wire: the driven level, else its pull resistor's (LOW when
     *         none); not inverted for active-low
     */
    public DigitalState input(int line) {
        Line l = line(line);
        synchronized (l) {
            return physical(l);
        }
    }

    /** Two back-to-back edges: the line goes to the opposite level and back. */
    public void pulse(int line) {
        pulse(line, Duration.ZERO);
    }

    /**
     * Drives {@code line} to the opposite level, lets {@code width} pass, and drives it back: two edges. Other
     * threads may drive the line meanwhile (the line is not locked while the pulse is high).
     */
    @Override
    public void pulse(int line, Duration width) {
        Objects.requireNonNull(width, "width");
        if (width.isNegative()) {
            throw new IllegalArgumentException("mock board: GPIO " + line + ": pulse width must be >= 0, got " + width);
        }
        Line l = line(line);
        DigitalState idle;
        synchronized (l) {
            idle = physical(l);
            drive(l, opposite(idle));
        }
        elapse(width);
        synchronized (l) {
            drive(l, idle);
        }
    }

    /**
     * Toggles {@code line} {@code edges} times in a row, as fast as the caller can: a burst of edges (a bouncing
     * contact, a flood). The line is locked for the whole burst, so the edges are not interleaved with others.
     *
     * @param edges number of level changes, >= 0
     */
    public void burst(int line, int edges) {
        if (edges < 0) {
            throw new IllegalArgumentException("mock board: GPIO " + line + ": edge count must be >= 0, got " + edges);
        }
        Line l = line(line);
        synchronized (l) {
            for (int i = 0; i < edges; i++) {
                drive(l, opposite(physical(l)));
            }
        }
    }

    /** @return true while a driver has {@code line} open (as input or output) */
    public boolean isOpen(int line) {
        Line l = line(line);
        synchronized (l) {
            return l.in != null || l.out != null;
        }
    }

    private void drive(Line l, DigitalState level) { // caller holds l; null: not driven
        if (l.out != null) {
            throw new IllegalArgumentException("mock board: GPIO " + l.n + " is open as an output ("
                    + l.out.getName() + "); only inputs can be driven");
        }
        l.input = level;
        if (l.in != null) {
            l.in.mockState(logical(l)); // dispatches to the input's Pi4J listeners on this thread, if it changed
        }
    }

    /** The wire level of an input line: driven, else pulled (a floating line reads LOW). Caller holds l. */
    private static DigitalState physical(Line l) {
        if (l.input != null) {
            return l.input;
        }
        return l.inConfig != null && l.inConfig.bias() == LineConfig.Bias.PULL_UP ? DigitalState.HIGH : DigitalState.LOW;
    }

    /** What the open input reads: the wire level, inverted when requested active-low. Caller holds l. */
    private static DigitalState logical(Line l) {
        DigitalState p = physical(l);
        return l.inConfig != null && l.inConfig.activeLow() ? opposite(p) : p;
    }

    private static DigitalState opposite(DigitalState s) {
        return s == DigitalState.HIGH ? DigitalState.LOW : DigitalState.HIGH;
    }

    /** Lets simulated time pass (a pulse width), not a synchronisation device. */
    private static void elapse(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        for (long left = d.toNanos(); left > 0; left = end - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    // ------------------------------------------------------------------------------------------ outputs

    /**
     * The level of output {@code line}: its current level while open, its last level after it was released.
     *
     * @throws IllegalArgumentException no such line, or the line has never been an output
     */
    public DigitalState output(int line) {
        Line l = line(line);
        synchronized (l) {
            if (l.outputLevel == null) {
                throw new IllegalArgumentException("mock board: GPIO " + line + " has never been opened as an output");
            }
            return l.outputLevel;
        }
    }

    /**
     * Whether output {@code line} drives the line now (false while an open-drain output is high or an open-source
     * one low, and after the output was released).
     */
    public boolean outputDriven(int line) {
        Line l = line(line);
        synchronized (l) {
            return l.out != null && l.outputDriven;
        }
    }

    /**
     * @return the levels output {@code line} took since it was first opened (or the history was cleared), oldest
     *         first: the last {@value SimLog#DEFAULT_CAPACITY} (a demo's heartbeat must not fill the heap)
     */
    public List<LevelChange> outputHistory(int line) {
        Line l = line(line);
        synchronized (l) {
            return l.history.snapshot();
        }
    }

    /** Forgets the recorded history of output {@code line}. */
    public void clearOutputHistory(int line) {
        Line l = line(line);
        synchronized (l) {
            l.history.clear();
        }
    }

    /**
     * Waits until output {@code line} is at {@code level}.
     *
     * @return true when it is, false on timeout
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitOutput(int line, DigitalState level, Duration timeout) throws InterruptedException {
        Line l = line(line);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (l) {
            while (l.outputLevel != level) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                l.wait(Math.max(1, left / 1_000_000), 0);
            }
            return true;
        }
    }

    /**
     * Calls {@code watcher} with every later level change of output {@code line} (not the level it is opened
     * with), on the thread that wrote the output, after the change is recorded and without any board lock held,
     * so the watcher may drive inputs ({@link #setInputAt}). A simulated device uses it to answer a trigger.
     */
    public void addOutputWatcher(int line, Consumer<LevelChange> watcher) {
        line(line).watchers.add(Objects.requireNonNull(watcher, "watcher"));
    }

    /** Removes a watcher added with {@link #addOutputWatcher} (no-op if absent). */
    public void removeOutputWatcher(int line, Consumer<LevelChange> watcher) {
        line(line).watchers.remove(watcher);
    }

    // ------------------------------------------------------------------------------------------ I2C

    /**
     * Attaches {@code chip} at {@code bus}/{@code address}.
     *
     * @return {@code chip}
     * @throws IllegalArgumentException bad bus or address
     * @throws IllegalStateException    another chip is already there (named)
     */
    public <C extends RegisterChip> C attach(int bus, int address, C chip) {
        Objects.requireNonNull(chip, "chip");
        RegisterChip old = chips.putIfAbsent(i2cKey(bus, address), chip);
        if (old != null) {
            throw new IllegalStateException("mock board: I2C bus " + bus + " address " + RegisterChip.hex(address)
                    + " already has chip " + old.name());
        }
        return chip;
    }

    /**
     * Detaches the chip at {@code bus}/{@code address}: later transfers there fail as if nothing answered.
     *
     * @return the detached chip
     * @throws IllegalArgumentException when there is no chip there
     */
    public RegisterChip detach(int bus, int address) {
        RegisterChip chip = chips.remove(i2cKey(bus, address));
        if (chip == null) {
            throw noChip(bus, address);
        }
        return chip;
    }

    /**
     * @return the chip at {@code bus}/{@code address}
     * @throws IllegalArgumentException when there is no chip there
     */
    public RegisterChip chip(int bus, int address) {
        RegisterChip chip = chips.get(i2cKey(bus, address));
        if (chip == null) {
            throw noChip(bus, address);
        }
        return chip;
    }

    private static IllegalArgumentException noChip(int bus, int address) {
        return new IllegalArgumentException("mock board: no chip at I2C bus " + bus + " address "
                + RegisterChip.hex(address));
    }

    private static int i2cKey(int bus, int address) {
        if (bus < 0 || bus > 255) {
            throw new IllegalArgumentException("mock board: invalid I2C bus " + bus);
        }
        if (address < 0x03 || address > 0x77) {
            throw new IllegalArgumentException("mock board: invalid 7-bit I2C address " + RegisterChip.hex(address)
                    + " on bus " + bus + " (valid: 0x03..0x77)");
        }
        return bus << 8 | address;
    }

    // ------------------------------------------------------------------------------------------ SPI

    /**
     * Attaches {@code chip} at SPI {@code bus}/{@code chipSelect}; transfers there from now on go to it.
     *
     * @return {@code chip}
     * @throws IllegalArgumentException bad bus or chip select
     * @throws IllegalStateException    another chip is already there (named)
     */
    public <C extends SpiChip> C attachSpi(int bus, int chipSelect, C chip) {
        Objects.requireNonNull(chip, "chip");
        SpiChip old = spi.attach(spiKey(bus, chipSelect), chip);
        if (old != null) {
            throw new IllegalStateException("mock board: SPI bus " + bus + " chip select " + chipSelect
                    + " already has chip " + old.name());
        }
        return chip;
    }

    /**
     * Detaches the chip at SPI {@code bus}/{@code chipSelect}: later transfers there read a floating MISO (zeros).
     *
     * @return the detached chip
     * @throws IllegalArgumentException when there is no chip there
     */
    public SpiChip detachSpi(int bus, int chipSelect) {
        SpiChip chip = spi.detach(spiKey(bus, chipSelect));
        if (chip == null) {
            throw new IllegalArgumentException("mock board: no chip at SPI bus " + bus + " chip select " + chipSelect);
        }
        return chip;
    }

    /** @return the transfers to {@code bus}/{@code chipSelect}, oldest first (the last {@value SpiSim#RECORD_CAPACITY}) */
    public List<SpiTransfer> spiTransfers(int bus, int chipSelect) {
        return spi.transfers(spiKey(bus, chipSelect));
    }

    /** @return how many transfers went to {@code bus}/{@code chipSelect} since the board was made */
    public long spiTransferCount(int bus, int chipSelect) {
        return spi.transferCount(spiKey(bus, chipSelect));
    }

    /** Forgets the recorded transfers of {@code bus}/{@code chipSelect} (the count stays). */
    public void clearSpiTransfers(int bus, int chipSelect) {
        spi.clearTransfers(spiKey(bus, chipSelect));
    }

    /** @return true while a driver has SPI {@code bus}/{@code chipSelect} open */
    public boolean isSpiOpen(int bus, int chipSelect) {
        return spi.isOpen(spiKey(bus, chipSelect));
    }

    private static int spiKey(int bus, int chipSelect) {
        if (bus < 0 || bus > SpiSettings.MAX_BUS || chipSelect < 0 || chipSelect > SpiSettings.MAX_CHIP_SELECT) {
            throw new IllegalArgumentException("mock board: invalid SPI bus " + bus + " chip select " + chipSelect
                    + " (bus 0.." + SpiSettings.MAX_BUS + ", chip select 0.." + SpiSettings.MAX_CHIP_SELECT + ")");
        }
        return SpiSim.key(bus, chipSelect);
    }

    // ------------------------------------------------------------------------------------------ PWM

    /** Channels of PWM chip 0, the one every mock board has (a Pi's two hardware PWM channels). */
    public static final int DEFAULT_PWM_CHANNELS = 2;

    /**
     * Adds a SoC PWM chip (chip 0 with {@value #DEFAULT_PWM_CHANNELS} channels always exists); nodes use its
     * channels as {@code "pwms": ["<chip>:<channel>"]}.
     *
     * @param channels 1..64
     * @return the new chip's number
     */
    public int addPwmChip(int channels) {
        return pwms.addChip(channels);
    }

    /**
     * The latest state of PWM {@code chip}:{@code channel}: as programmed while open, its last state (disabled)
     * after release.
     *
     * @throws IllegalArgumentException no such chip or channel, or it has never been opened
     */
    public PwmChange pwm(int chip, int channel) {
        return pwms.current(chip, channel);
    }

    /**
     * @return the distinct states the channel took since it was first opened (or cleared), oldest first: the last
     *         {@value SimLog#DEFAULT_CAPACITY}
     */
    public List<PwmChange> pwmHistory(int chip, int channel) {
        return pwms.history(chip, channel);
    }

    /** Forgets the recorded history of PWM {@code chip}:{@code channel}. */
    public void clearPwmHistory(int chip, int channel) {
        pwms.clearHistory(chip, channel);
    }

    /** @return true while a driver has PWM {@code chip}:{@code channel} open */
    public boolean isPwmOpen(int chip, int channel) {
        return pwms.isOpen(chip, channel);
    }

    /**
     * Waits until the latest state of PWM {@code chip}:{@code channel} matches {@code state}.
     *
     * @return true when it does, false on timeout
     */
    public boolean awaitPwm(int chip, int channel, java.util.function.Predicate<PwmChange> state, Duration timeout)
            throws InterruptedException {
        return pwms.await(chip, channel, Objects.requireNonNull(state, "state"), timeout);
    }

    // ------------------------------------------------------------------------------------------ UART

    /**
     * The scripted far end of serial device {@code path} (created on first use, kept across opens): see
     * {@link SerialPeer}. A driver can open only paths that have a peer.
     */
    public SerialPeer serialPeer(String path) {
        Objects.requireNonNull(path, "path");
        return serialPeers.computeIfAbsent(path, SerialPeer::new);
    }

    private SimSerial.Far serialFar(String path) {
        SerialPeer p = serialPeers.get(path);
        return p == null ? null : p.far();
    }

    // ------------------------------------------------------------------------------------------ 1-Wire

    /** The master {@link #attachW1(W1Model)} uses, named like the Linux kernel's first master. */
    public static final String DEFAULT_W1_MASTER = "w1_bus_master1";

    /** {@link #attachW1(String, W1Model)} on {@value #DEFAULT_W1_MASTER}. */
    public <M extends W1Model> M attachW1(M model) {
        return attachW1(DEFAULT_W1_MASTER, model);
    }

    /**
     * Attaches a simulated 1-Wire slave to bus {@code master}.
     *
     * @return {@code model}
     * @throws IllegalArgumentException a malformed id
     * @throws IllegalStateException    a slave with the same id is attached (the error names its master)
     */
    public <M extends W1Model> M attachW1(String master, M model) {
        w1.attach(master, model);
        return model;
    }

    /**
     * Detaches 1-Wire slave {@code id}: later transactions with it fail as absent.
     *
     * @return the detached model
     */
    public W1Model detachW1(String id) {
        return w1.detach(id);
    }

    @Override
    public Optional<W1Bus> w1Bus() {
        return Optional.of(w1);
    }

    // ------------------------------------------------------------------------------------------ lines

    private Line line(int line) {
        if (line < 0 || line >= lineCount) {
            throw new IllegalArgumentException("mock board: no GPIO line " + line + " (lines 0.." + (lineCount - 1)
                    + ")");
        }
        return lines[line];
    }

    @Override
    public String toString() {
        return "MockBoard[" + lineCount + " lines, " + chips.size() + " I2C chips]";
    }

    /** Per-line simulation state; the Line object is its lock. */
    private static final class Line {
        final int n;
        DigitalState input;      // driven level, null: not driven (reads the pull)
        LineConfig inConfig;     // of the open input, null when closed
        SimInput in;
        boolean outputDriven;
        SimOutput out;
        DigitalState outputLevel;
        final SimLog<LevelChange> history = new SimLog<>();
        final List<Consumer<LevelChange>> watchers = new CopyOnWriteArrayList<>(); // not guarded: copy-on-write

        Line(int n) {
            this.n = n;
        }
    }

    /** Callbacks from the simulated Pi4J I/O. */
    private final class Hooks implements SimHooks {
        @Override
        public DigitalState inputOpened(SimInput input) {
            Line l = line(input.line());
            synchronized (l) {
                l.in = input;
                l.inConfig = input.lineConfig();
                return logical(l);
            }
        }

        @Override
        public void inputClosed(SimInput input) {
            Line l = line(input.line());
            synchronized (l) {
                if (l.in == input) {
                    l.in = null;
                    l.inConfig = null;
                }
            }
        }

        @Override
        public void outputOpened(SimOutput output) {
            Line l = line(output.line());
            synchronized (l) {
                l.out = output;
                record(l, output, output.state());
            }
        }

        @Override
        public void outputClosed(SimOutput output) {
            Line l = line(output.line());
            synchronized (l) {
                if (l.out == output) {
                    l.out = null;
                }
            }
        }

        @Override
        public void outputChanged(SimOutput output, DigitalState level) {
            Line l = line(output.line());
            LevelChange change;
            synchronized (l) {
                change = record(l, output, level);
            }
            if (change != null) {
                for (Consumer<LevelChange> w : l.watchers) { // outside the lock: a watcher may drive inputs
                    w.accept(change);
                }
            }
        }

        /** Records the wire level for the output's logical {@code value}. Caller holds l. */
        private LevelChange record(Line l, SimOutput output, DigitalState value) {
            if (value != DigitalState.HIGH && value != DigitalState.LOW) {
                return null; // UNKNOWN before the first write: not a level
            }
            LineConfig c = output.lineConfig();
            DigitalState wire = c.activeLow() ? opposite(value) : value;
            boolean released = c.drive() == LineConfig.Drive.OPEN_DRAIN && wire == DigitalState.HIGH
                    || c.drive() == LineConfig.Drive.OPEN_SOURCE && wire == DigitalState.LOW;
            l.outputDriven = !released;
            DigitalState level = !released ? wire
                    : c.bias() == LineConfig.Bias.PULL_UP ? DigitalState.HIGH
                    : c.bias() == LineConfig.Bias.PULL_DOWN ? DigitalState.LOW
                    : wire; // no bias: the external pull (up for open drain, down for open source)
            LevelChange change = new LevelChange(level, System.nanoTime());
            l.outputLevel = level;
            l.history.add(change);
            l.notifyAll(); // awaitOutput
            return change;
        }

        @Override
        public RegisterChip chip(int bus, int address) {
            return chips.get(bus << 8 | address);
        }
    }
}
