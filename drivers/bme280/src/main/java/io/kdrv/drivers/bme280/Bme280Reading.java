package io.kdrv.drivers.bme280;

/**
 * One compensated BME280 sample. A quantity whose measurement is disabled (oversampling 0) is {@link Double#NaN}.
 *
 * @param device      the device node's name
 * @param temperature degrees Celsius, resolution 0.01 °C
 * @param pressure    pascal, resolution 1/256 Pa
 * @param humidity    percent relative humidity, resolution 1/1024 %RH
 * @param timestamp   when the sample was read, milliseconds since the epoch
 * @param sequence    1-based count of readings of this device since probe
 */
public record Bme280Reading(String device, double temperature, double pressure, double humidity, long timestamp,
        long sequence) {
}
