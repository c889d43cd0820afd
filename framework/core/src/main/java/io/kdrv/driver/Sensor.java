package io.kdrv.driver;

import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A device's sensor channels ({@link Device#sensor}): the driver publishes samples, the core keeps the latest value
 * of each channel (shown by {@code kdrv:read <device>}, {@link DeviceManager#sensor}) and posts one Event Admin
 * event per channel and sample on topic {@code kdrv/sensor/<device>} with properties {@code device},
 * {@code channel}, {@code value} (Double, scaled), {@code unit}, {@code timestamp} (epoch ms) and {@code sequence}
 * (Long); a NaN value is kept as the latest but not posted. Events are asynchronous ({@code postEvent}).
 *
 * <p>Device-managed: after remove (or a failed probe) the sensor is gone and {@link #publish} does nothing.
 * Thread-safe; {@link #publish} does not block.
 */
@ProviderType
public interface Sensor {
    /** @return the channels, in declaration order */
    List<SensorChannel> channels();

    /**
     * Publishes one sample: {@code raw[i]} for channel {@code i}, scaled by its {@link SensorChannel#scale}.
     *
     * @param timestamp epoch milliseconds of the sample
     * @throws IllegalArgumentException if {@code raw} does not have one value per channel
     */
    void publish(long timestamp, double... raw);

    /** {@link #publish(long, double...)} stamped now. */
    default void publish(double... raw) {
        publish(System.currentTimeMillis(), raw);
    }

    /** @return the latest reading of each channel, in channel order */
    List<SensorReading> latest();

    /** @return samples published so far */
    long samples();
}
