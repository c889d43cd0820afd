package io.kdrv.drivers.ds18b20.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import io.kdrv.driver.W1Keys;
import io.kdrv.driver.W1Slave;
import java.time.Duration;

/**
 * A ds18b20 node's keys, checked before the bus is touched so a bad node fails naming device and key.
 *
 * @param resolution node key {@code resolution}: 9..12 bits (default 12)
 * @param pollPeriod node key {@code poll-ms} (default 1000)
 * @param cpu        node key {@code cpu}; -1 (absent) = any CPU
 * @param retries    node key {@code crc-retries}: extra reads after a CRC mismatch or a power-on value (default 2)
 * @param save       node key {@code save-config}: COPY SCRATCHPAD to EEPROM when probe changed the resolution
 */
record Ds18b20Config(int resolution, Duration pollPeriod, int cpu, int retries, boolean save) {
    /** The DS18B20's family code. */
    static final int FAMILY = 0x28;
    static final String RESOLUTION = "resolution";
    static final String POLL_MS = "poll-ms";
    static final String CPU = "cpu";
    static final String RETRIES = "crc-retries";
    static final String SAVE = "save-config";

    static final Binding BINDING = Binding.of(W1Keys.ID, W1Keys.MASTER,
            NodeKey.ofInt(RESOLUTION).defaultValue(12).min(9).description("resolution in bits, 9..12 "
                    + "(conversion 93.75, 187.5, 375, 750 ms)"),
            NodeKey.ofLong(POLL_MS).defaultValue(1000L).min(1).description("poll period"),
            NodeKey.ofInt(CPU).min(0).description("CPU the poller kthread is bound to (absent: any)"),
            NodeKey.ofInt(RETRIES).defaultValue(2).min(0).description("retries after a CRC mismatch or an 85 °C "
                    + "power-on value"),
            NodeKey.ofBoolean(SAVE).defaultValue(false).description("store the resolution in the sensor's EEPROM "
                    + "(COPY SCRATCHPAD) when probe changed it"));

    static Ds18b20Config from(Device dev) {
        int res = dev.getInt(RESOLUTION);
        if (res < 9 || res > 12) {
            throw new DeviceConfigException(dev.name(), RESOLUTION, "must be 9, 10, 11 or 12 bits, got " + res);
        }
        String id;
        try {
            id = W1Slave.checkId(dev.getString(W1Keys.ID.name()));
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(dev.name(), W1Keys.ID.name(), e.getMessage());
        }
        int family = Integer.parseInt(id.substring(0, 2), 16);
        if (family != FAMILY) {
            throw new DeviceConfigException(dev.name(), W1Keys.ID.name(), String.format("family 0x%02x is not a "
                    + "DS18B20 (family 0x28)%s", family, family == 0x10 ? "; 0x10 is a DS18S20"
                    : family == 0x22 ? "; 0x22 is a DS1822" : family == 0x3b ? "; 0x3b is a DS1825" : ""));
        }
        return new Ds18b20Config(res, Duration.ofMillis(dev.getLong(POLL_MS)), dev.getInt(CPU, -1),
                dev.getInt(RETRIES), dev.getBoolean(SAVE));
    }
}
