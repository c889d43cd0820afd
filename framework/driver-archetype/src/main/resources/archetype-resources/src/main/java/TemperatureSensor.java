package ${package};

import java.util.OptionalDouble;

/**
 * A bound ${compatible} device as seen from outside the driver: the latest temperature and counters. It is the
 * device's driver data and is also returned by the driver component while the device is bound.
 *
 * <p>Thread-safety: every method may be called from any thread and never blocks.
 */
public interface TemperatureSensor {
    /** The device node's name. */
    String device();

    /** The latest temperature in degrees Celsius; empty until the first successful sample. */
    OptionalDouble celsius();

    /** Successful samples so far. */
    long readings();

    /** Failed samples (I2C errors, no conversion yet) so far; polling goes on after one. */
    long errors();
}
