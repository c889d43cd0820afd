package io.kdrv.drivers.hd44780.sim;

import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.mock.LevelChange;
import io.kdrv.board.mock.MockBoard;
import io.kdrv.board.mock.SimLog;
import io.kdrv.drivers.hd44780.Hd44780Charset;
import io.kdrv.drivers.hd44780.internal.Hd44780Commands;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * A model of an HD44780 character LCD module wired in 4-bit mode to mock-board output lines, built from the
 * datasheet (Hitachi ADE-207-272): tests read back what the module would show.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li><b>Bus.</b> The controller latches RS and D4..D7 on the falling edge of E (an output watcher on E). A
 *       latch while R/W is high (a read, which this model does not answer) counts as a protocol error.</li>
 *   <li><b>Interface width.</b> After power-on the interface is 8 bits wide: each latch is a whole instruction
 *       whose low nibble reads 0 (DB0..DB3 are not wired). Function set with DL = 0 switches to 4 bits: then two
 *       latches make a byte, high nibble first. Function set with DL = 1 switches back, so the datasheet's
 *       0x3, 0x3, 0x3, 0x2 sequence resynchronises from any state ({@link #resetTo4BitMode}).</li>
 *   <li><b>Busy time.</b> Each instruction keeps the controller busy for its datasheet execution time at
 *       270 kHz: 37 µs, 41 µs for a data write, 1.52 ms for clear and home; after power-on 15 ms, and during the
 *       reset by instruction 4.1 ms after the first function set and 100 µs after the second. A latch while
 *       busy is ignored, as the datasheet says, and counted in {@link #busyViolations()}.</li>
 *   <li><b>Instructions.</b> Clear display, return home, entry mode (increment/decrement, display shift), display
 *       control (display, cursor, blink), cursor/display shift, function set (DL, N, F), set CGRAM address (CGRAM
 *       writes are stored), set DDRAM address. DDRAM is 80 bytes: one line 0x00..0x4F, or two lines 0x00..0x27
 *       and 0x40..0x67, with the address counter wrapping as the datasheet describes.</li>
 *   <li><b>Read back.</b> {@link #row(int)} is what row r of a module of the given geometry shows: rows 0 and 1
 *       start at 0x00 and 0x40, rows 2 and 3 continue them after {@code columns} characters (20x4: 0x14, 0x54),
 *       shifted by the display shift; characters as {@link Hd44780Charset#character}. It reads the RAM whether
 *       the display is on or not ({@link #displayOn()}).</li>
 *   <li><b>Backlight</b> ({@link #backlight}): the level of its line.</li>
 *   <li><b>Wiring.</b> On mock-board output lines (the line constructor), or unwired ({@link #Hd44780Lcd(int, int)})
 *       and driven through {@link #pins}, e.g. by the port model of a PCF8574 backpack.</li>
 * </ul>
 *
 * <p>Thread-safe: the state is guarded by the model's monitor; watchers run on the thread that wrote the line.
 */
public final class Hd44780Lcd implements AutoCloseable {
    private final MockBoard mock; // null: not wired to mock-board lines, driven through pins()
    private final int rows;
    private final int columns;
    private final int rs;
    private final int e;
    private final int[] data;
    private int rw = -1;
    private int backlightLine = -1;
    private final Consumer<LevelChange> onEnable = this::enableChanged;

    // controller state, guarded by this
    private final int[] ddram = new int[0x80];
    private final int[] cgram = new int[64];
    private boolean eightBit = true;
    private boolean highNibbleNext = true; // 4-bit: the next latch is a high nibble
    private int pendingHigh;
    private boolean twoLines;
    private boolean font5x10;
    private boolean displayOn;
    private boolean cursorOn;
    private boolean blinkOn;
    private boolean increment = true;
    private boolean entryShift;
    private int shift;           // display shift, characters to the left
    private int address;         // address counter
    private boolean cgramSelected;
    private boolean powerOnReset; // power-on state: the reset by instruction's longer waits apply
    private int resetFunctionSets;
    private long busyUntil;
    private long instructions;
    private long dataWrites;
    private long busyViolations;
    private long protocolErrors;
    private boolean lastE;
    private boolean backlightPin; // unwired model: the backlight pin's last level
    private final SimLog<Integer> log = new SimLog<>();

    /**
     * Connects a module of {@code rows} x {@code columns} to the mock board's lines and powers it on (now: the
     * 15 ms power-on time starts). Attach it before the driver opens the lines.
     *
     * @param d4to7 the four data lines D4, D5, D6, D7
     */
    public Hd44780Lcd(MockBoard mock, int rows, int columns, int rs, int e, int... d4to7) {
        if (d4to7.length != 4) {
            throw new IllegalArgumentException("give the four data lines D4..D7, got " + d4to7.length);
        }
        this.mock = java.util.Objects.requireNonNull(mock, "mock");
        this.rows = rows;
        this.columns = columns;
        this.rs = rs;
        this.e = e;
        this.data = d4to7.clone();
        powerOn();
        mock.addOutputWatcher(e, onEnable);
    }

    /**
     * A module of {@code rows} x {@code columns} that is not wired to mock-board lines: whatever drives its pins
     * (the port model of an I2C expander backpack, where one port write sets every pin) reports each new pin state
     * with {@link #pins}. Powered on now.
     */
    public Hd44780Lcd(int rows, int columns) {
        this.mock = null;
        this.rows = rows;
        this.columns = columns;
        this.rs = -1;
        this.e = -1;
        this.data = new int[0];
        powerOn();
    }

    /**
     * The module's pins after a write to them (unwired model): a falling edge of {@code e} latches {@code rs},
     * {@code rw} and {@code d4to7} (bit 0 = D4), which hold the values of this write (a port expander changes all
     * its pins at once, and the driver keeps the data steady across the E pulse).
     *
     * @param backlight the backlight pin's level
     */
    public void pins(boolean rs, boolean rw, boolean e, int d4to7, boolean backlight) {
        pins(rs, rw, e, d4to7, backlight, System.nanoTime());
    }

    /**
     * {@link #pins(boolean, boolean, boolean, int, boolean)} at model time {@code timestampNanos} (the
     * {@link System#nanoTime()} base): the busy time is checked against it, so a test can place latches exactly.
     */
    public void pins(boolean rs, boolean rw, boolean e, int d4to7, boolean backlight, long timestampNanos) {
        boolean falling;
        synchronized (this) {
            backlightPin = backlight;
            falling = lastE && !e;
            lastE = e;
        }
        if (falling) {
            latch(rs, rw, d4to7 & 0xF, timestampNanos);
        }
    }

    /** Also watches R/W on {@code line}: a latch while it is high is a protocol error. */
    public synchronized Hd44780Lcd rw(int line) {
        this.rw = line;
        return this;
    }

    /** The backlight is on {@code line} (high = lit). */
    public synchronized Hd44780Lcd backlightLine(int line) {
        this.backlightLine = line;
        return this;
    }

    /** Power cycle: DDRAM blank, 8-bit interface, display off, 1 line, increment; busy for 15 ms. */
    public void powerOn() {
        powerOn(System.nanoTime());
    }

    /** {@link #powerOn()} with the supply reaching 4.5 V at model time {@code timestampNanos}. */
    public synchronized void powerOn(long timestampNanos) {
        Arrays.fill(ddram, ' ');
        eightBit = true;
        highNibbleNext = true;
        twoLines = false;
        font5x10 = false;
        displayOn = false;
        cursorOn = false;
        blinkOn = false;
        increment = true;
        entryShift = false;
        shift = 0;
        address = 0;
        cgramSelected = false;
        powerOnReset = true;
        resetFunctionSets = 0;
        busyUntil = timestampNanos + Hd44780Commands.POWER_ON_NS;
    }

    /**
     * Puts the controller in 4-bit mode without a power cycle, as a host restart leaves it; with
     * {@code lowNibblePending} it is half-way through a byte, so the next latch is taken as a low nibble.
     */
    public synchronized void resetTo4BitMode(boolean lowNibblePending) {
        eightBit = false;
        highNibbleNext = !lowNibblePending;
        pendingHigh = 0xF;
        powerOnReset = false;
        busyUntil = System.nanoTime();
    }

    /**
     * {@link #pins} for the classic PCF8574 backpack wiring, from the expander's port byte after a write: P0 = RS,
     * P1 = RW, P2 = E, P3 = backlight, P4..P7 = D4..D7.
     */
    public void backpackPort(int port) {
        pins((port & 0x01) != 0, (port & 0x02) != 0, (port & 0x04) != 0, port >> 4 & 0xF, (port & 0x08) != 0);
    }

    private void enableChanged(LevelChange change) {
        boolean high = change.high();
        boolean falling;
        synchronized (this) {
            falling = lastE && !high;
            lastE = high;
        }
        if (!falling) {
            return;
        }
        // Sample the other lines outside our monitor (the board takes its line locks).
        boolean regSelect = level(rs);
        boolean read = rw >= 0 && level(rw);
        int nibble = 0;
        for (int bit = 0; bit < 4; bit++) {
            nibble |= (level(data[bit]) ? 1 : 0) << bit;
        }
        latch(regSelect, read, nibble, change.timestampNanos());
    }

    private boolean level(int line) {
        try {
            return mock.output(line) == DigitalState.HIGH;
        } catch (IllegalArgumentException never) {
            return false; // a line nobody opened floats: read as low
        }
    }

    private synchronized void latch(boolean regSelect, boolean read, int nibble, long now) {
        if (read) {
            protocolErrors++;
            return;
        }
        if (now - busyUntil < 0) {
            busyViolations++; // the datasheet: no instruction is accepted while BF = 1
            return;
        }
        int value;
        if (eightBit) {
            value = nibble << 4;
        } else if (highNibbleNext) {
            pendingHigh = nibble;
            highNibbleNext = false;
            return;
        } else {
            value = pendingHigh << 4 | nibble;
            highNibbleNext = true;
        }
        if (regSelect) {
            writeData(value, now);
        } else {
            execute(value, now);
        }
    }

    private void writeData(int value, long now) {
        dataWrites++;
        if (cgramSelected) {
            cgram[address & 0x3F] = value;
            address = (address + (increment ? 1 : -1)) & 0x3F;
        } else {
            ddram[address] = value;
            address = step(address, increment ? 1 : -1);
            if (entryShift) {
                shift += increment ? 1 : -1;
            }
        }
        busyUntil = now + Hd44780Commands.DATA_NS;
    }

    private void execute(int value, long now) {
        instructions++;
        log.add(value);
        long busy = Hd44780Commands.EXEC_NS;
        if ((value & Hd44780Commands.SET_DDRAM) != 0) {
            address = normalise(value & 0x7F);
            cgramSelected = false;
        } else if ((value & Hd44780Commands.SET_CGRAM) != 0) {
            address = value & 0x3F;
            cgramSelected = true;
        } else if ((value & Hd44780Commands.FUNCTION_SET) != 0) {
            boolean dl = (value & Hd44780Commands.FUNCTION_8BIT) != 0;
            if (eightBit && powerOnReset && dl) {
                // The reset by instruction: 4.1 ms after the first 0x3, 100 µs after the second.
                busy = switch (resetFunctionSets++) {
                    case 0 -> Hd44780Commands.RESET_1_NS;
                    case 1 -> Hd44780Commands.RESET_2_NS;
                    default -> Hd44780Commands.EXEC_NS;
                };
            }
            if (!eightBit || !dl) {
                // N and F are taken from a function set sent as a full byte; in 8-bit mode with only DB4..DB7 wired
                // the low bits read 0, which is what the datasheet's 0x2 nibble relies on.
                twoLines = (value & Hd44780Commands.FUNCTION_2LINE) != 0;
                font5x10 = (value & Hd44780Commands.FUNCTION_5X10) != 0;
            }
            if (!dl) {
                powerOnReset = false;
            }
            eightBit = dl;
            highNibbleNext = true;
        } else if ((value & Hd44780Commands.CURSOR_SHIFT) != 0) {
            int dir = (value & Hd44780Commands.SHIFT_RIGHT) != 0 ? 1 : -1;
            if ((value & Hd44780Commands.SHIFT_DISPLAY) != 0) {
                shift -= dir; // display right = content moves right
            } else {
                address = step(address, dir);
            }
        } else if ((value & Hd44780Commands.DISPLAY_CONTROL) != 0) {
            displayOn = (value & Hd44780Commands.DISPLAY_ON) != 0;
            cursorOn = (value & Hd44780Commands.CURSOR_ON) != 0;
            blinkOn = (value & Hd44780Commands.BLINK_ON) != 0;
        } else if ((value & Hd44780Commands.ENTRY_MODE) != 0) {
            increment = (value & Hd44780Commands.ENTRY_INCREMENT) != 0;
            entryShift = (value & Hd44780Commands.ENTRY_SHIFT) != 0;
        } else if ((value & Hd44780Commands.RETURN_HOME) != 0) {
            address = 0;
            shift = 0;
            cgramSelected = false;
            busy = Hd44780Commands.CLEAR_NS;
        } else if (value == Hd44780Commands.CLEAR_DISPLAY) {
            Arrays.fill(ddram, ' ');
            address = 0;
            shift = 0;
            increment = true; // the datasheet: clear sets I/D to 1
            cgramSelected = false;
            busy = Hd44780Commands.CLEAR_NS;
        }
        busyUntil = now + busy;
    }

    /** A DDRAM address moved by {@code dir}, wrapping like the datasheet's address counter. */
    private int step(int addr, int dir) {
        if (!twoLines) {
            return Math.floorMod(addr + dir, 80);
        }
        int line = addr & 0x40;
        int col = Math.floorMod((addr & 0x3F) + dir, 80);
        // 0x27 + 1 goes to 0x40, 0x67 + 1 to 0x00 (and back when decrementing)
        if (col >= 40) {
            col -= 40;
            line ^= 0x40;
            if (dir < 0) {
                col = 39;
            }
        }
        return line | col;
    }

    private int normalise(int addr) {
        if (twoLines) {
            int col = addr & 0x3F;
            return (addr & 0x40) | (col < 40 ? col : 0);
        }
        return addr < 80 ? addr : 0;
    }

    // ------------------------------------------------------------------------------------------ read back

    /** @return what row {@code row} shows ({@code columns} characters) */
    public synchronized String row(int row) {
        if (row < 0 || row >= rows) {
            throw new IndexOutOfBoundsException("row " + row + " of a " + columns + "x" + rows + " module");
        }
        int start = Hd44780Commands.rowAddress(row, columns);
        StringBuilder sb = new StringBuilder(columns);
        for (int c = 0; c < columns; c++) {
            int index = twoLines ? (start & 0x40) | Math.floorMod((start & 0x3F) + c + shift, 40)
                    : Math.floorMod(start + c + shift, 80);
            sb.append(Hd44780Charset.character(ddram[index]));
        }
        return sb.toString();
    }

    /** @return every row, top to bottom */
    public synchronized List<String> rows() {
        List<String> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            out.add(row(r));
        }
        return out;
    }

    /** @return the DDRAM byte at {@code address} */
    public synchronized int ddram(int address) {
        return ddram[address & 0x7F];
    }

    public synchronized boolean displayOn() {
        return displayOn;
    }

    public synchronized boolean cursorOn() {
        return cursorOn;
    }

    public synchronized boolean blinkOn() {
        return blinkOn;
    }

    /** @return whether the interface is 4 bits wide */
    public synchronized boolean fourBitMode() {
        return !eightBit;
    }

    /** @return function set N: two controller lines */
    public synchronized boolean twoLines() {
        return twoLines;
    }

    public synchronized boolean font5x10() {
        return font5x10;
    }

    /** @return entry mode I/D */
    public synchronized boolean increment() {
        return increment;
    }

    public synchronized int addressCounter() {
        return address;
    }

    /** @return the backlight line's level (false without a backlight line, or before it was opened) */
    public boolean backlight() {
        int line;
        synchronized (this) {
            if (mock == null) {
                return backlightPin;
            }
            line = backlightLine;
        }
        return line >= 0 && level(line);
    }

    /** @return instructions executed (RS low), oldest first: the last {@value SimLog#DEFAULT_CAPACITY} */
    public synchronized List<Integer> instructionLog() {
        return log.snapshot();
    }

    public synchronized long instructions() {
        return instructions;
    }

    public synchronized long dataWrites() {
        return dataWrites;
    }

    /** @return latches that arrived while the controller was busy (and were ignored) */
    public synchronized long busyViolations() {
        return busyViolations;
    }

    /** @return latches while R/W was high */
    public synchronized long protocolErrors() {
        return protocolErrors;
    }

    /** Disconnects the model from the E line (nothing for an unwired model). */
    @Override
    public void close() {
        if (mock != null) {
            mock.removeOutputWatcher(e, onEnable);
        }
    }

    @Override
    public synchronized String toString() {
        return "hd44780 model " + columns + "x" + rows + " " + rows();
    }
}
