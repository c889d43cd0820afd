package io.kdrv.drivers.sht31;

/**
 * One SHT31 sample, converted with the datasheet formulas {@code T = -45 + 175 * raw / 65535} and
 * {@code RH = 100 * raw / 65535}.
 *
 * @param device      the device node's name
 * @param temperature degrees Celsius (resolution 175/65535 ≈ 0.0027 °C)
 * @param humidity    percent relative humidity (resolution 100/65535 ≈ 0.0015 %RH)
 * @param rawT        the temperature word as read (0..65535)
 * @param rawRh       the humidity word as read (0..65535)
 * @param timestamp   when the sample was read, milliseconds since the epoch
 * @param sequence    1-based count of readings of this device since probe
 */
public record Sht31Reading(String device, double temperature, double humidity, int rawT, int rawRh, long timestamp,
        long sequence) {
    /** Datasheet conversion of a temperature word to °C. */
    public static double celsius(int rawT) {
        return -45.0 + 175.0 * rawT / 65535.0;
    }

    /** Datasheet conversion of a humidity word to %RH. */
    public static double percentRh(int rawRh) {
        return 100.0 * rawRh / 65535.0;
    }
}
