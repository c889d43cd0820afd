package io.kdrv.driver;

import java.util.Objects;

/**
 * One channel of a sensor (the useful core of a Linux IIO channel): a name, its SI unit and the scale that turns a
 * published raw value into the value in that unit ({@code value = raw * scale}).
 *
 * @param name  channel name, {@code [a-z0-9_.-]+} (e.g. {@code temperature}), unique within the sensor
 * @param unit  SI unit symbol of the scaled value ({@code °C}, {@code Pa}, {@code %RH}, {@code 1} for a count or
 *              a boolean level)
 * @param scale factor applied to raw values; 1 when the driver publishes values already in {@code unit}
 */
public record SensorChannel(String name, String unit, double scale) {
    /** @throws IllegalArgumentException bad name, blank unit, or a scale that is 0, NaN or infinite */
    public SensorChannel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(unit, "unit");
        if (!name.matches("[a-z0-9_.-]+")) {
            throw new IllegalArgumentException("sensor channel name '" + name + "' must match [a-z0-9_.-]+");
        }
        if (unit.isBlank()) {
            throw new IllegalArgumentException("sensor channel " + name + ": unit is blank");
        }
        if (scale == 0 || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("sensor channel " + name + ": scale must be finite and non-zero, got "
                    + scale);
        }
    }

    /** A channel whose raw values are already in {@code unit} (scale 1). */
    public static SensorChannel of(String name, String unit) {
        return new SensorChannel(name, unit, 1);
    }
}
