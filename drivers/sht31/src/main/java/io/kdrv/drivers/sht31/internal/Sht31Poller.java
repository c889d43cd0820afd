package io.kdrv.drivers.sht31.internal;

import io.kdrv.drivers.sht31.Sht31Reading;
import io.kdrv.drivers.sht31.Sht31Sensor;
import io.kdrv.driver.Sensor;
import io.kdrv.driver.SensorChannel;
import io.kdrv.kthread.Kthread;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One period of a bound SHT31's sampling, run by the core's sensor poller kthread {@code sensor/<device>}
 * ({@link io.kdrv.driver.Device#startSensorPoller}), and the state it exposes as an {@link Sht31Sensor}.
 *
 * <p>Each period: single-shot mode sends the measurement command (clock stretching off), sleeps the datasheet's
 * maximum measurement time and reads temperature and humidity (two CRC-protected words); periodic mode sends Fetch
 * Data and reads the latest measurement. A CRC mismatch is counted and the exchange is retried up to
 * {@code crc-retries} times; a sample that still fails is counted here and rethrown: the core poller logs it
 * (first, then every 100th) and keeps its period. A sample is published to the device's sensor channels
 * (temperature °C, humidity %RH) and to the driver's own event.
 */
final class Sht31Poller implements Sht31Sensor {
    private static final Logger LOG = LoggerFactory.getLogger(Sht31Poller.class);

    /** The device's sensor channels, in the order {@link #poll} publishes them. */
    static final SensorChannel[] CHANNELS = {SensorChannel.of("temperature", "°C"), SensorChannel.of("humidity", "%RH")};

    private final String device;
    private final Sht31Io io;
    private final Sht31Config config;
    private final Consumer<Sht31Reading> sink;
    private final String threadName;

    private volatile Sht31Reading latest;
    private volatile long readings;
    private volatile long errors;
    private final AtomicLong crcErrors = new AtomicLong(); // poller and readStatus callers
    private volatile boolean heater;

    Sht31Poller(String device, Sht31Io io, Sht31Config config, Consumer<Sht31Reading> sink) {
        this.device = device;
        this.io = io;
        this.config = config;
        this.sink = sink;
        this.threadName = "sensor/" + device;
    }

    /**
     * Probe-time set-up: soft reset, status read (a CRC-checked answer proves an SHT3x is talking), clear status,
     * heater, and in periodic mode the start of periodic measurements.
     */
    void start(Duration resetTime) throws IOException {
        io.lock().lock();
        try {
            io.command(Sht31Commands.BREAK); // a chip left in periodic mode ignores soft reset
            Kthread.sleep(Duration.ofMillis(1));
            io.command(Sht31Commands.SOFT_RESET);
            Kthread.sleep(resetTime);
            io.command(Sht31Commands.READ_STATUS);
            io.readWords(Sht31Commands.READ_STATUS, 1);
            io.command(Sht31Commands.CLEAR_STATUS);
            io.command(config.heater() ? Sht31Commands.HEATER_ON : Sht31Commands.HEATER_OFF);
            heater = config.heater();
            if (config.periodic()) {
                io.command(config.startCommand());
            }
        } finally {
            io.lock().unlock();
        }
    }

    /** On remove: stop periodic measurements and switch the heater off, leaving the chip idle at lowest power. */
    void idle() throws IOException {
        io.lock().lock();
        try {
            if (config.periodic()) {
                io.command(Sht31Commands.BREAK);
                Kthread.sleep(Duration.ofMillis(1));
            }
            io.command(Sht31Commands.HEATER_OFF);
            heater = false;
        } finally {
            io.lock().unlock();
        }
    }

    /** One poll period ({@link io.kdrv.driver.SensorPoll}): sample, publish; a failure is counted and rethrown. */
    void poll(Sensor sensor) throws IOException {
        Optional<Sht31Reading> r;
        try {
            r = sampleWithRetries();
        } catch (IOException e) {
            ++errors; // only the poller kthread writes
            throw e;
        }
        if (r.isEmpty()) {
            return; // stopped while a measurement was running
        }
        Sht31Reading reading = r.get();
        latest = reading;
        readings = reading.sequence();
        sensor.publish(reading.timestamp(), reading.temperature(), reading.humidity());
        sink.accept(reading);
    }

    /** One sample, retried after CRC mismatches; empty when stopped while a measurement was running. */
    Optional<Sht31Reading> sampleWithRetries() throws IOException {
        for (int attempt = 0;; attempt++) {
            try {
                return sample();
            } catch (Sht31Io.CrcException e) {
                crcErrors.incrementAndGet();
                if (attempt >= config.retries()) {
                    throw new IOException(e.getMessage() + " (" + (attempt + 1) + " attempts)", e);
                }
                LOG.debug("{}: {}; retrying", threadName, e.getMessage());
            }
        }
    }

    private Optional<Sht31Reading> sample() throws IOException {
        int command = config.periodic() ? Sht31Commands.FETCH : config.startCommand();
        int[] words;
        io.lock().lock();
        try {
            io.command(command);
            if (!config.periodic()) {
                // Clock stretching is off: reading before the measurement is done would be NACKed.
                Kthread.sleep(config.maxMeasurement());
                if (Kthread.shouldStop()) {
                    return Optional.empty();
                }
            }
            words = io.readWords(command, 2);
        } finally {
            io.lock().unlock();
        }
        return Optional.of(new Sht31Reading(device, Sht31Reading.celsius(words[0]), Sht31Reading.percentRh(words[1]),
                words[0], words[1], System.currentTimeMillis(), readings + 1));
    }

    @Override
    public void setHeater(boolean on) throws IOException {
        io.lock().lock();
        try {
            io.command(on ? Sht31Commands.HEATER_ON : Sht31Commands.HEATER_OFF);
            heater = on;
        } finally {
            io.lock().unlock();
        }
    }

    @Override
    public int readStatus() throws IOException {
        io.lock().lock();
        try {
            io.command(Sht31Commands.READ_STATUS);
            try {
                return io.readWords(Sht31Commands.READ_STATUS, 1)[0];
            } catch (Sht31Io.CrcException e) {
                crcErrors.incrementAndGet();
                throw e;
            }
        } finally {
            io.lock().unlock();
        }
    }

    @Override
    public boolean heater() {
        return heater;
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public Optional<Sht31Reading> latest() {
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
    public long crcErrors() {
        return crcErrors.get();
    }

    @Override
    public String threadName() {
        return threadName;
    }

    @Override
    public String toString() {
        return "sht31 " + device + " (" + readings + " readings, " + errors + " errors, " + crcErrors.get() + " CRC errors)";
    }
}
