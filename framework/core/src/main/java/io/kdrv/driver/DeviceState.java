package io.kdrv.driver;

/** Binding state of a device, as shown by {@code kdrv:devices}. */
public enum DeviceState {
    /** No driver matches (yet), or unbound by {@code kdrv:unbind}. */
    UNBOUND,
    /** A driver's probe is running. */
    PROBING,
    /** Probe succeeded; the driver owns the device. */
    BOUND,
    /** Probe threw {@link ProbeDeferredException}; retried after the next successful probe. */
    DEFERRED,
    /**
     * Probe failed (exception or timeout), or remove did not return within its bound (the driver is not called
     * again by itself); see the device's error. Retried only on rebind or driver change.
     */
    FAILED,
    /** remove and devres release are running. */
    REMOVING
}
