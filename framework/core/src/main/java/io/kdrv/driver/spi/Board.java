package io.kdrv.driver.spi;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.serial.Serial;
import io.kdrv.driver.Device;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.IrqHandler;
import io.kdrv.driver.LineConfig;
import io.kdrv.driver.W1Slave;
import java.time.Duration;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Service provided by the board bundle ({@code io.kdrv.board}) and used by the driver core to hand out
 * device-managed hardware. Not for drivers: they call {@link Device}'s methods, which add the returned handle to
 * the device's devres list and call {@link Handle#close()} on remove.
 *
 * <p>Implementations enforce pin ownership: a line claimed by one device cannot be claimed by another until
 * released; the error names the line and the owner. All methods are thread-safe.
 */
@ConsumerType
public interface Board {
    /** {@code "mock"} or {@code "raspberrypi"}. */
    String platform();

    /** A claimed resource; {@code close()} releases it and is idempotent. */
    interface Handle<T> extends AutoCloseable {
        T get();

        @Override
        void close();
    }

    /**
     * Claims {@code line} as an input for {@code owner}, requested with {@code config} (bias, active-low, kernel
     * debounce; the drive is ignored). With active-low the returned input reads the logical level.
     *
     * @throws IllegalArgumentException no such line, or a configuration this board cannot apply (message names it)
     */
    Handle<DigitalInput> openInput(Device owner, int line, LineConfig config);

    /** {@link #openInput(Device, int, LineConfig)} with {@link LineConfig#DEFAULT}. */
    default Handle<DigitalInput> openInput(Device owner, int line) {
        return openInput(owner, line, LineConfig.DEFAULT);
    }

    /**
     * Claims {@code line} as an output for {@code owner}, requested with {@code config} (bias, drive, active-low),
     * driven to {@code offState} at once and again when the handle is closed (so nothing stays driven after unplug).
     * {@code offState} is a logical level like every value written through the output: with active-low in
     * {@code config} LOW leaves the line physically high.
     */
    Handle<DigitalOutput> openOutput(Device owner, int line, LineConfig config, DigitalState offState);

    /** {@link #openOutput(Device, int, LineConfig, DigitalState)} with {@link LineConfig#DEFAULT}. */
    default Handle<DigitalOutput> openOutput(Device owner, int line, DigitalState offState) {
        return openOutput(owner, line, LineConfig.DEFAULT, offState);
    }

    /** {@link #openOutput(Device, int, DigitalState)} with LOW as the off state. */
    default Handle<DigitalOutput> openOutput(Device owner, int line) {
        return openOutput(owner, line, DigitalState.LOW);
    }

    Handle<I2C> openI2c(Device owner, int bus, int address);

    /**
     * Claims SPI device {@code settings.bus()}/{@code settings.chipSelect()} for {@code owner}, opened with the
     * settings' mode and clock. One claimant per bus and chip select.
     *
     * @throws IllegalStateException the device is claimed by another owner (named), or this board has no SPI
     *         (the default)
     */
    default Handle<Spi> openSpi(Device owner, SpiSettings settings) {
        throw new IllegalStateException("board platform " + platform() + " has no SPI (device " + owner.name() + ", "
                + settings.id() + ")");
    }

    /**
     * Claims SoC PWM {@code channel} of the board's PWM {@code chip} for {@code owner}, configured with
     * {@code initial} (frequency, duty cycle, polarity) and disabled; closing the handle disables it (and on Linux
     * unexports it). Default: this board has no PWM.
     *
     * @throws IllegalArgumentException no such chip, or a channel out of range (the message names chip and channel)
     * @throws IllegalStateException    the channel is claimed by another device (named)
     */
    default Handle<com.pi4j.io.pwm.Pwm> openPwm(Device owner, int chip, int channel, io.kdrv.driver.PwmState initial) {
        throw new IllegalArgumentException("board " + platform() + " has no PWM chips");
    }

    /** {@code input} must have been opened by {@code owner} through this board. */
    Handle<Irq> requestThreadedIrq(Device owner, DigitalInput input, Edge edge, Duration debounce, IrqHandler handler);

    /**
     * Claims line {@code line} of a driver's GPIO controller as an input for {@code owner}, like
     * {@link #openInput(Device, int, LineConfig)}: exclusive (the error names the owner), shown in the board's line
     * list under {@link ControllerLine#label()}, usable with {@link #requestThreadedIrq} (edges come from the
     * controller's {@link io.kdrv.driver.GpioChip#handleNestedIrq}).
     *
     * @throws IllegalArgumentException the controller refused the configuration (its message)
     * @throws UnsupportedOperationException a board without driver controllers (the default)
     */
    default Handle<DigitalInput> openInput(Device owner, ControllerLine line, LineConfig config) {
        throw new UnsupportedOperationException("board " + platform() + " does not support driver GPIO controllers");
    }

    /** {@link #openOutput(Device, int, LineConfig, DigitalState)} on a line of a driver's GPIO controller. */
    default Handle<DigitalOutput> openOutput(Device owner, ControllerLine line, LineConfig config,
            DigitalState offState) {
        throw new UnsupportedOperationException("board " + platform() + " does not support driver GPIO controllers");
    }

    /**
     * Claims the serial port {@code settings.device()} for {@code owner} (one claimant per port; the error names
     * the owner) and opens it raw with {@code settings}' framing. Closing the handle closes the port.
     *
     * @throws UnsupportedOperationException this board has no serial ports (the default)
     */
    default Handle<Serial> openSerial(Device owner, SerialSettings settings) {
        throw new UnsupportedOperationException("device " + owner.name() + ": board platform " + platform()
                + " has no serial ports");
    }

    /**
     * Claims 1-Wire slave {@code id} for {@code owner} (one claimant per slave; the error names the owner).
     * Closing the handle releases it: later calls on the slave throw {@link IllegalStateException}.
     *
     * @param master the bus master to look on, null for any
     * @throws UnsupportedOperationException this board has no 1-Wire bus (the default)
     */
    default Handle<W1Slave> openW1(Device owner, String master, String id) {
        throw new UnsupportedOperationException("device " + owner.name() + ": board platform " + platform()
                + " has no 1-Wire bus");
    }
}
