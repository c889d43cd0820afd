package io.kdrv.driver.internal;

import com.pi4j.io.serial.DataBits;
import com.pi4j.io.serial.FlowControl;
import com.pi4j.io.serial.Parity;
import com.pi4j.io.serial.StopBits;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.SerialKeys;
import io.kdrv.driver.W1Keys;
import io.kdrv.driver.W1Slave;
import io.kdrv.driver.spi.SerialSettings;
import java.time.Duration;
import java.util.Locale;

/**
 * Turns a node's UART and 1-Wire keys ({@link SerialKeys}, {@link W1Keys}) into what the board opens, with a
 * {@link DeviceConfigException} naming device and key for a bad value. The node's value wins, then the driver's
 * declared default, then the default of {@code SerialKeys}/{@code W1Keys}.
 */
final class DeviceClassNodes {
    /** The node's value of a key as {@code type}, else the driver's declared default, else null. */
    @FunctionalInterface
    interface Lookup {
        Object get(String key, NodeKey.Type type);
    }

    private DeviceClassNodes() {
    }

    private static Object value(Lookup node, NodeKey key) {
        Object v = node.get(key.name(), key.type());
        return v != null ? v : key.defaultValue().orElse(null);
    }

    static SerialSettings serial(String device, Lookup node) {
        String path = ((String) value(node, SerialKeys.DEVICE)).strip();
        if (!path.startsWith("/")) {
            throw new DeviceConfigException(device, SerialKeys.DEVICE.name(), "'" + path
                    + "' is not an absolute device path (e.g. /dev/serial0, /dev/ttyAMA0)");
        }
        int baud = (Integer) value(node, SerialKeys.BAUD);
        int bits = (Integer) value(node, SerialKeys.DATA_BITS);
        if (bits < 5 || bits > 8) {
            throw new DeviceConfigException(device, SerialKeys.DATA_BITS.name(), "must be 5, 6, 7 or 8, got " + bits);
        }
        int stop = (Integer) value(node, SerialKeys.STOP_BITS);
        if (stop != 1 && stop != 2) {
            throw new DeviceConfigException(device, SerialKeys.STOP_BITS.name(), "must be 1 or 2, got " + stop);
        }
        Parity parity = switch (word(value(node, SerialKeys.PARITY))) {
            case "none", "n" -> Parity.NONE;
            case "even", "e" -> Parity.EVEN;
            case "odd", "o" -> Parity.ODD;
            case "mark", "m" -> Parity.MARK;
            case "space", "s" -> Parity.SPACE;
            default -> throw new DeviceConfigException(device, SerialKeys.PARITY.name(), "'"
                    + value(node, SerialKeys.PARITY) + "' is not one of none, even, odd, mark, space");
        };
        FlowControl flow = switch (word(value(node, SerialKeys.FLOW_CONTROL))) {
            case "none" -> FlowControl.NONE;
            case "hardware", "rts-cts", "rtscts" -> FlowControl.HARDWARE;
            case "software", "xon-xoff", "xonxoff" -> FlowControl.SOFTWARE;
            default -> throw new DeviceConfigException(device, SerialKeys.FLOW_CONTROL.name(), "'"
                    + value(node, SerialKeys.FLOW_CONTROL) + "' is not one of none, hardware, software");
        };
        int timeoutMs = (Integer) value(node, SerialKeys.READ_TIMEOUT_MS);
        if (timeoutMs < 0) {
            throw new DeviceConfigException(device, SerialKeys.READ_TIMEOUT_MS.name(), "must be >= 0, got " + timeoutMs);
        }
        try {
            return new SerialSettings(path, baud, DataBits.getInstance(bits), parity,
                    stop == 1 ? StopBits._1 : StopBits._2, flow, Duration.ofMillis(timeoutMs));
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(device, SerialKeys.BAUD.name(), e.getMessage());
        }
    }

    /** The node's {@code w1-id}, checked and lower-cased. */
    static String w1Id(String device, Lookup node) {
        Object id = value(node, W1Keys.ID);
        if (id == null) {
            throw new DeviceConfigException(device, W1Keys.ID.name(), "missing (the slave's id as in "
                    + "/sys/bus/w1/devices, e.g. 28-00000abcdef0)");
        }
        try {
            return W1Slave.checkId((String) id);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(device, W1Keys.ID.name(), e.getMessage());
        }
    }

    /** The node's {@code w1-master}, or null for any master. */
    static String w1Master(String device, Lookup node) {
        Object m = value(node, W1Keys.MASTER);
        if (m == null || ((String) m).isBlank()) {
            return null;
        }
        String master = ((String) m).strip();
        if (master.contains("/") || master.startsWith(".")) {
            throw new DeviceConfigException(device, W1Keys.MASTER.name(), "'" + master
                    + "' is not a bus master name (e.g. w1_bus_master1)");
        }
        return master;
    }

    private static String word(Object v) {
        return v == null ? "" : v.toString().strip().toLowerCase(Locale.ROOT);
    }
}
