package io.kdrv.drivers.hd44780.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import java.lang.reflect.Array;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * An hd44780 device node's keys, validated before any line is claimed.
 *
 * @param rows      node key {@code rows}: 1, 2 or 4 (default 2)
 * @param columns   node key {@code columns}: characters per row (default 16); rows x columns must fit the 80-byte
 *                  DDRAM with 40 per line (4 rows: at most 20 columns)
 * @param rw        whether {@code gpios} has a seventh entry, the R/W line (held low: the driver only writes)
 * @param backlight whether node key {@code backlight} names a line
 * @param backlightOn node key {@code backlight-on}: backlight switched on at probe (default true)
 * @param refresh   node key {@code refresh-ms}: period of the refresh kthread; zero (default) = no kthread
 * @param text      node key {@code text}: rows drawn at probe (at most {@code rows})
 */
public record Hd44780Config(int rows, int columns, boolean rw, boolean backlight, boolean backlightOn,
        Duration refresh, List<String> text) {

    static final String GPIOS = "gpios";
    static final String BACKLIGHT = "backlight";
    static final String ROWS = "rows";
    static final String COLUMNS = "columns";
    static final String BACKLIGHT_ON = "backlight-on";
    static final String REFRESH_MS = "refresh-ms";
    static final String TEXT = "text";

    /** Entries of {@code gpios}, in this order; {@link #RW} is optional. */
    static final int RS = 0;
    static final int E = 1;
    static final int D4 = 2;
    static final int RW = 6;
    static final String[] LINE_NAMES = {"RS", "E", "D4", "D5", "D6", "D7", "RW"};

    /** The node keys the driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(
            // The lines are only ever handed to Device.gpioOutput, never read as numbers here, so whatever line
            // references the core accepts (SoC lines, controller lines) work unchanged.
            NodeKey.ofIntArray(GPIOS).required().min(0).description("lines RS, E, D4, D5, D6, D7 and optionally"
                    + " RW (held low)"),
            NodeKey.ofLineFlags(GPIOS),
            NodeKey.ofIntArray(BACKLIGHT).min(0).description("backlight line (absent: none)"),
            NodeKey.ofLineFlags(BACKLIGHT),
            NodeKey.ofInt(ROWS).defaultValue(2).min(1).description("text rows: 1, 2 or 4"),
            NodeKey.ofInt(COLUMNS).defaultValue(16).min(1).description("characters per row (16, 20, ...)"),
            NodeKey.ofBoolean(BACKLIGHT_ON).defaultValue(true).description("backlight on at probe"),
            NodeKey.ofLong(REFRESH_MS).defaultValue(0L).min(0).description("auto-flush period; 0 = flush() only"),
            NodeKey.ofStringArray(TEXT).defaultValue(new String[0]).description("rows shown at probe"));

    /**
     * Reads and validates the node keys of {@code dev}.
     *
     * @throws DeviceConfigException naming the device, the key and what is allowed
     */
    public static Hd44780Config from(Device dev) {
        int lines = entries(dev, GPIOS);
        if (lines != 6 && lines != 7) {
            throw new DeviceConfigException(dev.name(), GPIOS, lines + " lines given: give 6 (RS, E, D4, D5, D6, D7)"
                    + " or 7 (RS, E, D4, D5, D6, D7, RW) for the 4-bit interface");
        }
        int backlights = entries(dev, BACKLIGHT);
        if (backlights > 1) {
            throw new DeviceConfigException(dev.name(), BACKLIGHT, backlights + " lines given: give one");
        }
        int rows = dev.getInt(ROWS);
        if (rows != 1 && rows != 2 && rows != 4) {
            throw new DeviceConfigException(dev.name(), ROWS, rows + " rows: the HD44780 drives 1, 2 or 4 rows"
                    + " (a 4-row module is two controller lines folded)");
        }
        int columns = dev.getInt(COLUMNS);
        int max = 80 / rows; // 1 line: 0x00..0x4F; 2 lines: 40 each; 4 rows: two 40-character lines folded
        if (columns > max) {
            throw new DeviceConfigException(dev.name(), COLUMNS, columns + " columns do not fit the 80-character"
                    + " display RAM with " + rows + (rows == 1 ? " row" : " rows") + " (at most " + max + ")");
        }
        List<String> text = List.of(dev.getStringArray(TEXT));
        if (text.size() > rows) {
            throw new DeviceConfigException(dev.name(), TEXT, text.size() + " lines: the display has " + rows
                    + " rows");
        }
        return new Hd44780Config(rows, columns, lines == 7, backlights == 1, dev.getBoolean(BACKLIGHT_ON),
                Duration.ofMillis(dev.getLong(REFRESH_MS)), text);
    }

    /**
     * Number of entries of line key {@code key}, whatever their form (an int, an int array, a list or a
     * comma-separated String), so counting never assumes SoC line numbers.
     */
    static int entries(Device dev, String key) {
        Object v = dev.properties().get(key);
        if (v == null) {
            return 0;
        }
        if (v.getClass().isArray()) {
            return Array.getLength(v);
        }
        if (v instanceof Collection<?> c) {
            return c.size();
        }
        if (v instanceof String s) {
            return s.isBlank() ? 0 : s.split(",", -1).length;
        }
        return 1;
    }

    /** Function set for this geometry: 4-bit interface, 1 or 2 controller lines, 5x8 dots. */
    int functionSet() {
        return Hd44780Commands.FUNCTION_SET | (rows == 1 ? 0 : Hd44780Commands.FUNCTION_2LINE);
    }
}
