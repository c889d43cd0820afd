package io.kdrv.drivers.ssd1306;

import java.io.IOException;

/**
 * A bound SSD1306 as seen from outside the driver: a 128x64 monochrome framebuffer in the controller's page layout
 * (8 pages of 8 pixel rows; x = column 0..127 from the left, y = row 0..63 from the top), drawing, and the panel
 * controls. Available as the device's driver data ({@code device.driverData(Ssd1306Display.class)}) and from the
 * driver component while the device is bound.
 *
 * <h2>Drawing and flushing</h2>
 * Drawing only changes the framebuffer and marks the pages it touched dirty; {@link #flush()} sends the dirty
 * pages (and only them) to the display RAM. With node key {@code refresh-ms} the driver's refresh kthread flushes
 * by itself. Coordinates outside the display are clipped, not errors.
 *
 * <h2>Thread-safety</h2>
 * All methods may be called from any thread. Drawing methods and getters never block. {@link #flush()},
 * {@link #setContrast} and {@link #setDisplayOn} block for their I2C transfers; they are serialised with each other
 * and with the refresh kthread. After the device is removed they throw {@link IOException}.
 */
public interface Ssd1306Display {
    int WIDTH = 128;
    int HEIGHT = 64;
    int PAGES = HEIGHT / 8;

    /** The device node's name. */
    String device();

    /** Clears every pixel (all pages dirty). */
    void clear();

    /** Sets or clears one pixel; outside the display does nothing. */
    void setPixel(int x, int y, boolean on);

    /** @return the framebuffer pixel (false outside the display) */
    boolean pixel(int x, int y);

    /**
     * Draws {@code text} with the built-in {@link Ssd1306Font 5x7 font}, top-left corner at ({@code x}, {@code y}):
     * each character fills its 6x8 cell (glyph lit, the rest cleared), so it overwrites earlier text.
     *
     * @return the x coordinate after the last character
     */
    int drawText(int x, int y, String text);

    /** Clears text line {@code line} (page 0..7: y = 8 * line) and draws {@code text} from its left edge. */
    void drawLine(int line, String text);

    /** @return bit p set = page p changed since the last flush */
    int dirtyPages();

    /**
     * Writes the dirty pages to the display RAM (horizontal addressing, one column/page window per run of
     * adjacent dirty pages). Blocks for the I2C transfers. A page whose transfer failed stays dirty.
     *
     * @return the number of pages written (0 when nothing was dirty)
     * @throws IOException naming device, bus and address if the display does not acknowledge
     */
    int flush() throws IOException;

    /**
     * Sets the contrast (command 0x81), 0..255.
     *
     * @throws IllegalArgumentException outside 0..255
     * @throws IOException              on an I2C failure
     */
    void setContrast(int contrast) throws IOException;

    /** @return the contrast last set */
    int contrast();

    /** Display on (0xAF) or off (0xAE, sleep; the display RAM is kept). Blocks for the transfer. */
    void setDisplayOn(boolean on) throws IOException;

    /** @return whether the display is on (as last commanded) */
    boolean displayOn();

    /** Number of flushes that wrote at least one page. */
    long flushes();

    /** Number of failed transfers (flush, commands, refresh) so far. */
    long errors();
}
