package io.kdrv.drivers.dht22;

/**
 * One successful DHT22 reading.
 *
 * @param device         the device node's name
 * @param temperature    °C, 0.1 °C resolution
 * @param humidity       %RH, 0.1 %RH resolution
 * @param attempts       start signals it took (1 = first try)
 * @param timestampNanos {@link System#nanoTime()} of the start signal that produced it
 * @param sequence       1-based reading number since probe (failed readings included)
 */
public record Dht22Reading(String device, double temperature, double humidity, int attempts, long timestampNanos,
        long sequence) {
}
