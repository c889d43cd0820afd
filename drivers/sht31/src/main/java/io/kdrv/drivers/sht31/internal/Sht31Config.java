package io.kdrv.drivers.sht31.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * An sht31 device node's keys, validated before any hardware is touched so a bad node fails probe with a message
 * naming the device and the key.
 *
 * @param address       node key {@code reg}: 0x44 (ADDR low) or 0x45
 * @param pollPeriod    node key {@code poll-ms} (default 1000)
 * @param cpu           node key {@code cpu}; -1 (absent) = unbound
 * @param periodic      node key {@code mode}: {@code single-shot} (default) or {@code periodic}
 * @param repeatability node key {@code repeatability}: 0 high (default), 1 medium, 2 low
 * @param mps           node key {@code mps}: periodic rate 0.5, 1 (default), 2, 4, 10 per second
 * @param heater        node key {@code heater}: heater on at probe (default false)
 * @param retries       node key {@code crc-retries}: extra attempts after a CRC mismatch (default 2)
 */
public record Sht31Config(int address, Duration pollPeriod, int cpu, boolean periodic, int repeatability, double mps,
        boolean heater, int retries) {

    static final String POLL_MS = "poll-ms";
    static final String CPU = "cpu";
    static final String MODE = "mode";
    static final String REPEATABILITY = "repeatability";
    static final String MPS = "mps";
    static final String HEATER = "heater";
    static final String RETRIES = "crc-retries";
    private static final List<String> REPEATABILITIES = List.of("high", "medium", "low");

    /** The node keys the driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(NodeKey.REG, NodeKey.I2C_BUS,
            NodeKey.ofLong(POLL_MS).defaultValue(1000L).min(1).description("poll period"),
            NodeKey.ofInt(CPU).min(0).description("CPU the poller kthread is bound to (absent: unbound)"),
            NodeKey.ofString(MODE).defaultValue("single-shot").description("single-shot or periodic"),
            NodeKey.ofString(REPEATABILITY).defaultValue("high").description("high, medium or low"),
            NodeKey.ofDouble(MPS).defaultValue(1.0).description("periodic mode: 0.5, 1, 2, 4 or 10 measurements/s"),
            NodeKey.ofBoolean(HEATER).defaultValue(false).description("heater on at probe"),
            NodeKey.ofInt(RETRIES).defaultValue(2).min(0).description("retries after a CRC mismatch"));

    /**
     * Reads and validates the node keys of {@code dev}.
     *
     * @throws DeviceConfigException naming the device, the key and the allowed values
     */
    public static Sht31Config from(Device dev) {
        int address = dev.getInt(NodeKey.REG.name());
        if (address != 0x44 && address != 0x45) {
            throw new DeviceConfigException(dev.name(), NodeKey.REG.name(),
                    String.format("0x%02X is not an SHT31 address: use 0x44 (ADDR low) or 0x45 (ADDR high)", address));
        }
        String mode = dev.getString(MODE).trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("single-shot") && !mode.equals("periodic")) {
            throw new DeviceConfigException(dev.name(), MODE, "'" + mode + "' is not one of single-shot, periodic");
        }
        String rep = dev.getString(REPEATABILITY).trim().toLowerCase(Locale.ROOT);
        int repeatability = REPEATABILITIES.indexOf(rep);
        if (repeatability < 0) {
            throw new DeviceConfigException(dev.name(), REPEATABILITY, "'" + rep + "' is not one of high, medium, low");
        }
        double mps = dev.getDouble(MPS);
        try {
            Sht31Commands.rateIndex(mps);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(dev.name(), MPS, e.getMessage());
        }
        return new Sht31Config(address, Duration.ofMillis(dev.getLong(POLL_MS)), dev.getInt(CPU, -1),
                mode.equals("periodic"), repeatability, mps, dev.getBoolean(HEATER), dev.getInt(RETRIES));
    }

    /** The command that starts a measurement: single shot, or periodic mode at {@link #mps}. */
    int startCommand() {
        return periodic ? Sht31Commands.periodic(mps, repeatability) : Sht31Commands.singleShot(repeatability);
    }

    Duration maxMeasurement() {
        return Duration.ofNanos(1000L * Sht31Commands.maxMeasurementMicros(repeatability));
    }
}
