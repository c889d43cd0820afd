package ${package}.internal;

/**
 * The chip's register map, shared by the driver and the simulated chip. A small LM75/TMP102-like part:
 * <ul>
 *   <li>{@code 0x00..0x01} TEMP: the last conversion, signed 16 bits big-endian, 1/128 degrees Celsius per LSB;
 *       {@code 0x8000} = no conversion yet</li>
 *   <li>{@code 0x02} CONFIG: bit 0 SD (shutdown, set at power-on; conversions run while it is clear)</li>
 *   <li>{@code 0x0F} ID: reads {@code 0xA1}</li>
 * </ul>
 */
public final class Registers {
    public static final int TEMP = 0x00;
    public static final int CONFIG = 0x02;
    public static final int ID = 0x0F;

    public static final int CONFIG_SHUTDOWN = 0x01;
    public static final int CHIP_ID = 0xA1;
    /** TEMP before the first conversion. */
    public static final int NO_CONVERSION = 0x8000;
    public static final double LSB_CELSIUS = 1.0 / 128;

    private Registers() {
    }

    /** "0x4a": how addresses and register values appear in errors. */
    public static String hex(int value) {
        return String.format("0x%02x", value);
    }
}
