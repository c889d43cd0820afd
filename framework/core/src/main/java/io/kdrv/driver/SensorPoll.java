package io.kdrv.driver;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * One period of a sensor poller ({@link Device#startSensorPoller}): read the hardware and {@link Sensor#publish}.
 * Runs on the poller's kthread, so it may sleep with {@code Kthread.sleep} and should return soon after
 * {@code Kthread.shouldStop()} becomes true.
 */
@ConsumerType
@FunctionalInterface
public interface SensorPoll {
    /**
     * @throws Exception a failed sample: counted in {@link SensorInfo#pollErrors()} and logged (the first and every
     *                   100th), the poller keeps its period
     */
    void poll(Sensor sensor) throws Exception;
}
