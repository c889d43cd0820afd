package io.kdrv.board.mock;

/**
 * A simulated SPI chip, attached to a {@link MockBoard} at a bus and chip select with
 * {@link MockBoard#attachSpi(int, int, SpiChip)}. Drivers reach it through Pi4J's {@code Spi}.
 *
 * <h2>Protocol model</h2>
 * One call is one transfer: chip select goes active, {@code mosi.length} bytes are clocked full duplex (each
 * byte MSB first unless the model says otherwise), chip select goes inactive. So a chip whose protocol restarts on
 * chip select (an ADC conversion, a command byte) starts over on every call, as on the wire. The model fills
 * {@code miso}, which starts as all zeros (a floating MISO line; the mock reads zeros where no chip is attached).
 *
 * <p>Threading: called on the thread doing the transfer (usually a driver kthread); the mock board serialises the
 * transfers to one chip (it holds the chip's monitor during the call), like the bus does.
 */
@FunctionalInterface
public interface SpiChip {
    /**
     * One transfer with chip select asserted for its whole length.
     *
     * @param mode    the SPI mode the controller clocks in (0..3); a model may garble data for a mode its chip
     *                does not support
     * @param speedHz the clock the controller uses
     * @param mosi    the bytes shifted out to the chip (do not modify)
     * @param miso    the bytes the chip shifts back, same length; fill in place
     */
    void transfer(int mode, int speedHz, byte[] mosi, byte[] miso);

    /** @return a short chip name for errors and listings */
    default String name() {
        return getClass().getSimpleName();
    }
}
