package io.kdrv.driver;

/**
 * The node keys of {@link Device#spi()}, spelled as in the Linux device tree where one exists
 * ({@code spi-max-frequency}; {@code reg} is accepted for the chip select). A driver that uses SPI puts them in its
 * {@link Binding}, so the core checks them before probe and {@code kdrv:drivers} lists them:
 *
 * <pre>{@code
 * static final Binding BINDING = Binding.of(SpiKeys.BUS, SpiKeys.CHIP_SELECT, SpiKeys.maxFrequency(1_350_000),
 *         SpiKeys.MODE, VREF, ...);
 * }</pre>
 *
 * <p>{@link Device#spi()} also checks what a lower bound cannot express (mode 0..3, the Pi4J bus and chip-select
 * ranges) and fails with a {@link DeviceConfigException} naming the device and the key. Immutable constants.
 */
public final class SpiKeys {
    /** The SPI bus: {@code spi-bus}, int &ge; 0, required ({@code /dev/spidev<bus>.<cs>} on Linux). */
    public static final NodeKey BUS = NodeKey.ofInt("spi-bus").required().min(0)
            .description("SPI bus number (/dev/spidev<bus>.<cs>)");
    /**
     * The chip select: {@code spi-cs}, int &ge; 0, default 0. A node may give it as {@code reg} instead (the
     * device-tree spelling); {@code spi-cs} wins when both are set.
     */
    public static final NodeKey CHIP_SELECT = NodeKey.ofInt("spi-cs").defaultValue(0).min(0)
            .description("SPI chip select (or 'reg')");
    /** The SPI mode (CPOL/CPHA): {@code spi-mode}, 0..3, default 0. */
    public static final NodeKey MODE = NodeKey.ofInt("spi-mode").defaultValue(0).min(0)
            .description("SPI mode 0..3 (CPOL << 1 | CPHA)");
    /** The default of {@code spi-max-frequency} when neither the node nor the driver's binding gives one. */
    public static final int DEFAULT_MAX_FREQUENCY_HZ = 1_000_000;
    /** The clock: {@code spi-max-frequency} in Hz, &ge; 1, default {@value #DEFAULT_MAX_FREQUENCY_HZ}. */
    public static final NodeKey MAX_FREQUENCY = maxFrequency(DEFAULT_MAX_FREQUENCY_HZ);

    private SpiKeys() {
    }

    /**
     * {@code spi-max-frequency} with a driver's own default, e.g. the chip's datasheet limit at its lowest supply.
     *
     * @throws IllegalArgumentException if {@code defaultHz} is not positive
     */
    public static NodeKey maxFrequency(int defaultHz) {
        if (defaultHz <= 0) {
            throw new IllegalArgumentException("spi-max-frequency default must be > 0 Hz, got " + defaultHz);
        }
        return NodeKey.ofInt("spi-max-frequency").defaultValue(defaultHz).min(1)
                .description("SPI clock in Hz");
    }
}
