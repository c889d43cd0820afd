package io.kdrv.driver.spi;

/**
 * What {@link Board#openSpi} opens: one SPI device, as {@code io.kdrv.driver.Device#spi()} read it from the node.
 * The ranges are Pi4J's ({@code SpiBus}, {@code SpiChipSelect}, {@code SpiMode}). Immutable.
 *
 * @param bus        SPI bus, 0..{@value #MAX_BUS}
 * @param chipSelect chip select on that bus, 0..{@value #MAX_CHIP_SELECT}
 * @param mode       SPI mode 0..3 (CPOL &lt;&lt; 1 | CPHA)
 * @param maxSpeedHz clock in Hz, &gt; 0
 */
public record SpiSettings(int bus, int chipSelect, int mode, int maxSpeedHz) {
    /** Highest bus number Pi4J's {@code SpiBus} has. */
    public static final int MAX_BUS = 6;
    /** Highest chip select Pi4J's {@code SpiChipSelect} has. */
    public static final int MAX_CHIP_SELECT = 10;

    /** @throws IllegalArgumentException a value out of range (the message names it) */
    public SpiSettings {
        if (bus < 0 || bus > MAX_BUS) {
            throw new IllegalArgumentException("SPI bus " + bus + " out of range 0.." + MAX_BUS);
        }
        if (chipSelect < 0 || chipSelect > MAX_CHIP_SELECT) {
            throw new IllegalArgumentException("SPI chip select " + chipSelect + " out of range 0.." + MAX_CHIP_SELECT);
        }
        if (mode < 0 || mode > 3) {
            throw new IllegalArgumentException("SPI mode " + mode + " out of range 0..3");
        }
        if (maxSpeedHz <= 0) {
            throw new IllegalArgumentException("SPI clock " + maxSpeedHz + " Hz must be > 0");
        }
    }

    /** {@code spi0.1}: the Linux name of the device ({@code /dev/spidev0.1}). */
    public String id() {
        return "spi" + bus + "." + chipSelect;
    }

    @Override
    public String toString() {
        return id() + " mode " + mode + " " + maxSpeedHz + " Hz";
    }
}
