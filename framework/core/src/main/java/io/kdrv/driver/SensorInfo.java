package io.kdrv.driver;

import java.time.Duration;
import java.util.List;

/**
 * Snapshot of a device's sensor, as shown by {@code kdrv:read <device>}.
 *
 * @param device     device name
 * @param readings   the latest reading of each channel
 * @param samples    samples published so far
 * @param poller     the poller kthread's name, {@code null} without a poller
 * @param period     the poll period ({@link Duration#ZERO} without a poller)
 * @param cpu        the CPU the poller is bound to, -1 for any
 * @param overruns   poll periods that overran (the poll took longer than a period)
 * @param pollErrors polls that threw
 */
public record SensorInfo(String device, List<SensorReading> readings, long samples, String poller, Duration period,
        int cpu, long overruns, long pollErrors) {
}
