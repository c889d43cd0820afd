package io.kdrv.drivers.bme280.internal;

import io.kdrv.drivers.bme280.Bme280Calibration;
import io.kdrv.drivers.bme280.Bme280Reading;
import io.kdrv.drivers.bme280.Bme280Sensor;
import io.kdrv.kthread.Kthread;
import io.kdrv.driver.Sensor;
import io.kdrv.driver.SensorChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One period of a bound BME280's sampling, run by the core's sensor poller kthread {@code sensor/<device>}
 * ({@link io.kdrv.driver.Device#startSensorPoller}), and the state it exposes as a {@link Bme280Sensor}.
 *
 * <p>Each period: (forced mode) start a conversion and sleep for the datasheet's maximum conversion time, then poll
 * {@code status.measuring}; read the 8 data bytes in one burst (so pressure, temperature and humidity belong to one
 * sample) and compensate, then publish the sample to the device's sensor channels (temperature °C, pressure Pa,
 * humidity %RH) and to the driver's own event. A failed sample is counted here and rethrown: the core poller logs
 * it (first failure and then every 100th) and keeps its period.
 */
final class Bme280Poller implements Bme280Sensor {
    /** Extra time on top of the datasheet maximum before a conversion counts as hung. */
    private static final Duration MEASURE_SLACK = Duration.ofMillis(50);

    private final String device;
    private final Bme280Io io;
    private final Bme280Calibration cal;
    private final Bme280Config config;
    private final Consumer<Bme280Reading> sink;
    private volatile String threadName;

    private volatile Bme280Reading latest;
    private volatile long readings;
    private volatile long errors;

    Bme280Poller(String device, Bme280Io io, Bme280Calibration cal, Bme280Config config,
            Consumer<Bme280Reading> sink) {
        this.device = device;
        this.io = io;
        this.cal = cal;
        this.config = config;
        this.sink = sink;
        this.threadName = "sensor/" + device;
    }

    /** Writes the measurement configuration; in normal mode this also starts continuous conversions. */
    void configure() throws IOException {
        // config is only reliably written in sleep mode; ctrl_hum takes effect at the next ctrl_meas write.
        io.write(Bme280Registers.CTRL_MEAS, config.ctrlMeas(Bme280Registers.MODE_SLEEP));
        io.write(Bme280Registers.CONFIG, config.config());
        io.write(Bme280Registers.CTRL_HUM, config.ctrlHum());
        io.write(Bme280Registers.CTRL_MEAS,
                config.ctrlMeas(config.forced() ? Bme280Registers.MODE_SLEEP : Bme280Registers.MODE_NORMAL));
    }

    /** Puts the chip to sleep (lowest power) when the device is removed. */
    void sleep() throws IOException {
        io.write(Bme280Registers.CTRL_MEAS, config.ctrlMeas(Bme280Registers.MODE_SLEEP));
    }

    /** The device's sensor channels, in the order {@link #poll} publishes them. */
    static final SensorChannel[] CHANNELS = {
        SensorChannel.of("temperature", "°C"), SensorChannel.of("pressure", "Pa"), SensorChannel.of("humidity", "%RH")};

    /** One poll period ({@link io.kdrv.driver.SensorPoll}): sample, publish; a failure is counted and rethrown. */
    void poll(Sensor sensor) throws IOException {
        Optional<Bme280Reading> r;
        try {
            r = sample();
        } catch (IOException e) {
            ++errors; // only the poller kthread writes
            throw e;
        }
        if (r.isEmpty()) {
            return; // stopped while waiting for the conversion
        }
        Bme280Reading reading = r.get();
        latest = reading;
        readings = reading.sequence();
        sensor.publish(reading.timestamp(), reading.temperature(), reading.pressure(), reading.humidity());
        sink.accept(reading);
    }

    /** One sample; empty when the kthread was asked to stop while a forced conversion was running. */
    Optional<Bme280Reading> sample() throws IOException {
        if (config.forced() && !forcedConversion()) {
            return Optional.empty();
        }
        int[] raw = Bme280Compensation.rawValues(io.read(Bme280Registers.DATA, Bme280Registers.DATA_LENGTH));
        int adcP = raw[0];
        int adcT = raw[1];
        int adcH = raw[2];
        if (adcT == Bme280Compensation.SKIPPED_20BIT) {
            throw new IOException(io.where() + ": temperature reads as skipped (0x80000): no conversion has run yet");
        }
        int tFine = Bme280Compensation.tFine(cal, adcT);
        double t = Bme280Compensation.temperatureCenti(tFine) / 100.0;
        double p = config.osrsP() == 0 || adcP == Bme280Compensation.SKIPPED_20BIT ? Double.NaN
                : Bme280Compensation.pressureQ24_8(cal, adcP, tFine) / 256.0;
        double h = config.osrsH() == 0 || adcH == Bme280Compensation.SKIPPED_16BIT ? Double.NaN
                : Bme280Compensation.humidityQ22_10(cal, adcH, tFine) / 1024.0;
        return Optional.of(new Bme280Reading(device, t, p, h, System.currentTimeMillis(), readings + 1));
    }

    /** Starts a forced conversion and waits for it; false if the kthread should stop meanwhile. */
    private boolean forcedConversion() throws IOException {
        io.write(Bme280Registers.CTRL_MEAS, config.ctrlMeas(Bme280Registers.MODE_FORCED));
        // The measuring bit is not guaranteed to be set right after the write, so first sleep the datasheet's
        // maximum conversion time, then confirm with the status register.
        Duration max = config.maxMeasurement();
        long deadline = System.nanoTime() + max.plus(MEASURE_SLACK).toNanos();
        Kthread.sleep(max);
        while ((io.read(Bme280Registers.STATUS) & Bme280Registers.STATUS_MEASURING) != 0) {
            if (Kthread.shouldStop()) {
                return false;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(io.where() + ": conversion still running " + max.plus(MEASURE_SLACK).toMillis()
                        + " ms after start");
            }
            Kthread.sleep(Duration.ofMillis(1));
        }
        return !Kthread.shouldStop();
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public Optional<Bme280Reading> latest() {
        return Optional.ofNullable(latest);
    }

    @Override
    public long readings() {
        return readings;
    }

    @Override
    public long errors() {
        return errors;
    }

    @Override
    public String threadName() {
        return threadName;
    }

    @Override
    public String toString() {
        return "bme280 " + device + " (" + readings + " readings, " + errors + " errors)";
    }
}
