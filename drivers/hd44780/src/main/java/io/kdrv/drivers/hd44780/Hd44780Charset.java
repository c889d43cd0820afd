package io.kdrv.drivers.hd44780;

/**
 * Characters to HD44780 character codes, for the common ROM code A00 (the "Japanese standard font" of most
 * modules): codes 0x20..0x7D are ASCII except 0x5C, which is {@code ¥}; a few symbols of the upper half are mapped
 * as well ({@code °} 0xDF, {@code µ} 0xE4, {@code Ω} 0xF4, {@code →} 0x7E, {@code ←} 0x7F). Everything else
 * (including the backslash, which A00 does not have) is drawn as {@code ?}. Codes 0x00..0x07 are the CGRAM
 * characters, which this driver does not define.
 *
 * <p>Stateless and thread-safe.
 */
public final class Hd44780Charset {
    private static final char[] UPPER = {'→', '←', '°', 'µ', 'Ω', '¥'};
    private static final int[] UPPER_CODES = {0x7E, 0x7F, 0xDF, 0xE4, 0xF4, 0x5C};

    private Hd44780Charset() {
    }

    /** @return the character code that shows {@code c}, {@code '?'} (0x3F) when the ROM has no such character */
    public static int code(char c) {
        if (c >= 0x20 && c <= 0x7D && c != '\\') {
            return c;
        }
        for (int i = 0; i < UPPER.length; i++) {
            if (UPPER[i] == c) {
                return UPPER_CODES[i];
            }
        }
        return '?';
    }

    /**
     * The inverse of {@link #code} for the codes it produces.
     *
     * @return the character shown for {@code code} (0..255); {@code '\ufffd'} for a code {@link #code} never
     *         produces (CGRAM and the katakana half)
     */
    public static char character(int code) {
        if (code >= 0x20 && code <= 0x7D && code != 0x5C) {
            return (char) code;
        }
        for (int i = 0; i < UPPER_CODES.length; i++) {
            if (UPPER_CODES[i] == code) {
                return UPPER[i];
            }
        }
        return '\ufffd';
    }
}
