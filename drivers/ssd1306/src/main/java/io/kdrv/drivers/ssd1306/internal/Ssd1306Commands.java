package io.kdrv.drivers.ssd1306.internal;

import java.util.ArrayList;
import java.util.List;

/** SSD1306 control bytes, commands and the power-on sequence (Solomon Systech datasheet rev 1.1, sections 9-10). */
public final class Ssd1306Commands {
    /** Control byte: Co = 0, D/C# = 0: every following byte is a command. */
    public static final int CONTROL_COMMANDS = 0x00;
    /** Control byte: Co = 0, D/C# = 1: every following byte is display RAM data. */
    public static final int CONTROL_DATA = 0x40;
    /** Co bit: only the next byte has this meaning, then another control byte follows. */
    public static final int CONTROL_CO = 0x80;

    public static final int SET_CONTRAST = 0x81;
    public static final int ENTIRE_DISPLAY_RESUME = 0xA4;
    public static final int NORMAL_DISPLAY = 0xA6;
    public static final int INVERSE_DISPLAY = 0xA7;
    public static final int DISPLAY_OFF = 0xAE;
    public static final int DISPLAY_ON = 0xAF;
    public static final int MEMORY_MODE = 0x20;
    public static final int MODE_HORIZONTAL = 0x00;
    public static final int MODE_VERTICAL = 0x01;
    public static final int MODE_PAGE = 0x02;
    public static final int COLUMN_ADDRESS = 0x21;
    public static final int PAGE_ADDRESS = 0x22;
    public static final int PAGE_START = 0xB0;
    public static final int DISPLAY_START_LINE = 0x40;
    public static final int SEGMENT_REMAP_OFF = 0xA0;
    public static final int SEGMENT_REMAP_ON = 0xA1;
    public static final int MULTIPLEX = 0xA8;
    public static final int COM_SCAN_INC = 0xC0;
    public static final int COM_SCAN_DEC = 0xC8;
    public static final int DISPLAY_OFFSET = 0xD3;
    public static final int COM_PINS = 0xDA;
    public static final int CLOCK_DIVIDE = 0xD5;
    public static final int PRECHARGE = 0xD9;
    public static final int VCOMH_DESELECT = 0xDB;
    public static final int CHARGE_PUMP = 0x8D;
    public static final int DEACTIVATE_SCROLL = 0x2E;
    public static final int NOP = 0xE3;

    private Ssd1306Commands() {
    }

    /**
     * The initialisation sequence for a 128x64 panel, one command with its arguments per entry, display still off
     * (the driver clears the RAM before switching it on).
     *
     * @param contrast    0..255
     * @param rotate180   false: segment remap + COM scan from COM63 (the module's upright orientation);
     *                    true: neither (the image turned by 180°)
     * @param externalVcc true: charge pump off and the external-VCC precharge period
     */
    static List<int[]> init(int contrast, boolean rotate180, boolean externalVcc) {
        List<int[]> s = new ArrayList<>();
        s.add(new int[] {DISPLAY_OFF});
        s.add(new int[] {CLOCK_DIVIDE, 0x80});            // divide ratio 1, oscillator frequency reset value
        s.add(new int[] {MULTIPLEX, 63});                 // 64 rows
        s.add(new int[] {DISPLAY_OFFSET, 0x00});
        s.add(new int[] {DISPLAY_START_LINE});            // start line 0
        s.add(new int[] {CHARGE_PUMP, externalVcc ? 0x10 : 0x14});
        s.add(new int[] {MEMORY_MODE, MODE_HORIZONTAL});
        s.add(new int[] {rotate180 ? SEGMENT_REMAP_OFF : SEGMENT_REMAP_ON});
        s.add(new int[] {rotate180 ? COM_SCAN_INC : COM_SCAN_DEC});
        s.add(new int[] {COM_PINS, 0x12});                // alternative COM pins, no left/right remap (64 rows)
        s.add(new int[] {SET_CONTRAST, contrast});
        s.add(new int[] {PRECHARGE, externalVcc ? 0x22 : 0xF1});
        s.add(new int[] {VCOMH_DESELECT, 0x40});
        s.add(new int[] {ENTIRE_DISPLAY_RESUME});          // show the RAM, not all pixels on
        s.add(new int[] {NORMAL_DISPLAY});
        s.add(new int[] {DEACTIVATE_SCROLL});
        return s;
    }

    /** Number of argument bytes that follow {@code command} (0 for unknown or single-byte commands). */
    public static int argumentCount(int command) {
        return switch (command) {
            case SET_CONTRAST, MEMORY_MODE, MULTIPLEX, DISPLAY_OFFSET, CLOCK_DIVIDE, PRECHARGE, COM_PINS,
                    VCOMH_DESELECT, CHARGE_PUMP, 0xD8 -> 1;
            case COLUMN_ADDRESS, PAGE_ADDRESS, 0xA3 -> 2;
            case 0x29, 0x2A -> 5;
            case 0x26, 0x27 -> 6;
            default -> 0;
        };
    }
}
