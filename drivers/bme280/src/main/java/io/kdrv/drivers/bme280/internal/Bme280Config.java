package io.kdrv.drivers.bme280.internal;

import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import java.time.Duration;
import java.util.Locale;

/**
 * A bme280 device node's keys, validated before any hardware is touched so a bad node fails probe with a message
 * naming the device and the key.
 *
 * @param pollPeriod node key {@code poll-ms} (default 1000), the sampling period
 * @param cpu        node key {@code cpu}, the CPU the poller is bound to; -1 (absent) = unbound
 * @param forced     node key {@code mode}: {@code forced} (default, one conversion per poll, sleeps in between)
 *                   or {@code normal} (continuous conversions, the poller reads the latest)
 * @param osrsT      node key {@code osrs-t}: temperature oversampling 1, 2, 4, 8, 16 (default 1). Temperature
 *                   cannot be skipped: pressure and humidity compensation need it.
 * @param osrsP      node key {@code osrs-p}: pressure oversampling 0 (skip), 1, 2, 4, 8, 16 (default 1)
 * @param osrsH      node key {@code osrs-h}: humidity oversampling 0 (skip), 1, 2, 4, 8, 16 (default 1)
 * @param filter     node key {@code filter}: IIR filter coefficient 0 (off, default), 2, 4, 8, 16
 */
public record Bme280Config(Duration pollPeriod, int cpu, boolean forced, int osrsT, int osrsP, int osrsH,
        int filter) {

    static final String POLL_MS = "poll-ms";
    static final String CPU = "cpu";
    static final String MODE = "mode";
    static final String OSRS_T = "osrs-t";
    static final String OSRS_P = "osrs-p";
    static final String OSRS_H = "osrs-h";
    static final String FILTER = "filter";

    /** The node keys the driver reads (checked by the core before probe, listed by kdrv:drivers). */
    static final Binding BINDING = Binding.of(NodeKey.REG, NodeKey.I2C_BUS,
            NodeKey.ofLong(POLL_MS).defaultValue(1000L).min(1).description("poll period"),
            NodeKey.ofInt(CPU).min(0).description("CPU the poller kthread is bound to (absent: unbound)"),
            NodeKey.ofString(MODE).defaultValue("forced").description("forced or normal"),
            NodeKey.ofInt(OSRS_T).defaultValue(1).description("temperature oversampling: 1, 2, 4, 8, 16"),
            NodeKey.ofInt(OSRS_P).defaultValue(1).description("pressure oversampling: 0 (skip), 1, 2, 4, 8, 16"),
            NodeKey.ofInt(OSRS_H).defaultValue(1).description("humidity oversampling: 0 (skip), 1, 2, 4, 8, 16"),
            NodeKey.ofInt(FILTER).defaultValue(0).description("IIR filter coefficient: 0, 2, 4, 8, 16"));

    /**
     * Reads and validates the node keys of {@code dev}.
     *
     * @throws DeviceConfigException naming the device, the key and the allowed values
     */
    public static Bme280Config from(Device dev) {
        long pollMs = dev.getLong(POLL_MS); // declared: default 1000, >= 1
        int cpu = dev.getInt(CPU, -1);      // declared >= 0; -1: not bound
        String mode = dev.getString(MODE).trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("forced") && !mode.equals("normal")) {
            throw new DeviceConfigException(dev.name(), MODE, "'" + mode + "' is not one of forced, normal");
        }
        int osrsT = oversampling(dev, OSRS_T);
        if (osrsT == 0) {
            throw new DeviceConfigException(dev.name(), OSRS_T,
                    "temperature cannot be skipped (pressure and humidity compensation need it); use 1, 2, 4, 8, 16");
        }
        int osrsP = oversampling(dev, OSRS_P);
        int osrsH = oversampling(dev, OSRS_H);
        int filter = dev.getInt(FILTER);
        try {
            Bme280Registers.filterCode(filter);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(dev.name(), FILTER, e.getMessage());
        }
        return new Bme280Config(Duration.ofMillis(pollMs), cpu, mode.equals("forced"), osrsT, osrsP, osrsH, filter);
    }

    private static int oversampling(Device dev, String key) {
        int factor = dev.getInt(key);
        try {
            Bme280Registers.osrsCode(factor);
        } catch (IllegalArgumentException e) {
            throw new DeviceConfigException(dev.name(), key, e.getMessage());
        }
        return factor;
    }

    /** {@code ctrl_meas} for the given mode bits. */
    int ctrlMeas(int mode) {
        return Bme280Registers.osrsCode(osrsT) << 5 | Bme280Registers.osrsCode(osrsP) << 2 | mode;
    }

    /** {@code ctrl_hum}. */
    int ctrlHum() {
        return Bme280Registers.osrsCode(osrsH);
    }

    /** {@code config}: standby (normal mode: the longest not above the poll period), filter, no 3-wire SPI. */
    int config() {
        return Bme280Registers.standbyCode(pollPeriod.toMillis()) << 5 | Bme280Registers.filterCode(filter) << 2;
    }

    /** Datasheet maximum conversion time for this oversampling. */
    Duration maxMeasurement() {
        return Duration.ofNanos(1000L * Bme280Registers.maxMeasurementMicros(osrsT, osrsP, osrsH));
    }
}
