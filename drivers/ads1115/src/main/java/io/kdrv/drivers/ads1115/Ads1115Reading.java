package io.kdrv.drivers.ads1115;

import java.util.List;

/**
 * One ADS1115 sample: a single-shot conversion of every configured channel, in node order.
 *
 * @param device    the device node's name
 * @param channels  channel names as configured ({@code ain0} .. {@code ain3}, {@code ain0-ain1}, ...)
 * @param volts     the input voltage of each channel in volts ({@code code * fullScale / 32768}); a differential
 *                  channel is positive minus negative input
 * @param fullScale the programmable-gain full-scale range in volts (±)
 * @param timestamp when the last channel was read, milliseconds since the epoch
 * @param sequence  1-based count of readings of this device since probe
 */
public record Ads1115Reading(String device, List<String> channels, List<Double> volts, double fullScale,
        long timestamp, long sequence) {
    public Ads1115Reading {
        channels = List.copyOf(channels);
        volts = List.copyOf(volts);
    }

    /**
     * @return the voltage of {@code channel}
     * @throws IllegalArgumentException if the channel is not part of this reading
     */
    public double volts(String channel) {
        int i = channels.indexOf(channel);
        if (i < 0) {
            throw new IllegalArgumentException(device + ": no channel " + channel + " in " + channels);
        }
        return volts.get(i);
    }
}
