package io.kdrv.drivers.ssd1306.sim;

import io.kdrv.board.mock.RegisterChip;
import io.kdrv.board.mock.SimLog;
import io.kdrv.drivers.ssd1306.internal.Ssd1306Commands;
import java.util.List;

/**
 * A model of the SSD1306 controller for the mock board ({@code MockBoard.attach(bus, 0x3C, chip)}): it decodes the
 * I2C command/data stream into its own 128x64 display RAM (GDDRAM), so tests can assert pixels.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>Every write transfer starts with a control byte: 0x00 (the rest are commands), 0x40 (the rest are RAM
 *       data), or with Co set (0x80 / 0xC0: one command / data byte, then another control byte). Any other control
 *       byte is counted in {@link #protocolErrors()} and its bytes ignored.</li>
 *   <li>Commands are assembled with their argument bytes (also across transfers) and applied: display on/off,
 *       contrast, memory addressing mode (horizontal, vertical, page), column and page address windows, page
 *       start and column nibbles (page mode), segment remap, COM scan direction, multiplex, charge pump,
 *       inverse. Timing and scrolling are not modelled; the remaining commands are only recorded.</li>
 *   <li>RAM data is written at the address pointer, which advances as the datasheet describes for the addressing
 *       mode (horizontal: column, then page, wrapping inside the window; vertical: page, then column; page mode:
 *       column, wrapping at the end of the page).</li>
 *   <li>{@link #pixel(int, int)} reads GDDRAM coordinates (column x, row y = 8 * page + bit); with segment remap
 *       and COM scan decrement (the driver's default) they are the module's upright orientation.</li>
 * </ul>
 *
 * <p>Thread-safe: every method synchronizes on the chip, like {@link RegisterChip}.
 */
public class Ssd1306Chip extends RegisterChip {
    /** Pseudo-register: the next byte is a control byte (after a byte sent with Co = 1). */
    private static final int EXPECT_CONTROL = 0x01;
    private final byte[][] ram = new byte[8][128];
    private final SimLog<int[]> commands = new SimLog<>();
    private int[] pending;     // command being assembled
    private int pendingFill;
    private int next;          // what nextRegister returns after the byte being written
    private boolean on;
    private int contrast = 0x7F;
    private int mode = Ssd1306Commands.MODE_PAGE; // reset value
    private int colStart;
    private int colEnd = 127;
    private int pageStart;
    private int pageEnd = 7;
    private int col;
    private int page;
    private boolean segmentRemap;
    private boolean comScanDec;
    private boolean chargePump;
    private boolean inverse;
    private int multiplex = 63;
    private long dataBytes;
    private long protocolErrors;

    public Ssd1306Chip() {
        super("ssd1306");
    }

    /** @return the GDDRAM pixel at column {@code x} (0..127), row {@code y} (0..63) */
    public synchronized boolean pixel(int x, int y) {
        return (ram[y >> 3][x] >> (y & 7) & 1) != 0;
    }

    /** @return a copy of GDDRAM page {@code p} (128 column bytes, bit 0 = top row) */
    public synchronized byte[] page(int p) {
        return ram[p].clone();
    }

    /** Fills the whole RAM with {@code value} (e.g. 0xFF to see that the driver clears it). */
    public synchronized void fill(int value) {
        for (byte[] p : ram) {
            java.util.Arrays.fill(p, (byte) value);
        }
    }

    /**
     * @return the complete commands received (first element the command byte, then its arguments), oldest first:
     *         the last {@value SimLog#DEFAULT_CAPACITY}
     */
    public synchronized List<int[]> commands() {
        return commands.snapshot().stream().map(int[]::clone).toList();
    }

    /** @return the command bytes received, oldest first (arguments left out), of the same commands */
    public synchronized List<Integer> commandBytes() {
        return commands.snapshot().stream().map(c -> c[0]).toList();
    }

    public synchronized boolean displayOn() {
        return on;
    }

    public synchronized int contrast() {
        return contrast;
    }

    /** @return memory addressing mode: 0 horizontal, 1 vertical, 2 page */
    public synchronized int addressingMode() {
        return mode;
    }

    public synchronized boolean segmentRemap() {
        return segmentRemap;
    }

    public synchronized boolean comScanDecrement() {
        return comScanDec;
    }

    public synchronized boolean chargePump() {
        return chargePump;
    }

    public synchronized boolean inverse() {
        return inverse;
    }

    public synchronized int multiplexRatio() {
        return multiplex + 1;
    }

    /** @return RAM data bytes received so far */
    public synchronized long dataBytes() {
        return dataBytes;
    }

    /** @return bytes ignored because their control byte was invalid */
    public synchronized long protocolErrors() {
        return protocolErrors;
    }

    @Override
    protected int nextRegister(int reg) {
        return next; // the "register" is the control byte of the transfer; see onWrite
    }

    @Override
    protected void onWrite(int reg, int value) {
        if (reg == EXPECT_CONTROL) {
            next = value; // this byte is the new control byte
            return;
        }
        next = (reg & Ssd1306Commands.CONTROL_CO) != 0 ? EXPECT_CONTROL : reg;
        if ((reg & 0x3F) != 0) {
            protocolErrors++;
            return;
        }
        if ((reg & Ssd1306Commands.CONTROL_DATA) != 0) {
            data(value);
        } else {
            commandByte(value);
        }
    }

    private void commandByte(int b) {
        if (pending == null) {
            pending = new int[1 + Ssd1306Commands.argumentCount(b)];
            pendingFill = 0;
        }
        pending[pendingFill++] = b;
        if (pendingFill == pending.length) {
            int[] c = pending;
            pending = null;
            commands.add(c);
            apply(c);
        }
    }

    private void apply(int[] c) {
        int cmd = c[0];
        switch (cmd) {
            case Ssd1306Commands.DISPLAY_ON -> on = true;
            case Ssd1306Commands.DISPLAY_OFF -> on = false;
            case Ssd1306Commands.SET_CONTRAST -> contrast = c[1];
            case Ssd1306Commands.MEMORY_MODE -> mode = c[1] & 0b11;
            case Ssd1306Commands.COLUMN_ADDRESS -> {
                colStart = c[1] & 0x7F;
                colEnd = c[2] & 0x7F;
                col = colStart;
            }
            case Ssd1306Commands.PAGE_ADDRESS -> {
                pageStart = c[1] & 0x07;
                pageEnd = c[2] & 0x07;
                page = pageStart;
            }
            case Ssd1306Commands.SEGMENT_REMAP_OFF -> segmentRemap = false;
            case Ssd1306Commands.SEGMENT_REMAP_ON -> segmentRemap = true;
            case Ssd1306Commands.COM_SCAN_INC -> comScanDec = false;
            case Ssd1306Commands.COM_SCAN_DEC -> comScanDec = true;
            case Ssd1306Commands.MULTIPLEX -> multiplex = c[1] & 0x3F;
            case Ssd1306Commands.CHARGE_PUMP -> chargePump = (c[1] & 0x04) != 0;
            case Ssd1306Commands.NORMAL_DISPLAY -> inverse = false;
            case Ssd1306Commands.INVERSE_DISPLAY -> inverse = true;
            default -> {
                if (mode == Ssd1306Commands.MODE_PAGE && cmd >= Ssd1306Commands.PAGE_START && cmd <= 0xB7) {
                    page = cmd & 0x07;
                } else if (mode == Ssd1306Commands.MODE_PAGE && cmd <= 0x0F) {
                    col = col & 0xF0 | cmd;
                } else if (mode == Ssd1306Commands.MODE_PAGE && cmd >= 0x10 && cmd <= 0x17) {
                    col = (cmd & 0x07) << 4 | col & 0x0F;
                }
                // start line, offset, clock, precharge, VCOMH, COM pins, scroll, NOP: recorded only
            }
        }
    }

    private void data(int b) {
        ram[page][col] = (byte) b;
        dataBytes++;
        switch (mode) {
            case Ssd1306Commands.MODE_HORIZONTAL -> {
                if (++col > colEnd) {
                    col = colStart;
                    page = page >= pageEnd ? pageStart : page + 1;
                }
            }
            case Ssd1306Commands.MODE_VERTICAL -> {
                if (++page > pageEnd) {
                    page = pageStart;
                    col = col >= colEnd ? colStart : col + 1;
                }
            }
            default -> col = (col + 1) & 0x7F; // page mode: wraps within the page
        }
    }
}
