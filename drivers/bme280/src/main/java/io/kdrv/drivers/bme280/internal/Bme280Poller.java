package io.kdrv.drivers.bme280.internal;

import io.kdrv.drivers.bme280.Bme280Calibration;
import io.kdrv.drivers.bme280.Bme280Reading;
import io.kdrv.drivers.bme280.Bme280Sensor;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.PeriodicTimer;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampling loop of one bound BME280, run by its {@code bme280/<device>} kthread, and the state it exposes
 * as a {@link Bme280Sensor}.
 *
 * <p>Each period: (forced mode) start a conversion and sleep for the datasheet's maximum conversion time, then poll
 * {@code status.measuring}; read the 8 data bytes in one burst (so pressure, temperature and humidity belong to one
 * sample) and compensate. A failed sample is counted and logged (first failure and then every 100th, so a
 * disconnected sensor does not flood the log) and the loop keeps its period.
 */
final class Bme280Poller implements Bme280Sensor {
    private static final Logger LOG = LoggerFactory.getLogger(Bme280Poller.class);
    /** Extra time on top of the datasheet maximum before a conversion counts as hung. */
    private static final Duration MEASURE_SLACK = Duration.ofMillis(50);
    private static final long LOG_EVERY_NTH_ERROR = 100;

    private final String device;
    private final Bme280Io io;
    private final Bme280Calibration cal;
    private final Bme280Config config;
    private final Consumer<Bme280Reading> sink;
    private final String threadName;

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
        this.threadName = "bme280/" + device;
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

    /** The kthread function: samples at once, then once per period until stopped. */
    int run() throws InterruptedException {
        PeriodicTimer timer = new PeriodicTimer(config.pollPeriod());
        do {
            sampleOnce();
        } while (timer.waitNextPeriod());
        if (timer.overruns() > 0) {
            LOG.info("{}: {} poll periods overran", threadName, timer.overruns());
        }
        return 0;
    }

    private void sampleOnce() {
        try {
            Optional<Bme280Reading> r = sample();
            if (r.isEmpty()) {
                return; // stopped while waiting for the conversion
            }
            latest = r.get();
            readings = r.get().sequence();
            sink.accept(r.get());
        } catch (IOException e) {
            long n = ++errors; // only this kthread writes
            if (n == 1 || n % LOG_EVERY_NTH_ERROR == 0) {
                LOG.warn("{}: sample failed ({} failures so far): {}", threadName, n, e.getMessage());
            }
        }
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
