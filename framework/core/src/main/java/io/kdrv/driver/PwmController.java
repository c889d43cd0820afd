package io.kdrv.driver;

import java.io.IOException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A PWM controller provided by a driver (an I2C chip such as the PCA9685), registered for its device with
 * {@link Device#registerPwmController}. Other device nodes then use its channels as
 * {@code "pwms": ["<controller-device>:<channel>"]}: {@link Device#pwm} hands them a Pi4J {@code Pwm} whose
 * changes the core passes to {@link #apply}.
 *
 * <p>Thread-safety: {@link #apply} may be called from several consumer threads at once (one channel per consumer);
 * the controller serialises its own bus transfers. The core holds no lock while it calls it, and the controller
 * must not call back into the core from it.
 */
@ConsumerType
public interface PwmController {
    /** @return the number of channels: valid channels are {@code 0 .. channels()-1}; constant */
    int channels();

    /**
     * Programs {@code channel} to {@code state}: called when the consumer claims the channel (disabled, with its
     * initial settings), on every change, and with {@code enabled=false} when it is released. Blocks while the
     * hardware is written.
     *
     * @throws IOException              the chip did not answer (the message names the device and the bus)
     * @throws IllegalArgumentException a state the controller cannot produce (e.g. a frequency out of its range)
     * @throws IllegalStateException    a state that conflicts with another channel (e.g. one prescaler for all)
     */
    void apply(int channel, PwmState state) throws IOException;
}
