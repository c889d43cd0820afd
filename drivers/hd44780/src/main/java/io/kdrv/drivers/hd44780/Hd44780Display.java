package io.kdrv.drivers.hd44780;

import java.io.IOException;

/**
 * A bound HD44780 character LCD as seen from outside the driver: a character framebuffer of {@link #rows()} x
 * {@link #columns()} cells (row 0 at the top, column 0 at the left), text drawing, and the module controls.
 * Available as the device's driver data ({@code device.driverData(Hd44780Display.class)}) and from the driver
 * component while the device is bound; the same shape as the ssd1306 driver's {@code Ssd1306Display}.
 *
 * <h2>Drawing and flushing</h2>
 * Drawing only changes the framebuffer and marks the rows it touched dirty; {@link #flush()} writes the dirty rows
 * (and only them) to the display RAM, one DDRAM address instruction per row. With node key {@code refresh-ms} the
 * driver's refresh kthread flushes by itself. Text outside the display is clipped, not an error; characters the
 * character ROM lacks are drawn as {@code ?} ({@link Hd44780Charset}).
 *
 * <h2>Thread-safety</h2>
 * All methods may be called from any thread. Drawing methods and getters never block. {@link #flush()},
 * {@link #setDisplayOn} and {@link #setBacklight} block for the line writes (about 0.1 ms per character: the
 * controller's execution time, waited by sleeping); they are serialised with each other and with the refresh
 * kthread. After the device is removed they throw {@link IOException}.
 */
public interface Hd44780Display {
    /** The device node's name. */
    String device();

    /** Number of text rows (node key {@code rows}: 1, 2 or 4). */
    int rows();

    /** Characters per row (node key {@code columns}). */
    int columns();

    /** Fills the framebuffer with spaces (all rows dirty). */
    void clear();

    /**
     * Draws {@code text} from ({@code row}, {@code column}), overwriting what was there; clipped at the end of the
     * row (no wrap) and outside the display.
     *
     * @return the column after the last character drawn (or that would have been drawn)
     */
    int drawText(int row, int column, String text);

    /** Replaces row {@code row} with {@code text}, padded with spaces (clipped to the row). */
    void drawLine(int row, String text);

    /** @return the framebuffer's row {@code row} as text ({@link Hd44780Charset#character} of each cell) */
    String line(int row);

    /** @return bit r set = row r changed since the last flush */
    int dirtyRows();

    /**
     * Writes the dirty rows to the display RAM. Blocks for the line writes. A row whose write failed stays dirty.
     *
     * @return the number of rows written (0 when nothing was dirty)
     * @throws IOException naming device and line when a GPIO write fails, or after remove
     */
    int flush() throws IOException;

    /** Display on or off (display control instruction; the display RAM is kept). Blocks for the write. */
    void setDisplayOn(boolean on) throws IOException;

    /** @return whether the display is on (as last commanded) */
    boolean displayOn();

    /** @return whether the node has a {@code backlight} line */
    boolean hasBacklight();

    /**
     * Switches the backlight line.
     *
     * @throws IllegalStateException the node has no {@code backlight} line
     * @throws IOException           the write failed, or after remove
     */
    void setBacklight(boolean on) throws IOException;

    /** @return whether the backlight is on (false without a backlight line) */
    boolean backlight();

    /** Number of flushes that wrote at least one row. */
    long flushes();

    /** Number of failed writes (flush, controls, refresh) so far. */
    long errors();
}
