package io.kdrv.driver;

/**
 * Thrown by {@link Driver#probe} when a dependency (another device, a service, the board) is not available yet:
 * the equivalent of Linux {@code -EPROBE_DEFER}. The device is put on the deferred list with this reason and probed
 * again after every successful probe of any device.
 */
public class ProbeDeferredException extends Exception {
    private static final long serialVersionUID = 1L;

    /** @param reason what is missing, shown by {@code kdrv:deferred} */
    public ProbeDeferredException(String reason) {
        super(reason);
    }
}
