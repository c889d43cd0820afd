package io.kdrv.drivers.ds18b20.internal;

import io.kdrv.driver.Sensor;
import io.kdrv.driver.SensorChannel;
import io.kdrv.driver.W1Slave;
import io.kdrv.drivers.ds18b20.Ds18b20Scratchpad;
import io.kdrv.drivers.ds18b20.Ds18b20Sensor;
import java.io.IOException;
import java.util.OptionalDouble;

/**
 * One poll of a bound DS18B20, run by the core's sensor poller kthread {@code sensor/<device>}: CONVERT T, sleep
 * the conversion time of the resolution, READ SCRATCHPAD and check it.
 *
 * <p>A scratchpad whose CRC does not match is read again (the conversion result stays in the scratchpad); one
 * that holds the 85 °C power-on value (the sensor reset, e.g. a parasite-powered one without a strong pull-up, or
 * the conversion never ran) gets a new conversion. Both are counted; after {@code crc-retries} extra attempts the
 * poll fails with the last problem, naming device and w1 id, and the core counts the failed poll. A genuine
 * reading of exactly 85.0000 °C cannot be told apart from the power-on value and is treated the same.
 */
final class Ds18b20Poller implements Ds18b20Sensor {
    /** The one channel: raw register counts of 1/16 °C, scaled to °C by the core. */
    static final SensorChannel TEMPERATURE = new SensorChannel("temperature", "°C", 0.0625);

    private final String device;
    private final String w1Id;
    private final Ds18b20Io io;
    private final Ds18b20Config config;

    // Written only by the poller kthread; volatile for the getters.
    private volatile double latest = Double.NaN;
    private volatile long readings;
    private volatile long crcErrors;
    private volatile long powerOn;
    private volatile long failures;

    Ds18b20Poller(String device, String w1Id, Ds18b20Io io, Ds18b20Config config) {
        this.device = device;
        this.w1Id = w1Id;
        this.io = io;
        this.config = config;
    }

    /** A scratchpad with a valid CRC, re-read up to {@code retries} times (counted). */
    Ds18b20Scratchpad readChecked(int retries) throws IOException {
        Ds18b20Scratchpad pad = null;
        for (int attempt = 0; attempt <= retries; attempt++) {
            pad = io.readScratchpad();
            if (pad.stuck()) {
                throw new IOException(io.where() + ": scratchpad reads all " + (pad.bytes()[0] == 0 ? "0s (bus held "
                        + "low: short circuit?)" : "1s (the sensor does not answer: unplugged, or no 4.7 kOhm pull-up "
                        + "on DQ?)") + ": " + pad);
            }
            if (pad.crcValid()) {
                return pad;
            }
            crcErrors++;
        }
        throw new IOException(io.where() + ": scratchpad CRC mismatch on " + (retries + 1) + " reads (noise on a "
                + "long wire? weak pull-up?); last " + pad + ", CRC-8 of bytes 0..7 is "
                + String.format("0x%02x", W1Slave.crc8(pad.bytes(), 0, 8)));
    }

    /** {@link io.kdrv.driver.SensorPoll}: one reading, published; a failure is counted and rethrown. */
    void poll(Sensor sensor) throws IOException {
        try {
            for (int attempt = 0; attempt <= config.retries(); attempt++) {
                if (io.raw()) {
                    io.convert();
                    if (!Ds18b20Io.awaitConversion(config.resolution())) {
                        return; // stopped while converting
                    }
                }
                Ds18b20Scratchpad pad = readChecked(config.retries());
                if (pad.powerOnValue()) {
                    powerOn++;
                    continue;
                }
                int raw = pad.rawTemperature();
                // (double): an int would bind to publish(long timestamp, double...) with no values.
                sensor.publish((double) raw);
                latest = raw / 16.0; // after the core has it: whoever sees latest() sees the channel too
                readings++;
                return;
            }
            throw new IOException(io.where() + ": reads the 85 °C power-on value after " + (config.retries() + 1)
                    + " conversions: the conversion does not run (power supply? a parasite-powered sensor needs a "
                    + "strong pull-up)");
        } catch (IOException | RuntimeException e) {
            failures++;
            throw e;
        }
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public String w1Id() {
        return w1Id;
    }

    @Override
    public int resolution() {
        return config.resolution();
    }

    @Override
    public OptionalDouble latest() {
        double t = latest;
        return Double.isNaN(t) ? OptionalDouble.empty() : OptionalDouble.of(t);
    }

    @Override
    public long readings() {
        return readings;
    }

    @Override
    public long crcErrors() {
        return crcErrors;
    }

    @Override
    public long powerOnReadings() {
        return powerOn;
    }

    @Override
    public long failures() {
        return failures;
    }

    @Override
    public String toString() {
        return "ds18b20 " + device + " " + w1Id + " (" + readings + " readings, " + crcErrors + " CRC errors, "
                + powerOn + " power-on values, " + failures + " failures)";
    }
}
