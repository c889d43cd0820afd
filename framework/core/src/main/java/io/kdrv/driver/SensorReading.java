package io.kdrv.driver;

/**
 * The latest value of one {@link SensorChannel}.
 *
 * @param channel   channel name
 * @param value     scaled value in {@code unit}; NaN when the channel has not been read (or the driver published NaN)
 * @param unit      the channel's unit
 * @param timestamp epoch milliseconds of the sample, 0 before the first one
 * @param sequence  1-based number of the sample this value belongs to, 0 before the first one
 */
public record SensorReading(String channel, double value, String unit, long timestamp, long sequence) {
}
