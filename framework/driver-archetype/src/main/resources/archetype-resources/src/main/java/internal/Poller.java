package ${package}.internal;

import ${package}.TemperatureSensor;
import com.pi4j.io.i2c.I2C;
import io.kdrv.kthread.PeriodicTimer;
import java.time.Duration;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poller of one device. {@link #run} is the body of its kthread, the only writer; the getters are read from
 * any thread.
 */
final class Poller implements TemperatureSensor {
    private static final Logger LOG = LoggerFactory.getLogger(Poller.class);
    private static final int LOG_EVERY_NTH_ERROR = 100;

    private final String device;
    private final String where;
    private final I2C i2c;
    private final Duration period;
    private volatile OptionalDouble celsius = OptionalDouble.empty();
    private volatile long readings;
    private volatile long errors;

    Poller(String device, String where, I2C i2c, Duration period) {
        this.device = device;
        this.where = where;
        this.i2c = i2c;
        this.period = period;
    }

    /** The kthread function: one sample at once, then one per period (absolute deadlines) until stopped. */
    int run() throws InterruptedException {
        PeriodicTimer timer = new PeriodicTimer(period);
        do {
            sampleOnce();
        } while (timer.waitNextPeriod());
        return 0;
    }

    private void sampleOnce() {
        try {
            byte[] raw = new byte[2];
            int n = i2c.readRegister(Registers.TEMP, raw, 0, raw.length);
            if (n != raw.length) {
                throw new IllegalStateException("reading TEMP returned " + n + " bytes");
            }
            int value = (raw[0] & 0xFF) << 8 | raw[1] & 0xFF;
            if (value == Registers.NO_CONVERSION) {
                throw new IllegalStateException("TEMP reads 0x8000: no conversion yet");
            }
            celsius = OptionalDouble.of((short) value * Registers.LSB_CELSIUS);
            readings++;
        } catch (RuntimeException e) { // Pi4J reports I2C failures as unchecked exceptions
            long count = ++errors;
            if (count == 1 || count % LOG_EVERY_NTH_ERROR == 0) {
                LOG.warn("{}: sample failed ({} so far): {}", where, count, e.getMessage());
            }
        }
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public OptionalDouble celsius() {
        return celsius;
    }

    @Override
    public long readings() {
        return readings;
    }

    @Override
    public long errors() {
        return errors;
    }
}
