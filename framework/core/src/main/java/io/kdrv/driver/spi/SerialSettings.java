package io.kdrv.driver.spi;

import com.pi4j.io.serial.DataBits;
import com.pi4j.io.serial.FlowControl;
import com.pi4j.io.serial.Parity;
import com.pi4j.io.serial.StopBits;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A serial port as a device node asks for it ({@link io.kdrv.driver.SerialKeys}); what
 * {@link Board#openSerial} opens and applies.
 *
 * @param device      the device node path, e.g. {@code /dev/ttyAMA0}
 * @param baud        one of {@link #STANDARD_BAUDS}
 * @param readTimeout how long a read waits for its first byte ({@link Duration#ZERO}: never waits)
 */
public record SerialSettings(String device, int baud, DataBits dataBits, Parity parity, StopBits stopBits,
        FlowControl flowControl, Duration readTimeout) {
    /** The rates Linux termios has a {@code Bnnn} constant for (what {@code cfsetospeed} accepts). */
    public static final int[] STANDARD_BAUDS = {50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600,
        19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000,
        2500000, 3000000, 3500000, 4000000};

    /** @throws IllegalArgumentException a blank device, a non-standard baud rate or a negative timeout */
    public SerialSettings {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(dataBits, "dataBits");
        Objects.requireNonNull(parity, "parity");
        Objects.requireNonNull(stopBits, "stopBits");
        Objects.requireNonNull(flowControl, "flowControl");
        Objects.requireNonNull(readTimeout, "readTimeout");
        if (device.isBlank()) {
            throw new IllegalArgumentException("serial device path is blank");
        }
        if (Arrays.stream(STANDARD_BAUDS).noneMatch(b -> b == baud)) {
            throw new IllegalArgumentException(baud + " is not a standard baud rate (" + Arrays.toString(STANDARD_BAUDS)
                    .replace("[", "").replace("]", "") + ")");
        }
        if (readTimeout.isNegative()) {
            throw new IllegalArgumentException("read timeout must be >= 0, got " + readTimeout);
        }
    }

    /**
     * Pi4J config property with {@link #readTimeout()} in ms: the board passes it to the platform's
     * {@code SerialProvider} (Pi4J's {@code SerialConfig} has no timeout), which reads it with
     * {@link #readTimeout(java.util.Map)}.
     */
    public static final String READ_TIMEOUT_PROPERTY = "kdrv.read-timeout-ms";

    /** The read timeout a serial provider was given in {@code properties}, 1 s when absent or not a number. */
    public static Duration readTimeout(java.util.Map<String, String> properties) {
        String v = properties.get(READ_TIMEOUT_PROPERTY);
        try {
            return v == null ? Duration.ofSeconds(1) : Duration.ofMillis(Math.max(0, Long.parseLong(v.strip())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(1);
        }
    }

    /** 9600 8N1, no flow control, 1 s read timeout on {@code device}. */
    public static SerialSettings of(String device) {
        return new SerialSettings(device, 9600, DataBits._8, Parity.NONE, StopBits._1, FlowControl.NONE,
                Duration.ofSeconds(1));
    }

    /** {@code 115200 8N1 /dev/ttyAMA0}-style summary for log lines. */
    @Override
    public String toString() {
        String p = switch (parity) {
            case NONE -> "N";
            case EVEN -> "E";
            case ODD -> "O";
            case MARK -> "M";
            case SPACE -> "S";
        };
        return device + " " + baud + " " + dataBits.value() + p + stopBits.value()
                + (flowControl == FlowControl.NONE ? "" : " " + flowControl.name().toLowerCase(java.util.Locale.ROOT))
                + ", read timeout " + readTimeout.toMillis() + " ms";
    }
}
