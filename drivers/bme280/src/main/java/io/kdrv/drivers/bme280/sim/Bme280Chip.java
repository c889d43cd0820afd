package io.kdrv.drivers.bme280.sim;

import io.kdrv.board.mock.RegisterChip;
import io.kdrv.drivers.bme280.Bme280Calibration;
import io.kdrv.drivers.bme280.internal.Bme280Compensation;
import io.kdrv.drivers.bme280.internal.Bme280Inverse;
import io.kdrv.drivers.bme280.internal.Bme280Registers;

/**
 * A register model of the Bosch BME280 for the mock board ({@code MockBoard.attach(bus, address, chip)}): chip id,
 * soft reset, trimming registers, control registers and data registers, behaving like the datasheet describes for
 * an I2C master.
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>{@code 0xD0} reads the chip id (0x60, or {@link #chipId(int)} to impersonate another part).</li>
 *   <li>{@code 0x88..0xA1}, {@code 0xE1..0xE7} hold the trimming of the calibration given to the constructor;
 *       they, the id and {@code status} are read-only.</li>
 *   <li>Writing {@code 0xB6} to {@code 0xE0} resets the control registers and the data registers to their reset
 *       values ({@code 0x80000}/{@code 0x8000}, "no measurement"), and counts a reset.</li>
 *   <li>{@code ctrl_hum} takes effect at the next {@code ctrl_meas} write, as on the real chip.</li>
 *   <li>A {@code ctrl_meas} write with mode forced runs a conversion at once (the simulated conversion takes no
 *       time, so {@code status.measuring} always reads 0) and returns to sleep mode; in normal mode the data
 *       registers follow {@link #set} immediately.</li>
 *   <li>Conversions produce the raw ADC values whose compensation with this chip's trimming gives the simulated
 *       temperature, pressure and humidity (found by inverting the datasheet formulas); a disabled measurement
 *       (oversampling 0) reads as skipped. The IIR filter is not modelled.</li>
 * </ul>
 *
 * <p>Thread-safe: every method synchronizes on the chip, like {@link RegisterChip}.
 */
public class Bme280Chip extends RegisterChip {
    /**
     * Trimming used by the no-argument constructor: the datasheet's example values for temperature and pressure,
     * and typical humidity values of a production part.
     */
    public static final Bme280Calibration DEFAULT_CALIBRATION = new Bme280Calibration(27504, 26435, -1000,
            36477, -10685, 3024, 2855, 140, -7, 15500, -14600, 6000,
            75, 362, 0, 313, 50, 30);

    private final Bme280Calibration calibration;
    private int chipId = Bme280Registers.CHIP_ID_BME280;
    private double temperature = 22.5;
    private double pressure = 101_325;
    private double humidity = 45;
    private int adcT;
    private int adcP;
    private int adcH;
    private int latchedOsrsH;
    private long conversions;
    private long resets;

    /** A BME280 with {@link #DEFAULT_CALIBRATION}, reading 22.5 °C, 101325 Pa, 45 %RH. */
    public Bme280Chip() {
        this(DEFAULT_CALIBRATION);
    }

    /** A BME280 with the given trimming, reading 22.5 °C, 101325 Pa, 45 %RH. */
    public Bme280Chip(Bme280Calibration calibration) {
        super("bme280");
        this.calibration = calibration;
        poke(Bme280Registers.CALIB00, calibration.block1());
        poke(Bme280Registers.CALIB26, calibration.block2());
        powerOnReset();
        updateRaw();
    }

    /** The trimming stored in the chip. */
    public Bme280Calibration calibration() {
        return calibration;
    }

    /**
     * Sets the simulated environment. Takes effect at the next conversion (forced mode) or at once (normal mode).
     *
     * @param celsius temperature, -40..85 °C (the sensor's operating range)
     * @param pascal  pressure, 30000..110000 Pa
     * @param percent relative humidity, 0..100 %
     * @throws IllegalArgumentException for a value outside its range, naming it
     */
    public synchronized void set(double celsius, double pascal, double percent) {
        check("temperature", celsius, -40, 85);
        check("pressure", pascal, 30_000, 110_000);
        check("humidity", percent, 0, 100);
        temperature = celsius;
        pressure = pascal;
        humidity = percent;
        updateRaw();
        if (mode() == Bme280Registers.MODE_NORMAL) {
            convert();
        }
    }

    /** Sets the temperature only; see {@link #set}. */
    public synchronized void setTemperature(double celsius) {
        set(celsius, pressure, humidity);
    }

    /** Sets the pressure only; see {@link #set}. */
    public synchronized void setPressure(double pascal) {
        set(temperature, pascal, humidity);
    }

    /** Sets the humidity only; see {@link #set}. */
    public synchronized void setHumidity(double percent) {
        set(temperature, pressure, percent);
    }

    public synchronized double temperature() {
        return temperature;
    }

    public synchronized double pressure() {
        return pressure;
    }

    public synchronized double humidity() {
        return humidity;
    }

    /** Makes register {@code 0xD0} read {@code id}, e.g. 0x58 to impersonate a BMP280. */
    public synchronized void chipId(int id) {
        chipId = id & 0xFF;
    }

    /** Conversions run so far (forced-mode triggers plus normal-mode updates). */
    public synchronized long conversions() {
        return conversions;
    }

    /** Soft resets received so far. */
    public synchronized long resets() {
        return resets;
    }

    /** The current mode bits of {@code ctrl_meas}: 0 sleep, 1 or 2 forced, 3 normal. */
    public synchronized int mode() {
        return peek(Bme280Registers.CTRL_MEAS) & 0b11;
    }

    @Override
    protected int onRead(int reg) {
        if (reg == Bme280Registers.ID) {
            return chipId;
        }
        if (reg == Bme280Registers.RESET) {
            return 0; // write-only command register
        }
        return super.onRead(reg);
    }

    @Override
    protected void onWrite(int reg, int value) {
        switch (reg) {
            case Bme280Registers.RESET -> {
                if (value == Bme280Registers.RESET_WORD) {
                    resets++;
                    powerOnReset();
                }
            }
            case Bme280Registers.CTRL_HUM -> super.onWrite(reg, value & 0x07);
            case Bme280Registers.CTRL_MEAS -> {
                super.onWrite(reg, value);
                latchedOsrsH = peek(Bme280Registers.CTRL_HUM) & 0x07;
                int mode = value & 0b11;
                if (mode == Bme280Registers.MODE_FORCED || mode == 0b10) {
                    convert();
                    super.onWrite(reg, value & ~0b11); // back to sleep when the forced conversion is done
                } else if (mode == Bme280Registers.MODE_NORMAL) {
                    convert();
                }
            }
            case Bme280Registers.CONFIG -> super.onWrite(reg, value);
            default -> {
                // id, trimming, status and data registers are read-only; other addresses are not implemented
            }
        }
    }

    private void powerOnReset() {
        poke(Bme280Registers.CTRL_HUM, 0);
        poke(Bme280Registers.STATUS, 0);
        poke(Bme280Registers.CTRL_MEAS, 0);
        poke(Bme280Registers.CONFIG, 0);
        latchedOsrsH = 0;
        writeData(Bme280Compensation.SKIPPED_20BIT, Bme280Compensation.SKIPPED_20BIT,
                Bme280Compensation.SKIPPED_16BIT);
    }

    /** A conversion with the oversampling currently set: disabled measurements read as skipped. */
    private void convert() {
        int ctrlMeas = peek(Bme280Registers.CTRL_MEAS);
        boolean tOn = (ctrlMeas >> 5 & 0x07) != 0;
        boolean pOn = (ctrlMeas >> 2 & 0x07) != 0;
        boolean hOn = latchedOsrsH != 0;
        writeData(pOn ? adcP : Bme280Compensation.SKIPPED_20BIT,
                tOn ? adcT : Bme280Compensation.SKIPPED_20BIT,
                hOn ? adcH : Bme280Compensation.SKIPPED_16BIT);
        conversions++;
    }

    private void writeData(int p, int t, int h) {
        poke(Bme280Registers.DATA,
                (byte) (p >> 12), (byte) (p >> 4), (byte) ((p & 0x0F) << 4),
                (byte) (t >> 12), (byte) (t >> 4), (byte) ((t & 0x0F) << 4),
                (byte) (h >> 8), (byte) h);
    }

    /** Raw ADC values for the simulated environment; pressure and humidity depend on t_fine. */
    private void updateRaw() {
        adcT = Bme280Inverse.adcT(calibration, temperature);
        int tFine = Bme280Compensation.tFine(calibration, adcT);
        adcP = Bme280Inverse.adcP(calibration, pressure, tFine);
        adcH = Bme280Inverse.adcH(calibration, humidity, tFine);
    }

    private static void check(String what, double v, double min, double max) {
        if (!(v >= min && v <= max)) {
            throw new IllegalArgumentException("bme280 sim: " + what + " " + v + " outside " + min + ".." + max);
        }
    }
}
