package io.kdrv.drivers.hd44780.internal;

/**
 * HD44780U instruction codes and timing (Hitachi datasheet ADE-207-272, Table 6 "Instructions" and Figure 24
 * "4-Bit Interface" initialisation), shared by the driver and the mock-board model.
 *
 * <p>Execution times are the datasheet's at f<sub>cp</sub> = 270 kHz. The datasheet scales them with the clock
 * ("when f<sub>cp</sub> is 250 kHz, 37 µs × 270 / 250 = 40 µs"), and the oscillator of a module varies, so the
 * driver waits {@link #DRIVER_EXEC_NS} / {@link #DRIVER_CLEAR_NS}: the times at 250 kHz plus the address-update
 * time t<sub>ADD</sub>, rounded up.
 */
public final class Hd44780Commands {
    private Hd44780Commands() {
    }

    public static final int CLEAR_DISPLAY = 0x01;
    public static final int RETURN_HOME = 0x02;
    public static final int ENTRY_MODE = 0x04;
    public static final int ENTRY_INCREMENT = 0x02;
    public static final int ENTRY_SHIFT = 0x01;
    public static final int DISPLAY_CONTROL = 0x08;
    public static final int DISPLAY_ON = 0x04;
    public static final int CURSOR_ON = 0x02;
    public static final int BLINK_ON = 0x01;
    public static final int CURSOR_SHIFT = 0x10;
    public static final int SHIFT_DISPLAY = 0x08;
    public static final int SHIFT_RIGHT = 0x04;
    public static final int FUNCTION_SET = 0x20;
    public static final int FUNCTION_8BIT = 0x10;
    public static final int FUNCTION_2LINE = 0x08;
    public static final int FUNCTION_5X10 = 0x04;
    public static final int SET_CGRAM = 0x40;
    public static final int SET_DDRAM = 0x80;

    /** The nibble of the three reset-by-instruction writes: function set, 8-bit interface (0x30 >> 4). */
    public static final int NIBBLE_RESET = 0x3;
    /** The nibble that switches to the 4-bit interface: function set, 4-bit (0x20 >> 4). */
    public static final int NIBBLE_4BIT = 0x2;

    /** DDRAM address of the first character of row 0..3 on a 2-line controller with {@code columns} per row. */
    public static int rowAddress(int row, int columns) {
        // Rows 0 and 1 are the controller's two lines (0x00, 0x40); rows 2 and 3 of a 4-row module continue them
        // after the first `columns` characters (20x4: 0x14, 0x54).
        return (row % 2) * 0x40 + (row / 2) * columns;
    }

    // ---- datasheet times at fcp = 270 kHz (what the model enforces as its busy time)

    /** Power supply rise to 4.5 V until the first instruction ("wait for more than 15 ms"). */
    public static final long POWER_ON_NS = 15_000_000;
    /** After the first 0x3 of the reset by instruction. */
    public static final long RESET_1_NS = 4_100_000;
    /** After the second 0x3 of the reset by instruction. */
    public static final long RESET_2_NS = 100_000;
    /** Every other instruction but clear display and return home. */
    public static final long EXEC_NS = 37_000;
    /** Data write to CG/DDRAM: 37 µs plus the address-counter update t<sub>ADD</sub> of 4 µs. */
    public static final long DATA_NS = 41_000;
    /** Clear display and return home. */
    public static final long CLEAR_NS = 1_520_000;
    /** Enable pulse width PW<sub>EH</sub> (HD44780U, 5 V: 230 ns; the original HD44780A00: 450 ns). */
    public static final long ENABLE_HIGH_NS = 450;
    /** Enable cycle time t<sub>cycE</sub> (rise to rise), HD44780A00: 1000 ns. */
    public static final long ENABLE_CYCLE_NS = 1_000;

    // ---- what the driver waits (slowest clock, rounded up)

    /** Power-on wait: the datasheet's 40 ms at V<sub>CC</sub> = 2.7 V covers 3.3 V and 5 V modules. */
    public static final long DRIVER_POWER_ON_NS = 40_000_000;
    /** After the first 0x3 nibble. */
    public static final long DRIVER_RESET_1_NS = 5_000_000;
    /** After the second and third 0x3 nibbles and the 0x2 nibble. */
    public static final long DRIVER_RESET_2_NS = 150_000;
    /** After any instruction or data write but clear/home: 41 µs × 270/250, rounded up. */
    public static final long DRIVER_EXEC_NS = 50_000;
    /** After clear display or return home: 1.52 ms × 270/250, rounded up. */
    public static final long DRIVER_CLEAR_NS = 2_000_000;
}
