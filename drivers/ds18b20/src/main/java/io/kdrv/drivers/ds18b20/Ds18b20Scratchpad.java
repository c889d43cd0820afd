package io.kdrv.drivers.ds18b20;

import io.kdrv.driver.W1Slave;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The DS18B20's 9-byte scratchpad (datasheet figure 9): temperature LSB and MSB, T<sub>H</sub> and T<sub>L</sub>
 * alarm registers, configuration register, three reserved bytes (0xFF, 0x0C at power-up, 0x10) and the
 * Dallas/Maxim CRC-8 of the first eight.
 *
 * <p>The temperature register is two's complement in 1/16 °C; at 11, 10 and 9 bits its lowest 1, 2 or 3 bits are
 * undefined (datasheet) and {@link #rawTemperature()} clears them. Immutable.
 */
public final class Ds18b20Scratchpad {
    /** Scratchpad length in bytes, CRC included. */
    public static final int LENGTH = 9;
    /** The temperature register's power-on value, 85 °C: no conversion has completed since power-up. */
    public static final int POWER_ON_RAW = 0x0550;

    private final byte[] bytes;

    private Ds18b20Scratchpad(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * @param bytes the 9 bytes as read with READ SCRATCHPAD (0xBE)
     * @throws IllegalArgumentException not 9 bytes
     */
    public static Ds18b20Scratchpad of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("a DS18B20 scratchpad has 9 bytes, got " + bytes.length);
        }
        return new Ds18b20Scratchpad(bytes.clone());
    }

    /**
     * Parses the first line of the kernel's w1_therm {@code w1_slave} file,
     * {@code "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES"}: the nine bytes as the kernel read them (the CRC is checked
     * again by {@link #crcValid()}).
     *
     * @throws IllegalArgumentException the text does not start with nine hex bytes
     */
    public static Ds18b20Scratchpad parseW1Slave(String text) {
        String[] words = Objects.requireNonNull(text, "text").strip().split("\\s+");
        if (words.length < LENGTH) {
            throw new IllegalArgumentException("w1_slave does not start with 9 hex bytes: '" + firstLine(text) + "'");
        }
        byte[] b = new byte[LENGTH];
        try {
            for (int i = 0; i < LENGTH; i++) {
                if (words[i].length() != 2) {
                    throw new NumberFormatException(words[i]);
                }
                b[i] = (byte) Integer.parseInt(words[i], 16);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("w1_slave does not start with 9 hex bytes: '" + firstLine(text) + "'");
        }
        return new Ds18b20Scratchpad(b);
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }

    /** @return a copy of the 9 bytes */
    public byte[] bytes() {
        return bytes.clone();
    }

    /** @return whether byte 8 is the CRC-8 of bytes 0..7 */
    public boolean crcValid() {
        return W1Slave.crc8(bytes, 0, LENGTH) == 0;
    }

    /**
     * @return whether every bit reads 1 (nobody drives the bus: the slave left, or the pull-up holds an idle bus)
     *         or every bit 0 (a bus shorted low, whose all-zero CRC would pass)
     */
    public boolean stuck() {
        boolean ones = true;
        boolean zeros = true;
        for (byte x : bytes) {
            ones &= x == (byte) 0xFF;
            zeros &= x == 0;
        }
        return ones || zeros;
    }

    /** @return the resolution in bits (9..12) of the configuration register (bits 6:5 = R1 R0) */
    public int resolution() {
        return 9 + ((bytes[4] >> 5) & 0x3);
    }

    /** @return the configuration register byte */
    public int config() {
        return bytes[4] & 0xFF;
    }

    /** @return the T<sub>H</sub> register (signed °C) */
    public int alarmHigh() {
        return bytes[2];
    }

    /** @return the T<sub>L</sub> register (signed °C) */
    public int alarmLow() {
        return bytes[3];
    }

    /**
     * @return the temperature register in 1/16 °C with the bits that are undefined at {@link #resolution()}
     *         cleared
     */
    public int rawTemperature() {
        int raw = (short) ((bytes[1] & 0xFF) << 8 | bytes[0] & 0xFF);
        return raw & ~((1 << (12 - resolution())) - 1);
    }

    /** @return {@link #rawTemperature()} in °C */
    public double celsius() {
        return rawTemperature() / 16.0;
    }

    /** @return whether the temperature register holds its power-on value (85 °C) */
    public boolean powerOnValue() {
        return ((bytes[1] & 0xFF) << 8 | bytes[0] & 0xFF) == POWER_ON_RAW;
    }

    /** The configuration register value for {@code bits} of resolution: 0x1F, 0x3F, 0x5F, 0x7F. */
    public static int configFor(int bits) {
        if (bits < 9 || bits > 12) {
            throw new IllegalArgumentException("DS18B20 resolution must be 9..12 bits, got " + bits);
        }
        return (bits - 9) << 5 | 0x1F;
    }

    /**
     * The maximum conversion time at {@code bits} (datasheet t<sub>CONV</sub>): 93.75, 187.5, 375, 750 ms.
     *
     * @return nanoseconds
     */
    public static long conversionNanos(int bits) {
        configFor(bits); // range check
        return 750_000_000L >> (12 - bits);
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(" ").formatHex(bytes);
    }
}
