package io.kdrv.drivers.pirmotion;

/**
 * A bound pir-motion device as seen from outside the driver. Available as the device's driver data
 * ({@code device.driverData(MotionSensor.class)}) and from the driver component while the device is bound.
 *
 * <p>Thread-safety: all methods may be called from any thread; they never block.
 */
public interface MotionSensor {
    /** The device node's name. */
    String device();

    /** True between a motion-start and the matching motion-end event. */
    boolean motion();

    /** Motions detected since probe. */
    long motions();

    /** Duration in milliseconds of the last finished motion, 0 if none finished yet. */
    long lastDurationMillis();
}
