package io.kdrv.drivers.hcsr04;

/**
 * One successful measurement of an HC-SR04.
 *
 * @param device         the device node's name
 * @param distanceMeters distance to the target in metres (half the echo's round trip)
 * @param echoNanos      width of the echo pulse, from the IRQ edge timestamps
 * @param speedOfSound   the speed of sound used, m/s
 * @param timestampNanos {@link System#nanoTime()} of the echo's rising edge
 * @param sequence       1-based measurement number since probe (failed measurements included)
 */
public record DistanceReading(String device, double distanceMeters, long echoNanos, double speedOfSound,
        long timestampNanos, long sequence) {
}
