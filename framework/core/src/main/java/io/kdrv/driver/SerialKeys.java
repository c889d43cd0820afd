package io.kdrv.driver;

/**
 * The node keys {@link Device#serial()} reads, with their defaults. Declare them in a UART driver's
 * {@link Binding} ({@link #all()}, or one by one with your own default: a declared default wins over the one
 * here).
 */
public final class SerialKeys {
    /** The serial device node ({@code /dev/serial0}, {@code /dev/ttyAMA0}, {@code /dev/ttyUSB0}). */
    public static final NodeKey DEVICE = NodeKey.ofString("serial-device").defaultValue("/dev/serial0")
            .description("serial device node, e.g. /dev/serial0, /dev/ttyAMA0, /dev/ttyUSB0");
    /** Baud rate: a standard termios rate (50 .. 4000000). */
    public static final NodeKey BAUD = NodeKey.ofInt("baud").defaultValue(9600).min(1)
            .description("baud rate (a standard rate: 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, ...)");
    /** Data bits 5..8. */
    public static final NodeKey DATA_BITS = NodeKey.ofInt("data-bits").defaultValue(8).min(5)
            .description("data bits, 5..8");
    /** {@code none}, {@code even}, {@code odd}, {@code mark} or {@code space}. */
    public static final NodeKey PARITY = NodeKey.ofString("parity").defaultValue("none")
            .description("none, even, odd, mark or space");
    /** 1 or 2. */
    public static final NodeKey STOP_BITS = NodeKey.ofInt("stop-bits").defaultValue(1).min(1)
            .description("stop bits, 1 or 2");
    /** {@code none}, {@code hardware} (RTS/CTS) or {@code software} (XON/XOFF). */
    public static final NodeKey FLOW_CONTROL = NodeKey.ofString("flow-control").defaultValue("none")
            .description("none, hardware (RTS/CTS) or software (XON/XOFF)");
    /** How long a read waits for its first byte, in ms (0: return what is there). */
    public static final NodeKey READ_TIMEOUT_MS = NodeKey.ofInt("read-timeout-ms").defaultValue(1000).min(0)
            .description("how long a read waits for the first byte, ms (0: never waits)");

    /** Every key above, for {@code Binding.of(...)}. */
    public static NodeKey[] all() {
        return new NodeKey[] {DEVICE, BAUD, DATA_BITS, PARITY, STOP_BITS, FLOW_CONTROL, READ_TIMEOUT_MS};
    }

    private SerialKeys() {
    }
}
