package io.kdrv.drivers.ads1115.internal;

import io.kdrv.driver.IrqEvent;
import io.kdrv.driver.Sensor;
import io.kdrv.driver.SensorChannel;
import io.kdrv.drivers.ads1115.Ads1115Reading;
import io.kdrv.drivers.ads1115.Ads1115Sensor;
import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One period of a bound ADS1115's sampling, run by the core's sensor poller kthread {@code sensor/<device>}
 * ({@link io.kdrv.driver.Device#startSensorPoller}), and the state it exposes as an {@link Ads1115Sensor}.
 *
 * <p>Each period, for each channel in order: write the config word (OS = 1 starts one single-shot conversion with
 * that channel's mux), wait for the end of the conversion, read the conversion register. The wait is bounded
 * ({@link Ads1115Config#conversionTimeout()}): with {@code ready-gpios} it waits for the ALERT/RDY interrupt
 * (the IRQ kthread completes {@link #ready}) and confirms with the OS bit; otherwise it sleeps the nominal
 * conversion time and then polls the OS bit every millisecond. Each sample is published to the device's sensor
 * channels (one per converted input, in volts) and to the driver's own event. A failed sample is counted here and
 * rethrown: the core poller logs it (first, then every 100th) and keeps its period.
 */
final class Ads1115Poller implements Ads1115Sensor {
    private final String device;
    private final Ads1115Io io;
    private final Ads1115Config config;
    private final Consumer<Ads1115Reading> sink;
    private final String threadName;
    private final String readyLine; // "GPIO 23" or null
    /** Completed by the ALERT/RDY bottom half; re-initialised before each conversion so a stale edge is dropped. */
    private final Completion ready = new Completion();
    private final AtomicLong readyInterrupts = new AtomicLong();

    private volatile Ads1115Reading latest;
    private volatile long readings;
    private volatile long errors;

    /** @param readyGpio the ALERT/RDY line as the board file names it ("23", "expander0:3"), or null */
    Ads1115Poller(String device, Ads1115Io io, Ads1115Config config, String readyGpio,
            Consumer<Ads1115Reading> sink) {
        this.device = device;
        this.io = io;
        this.config = config;
        this.sink = sink;
        this.threadName = "sensor/" + device;
        this.readyLine = readyGpio == null ? null : "GPIO " + readyGpio;
    }

    /**
     * Probe-time set-up and presence check: sets the threshold registers (conversion-ready thresholds with
     * {@code ready-gpios}, else the power-on values) and reads them back. The ADS1115 has no id register; the
     * read-back tells it from an absent chip and from the 12-bit ADS1015, whose threshold registers drop the low
     * four bits.
     */
    void configure() throws IOException {
        int lo = config.readyIrq() ? Ads1115Registers.LO_THRESH_READY : Ads1115Registers.LO_THRESH_DEFAULT;
        int hi = config.readyIrq() ? Ads1115Registers.HI_THRESH_READY : Ads1115Registers.HI_THRESH_DEFAULT;
        io.write(Ads1115Registers.LO_THRESH, lo);
        io.write(Ads1115Registers.HI_THRESH, hi);
        int hiBack = io.read(Ads1115Registers.HI_THRESH);
        int loBack = io.read(Ads1115Registers.LO_THRESH);
        if (hiBack != hi || loBack != lo) {
            boolean ads1015 = (hiBack == (hi & 0xFFF0)) && (loBack == (lo & 0xFFF0));
            throw new IOException(io.where() + ": threshold registers read back lo " + Ads1115Io.hex4(loBack) + " hi "
                    + Ads1115Io.hex4(hiBack) + " after writing " + Ads1115Io.hex4(lo) + " / " + Ads1115Io.hex4(hi)
                    + (ads1015 ? "; low 4 bits dropped: this looks like a 12-bit ADS1015, not an ADS1115"
                            : ": not an ADS1115"));
        }
        // Leave the chip powered down in single-shot mode until the first poll.
        io.write(Ads1115Registers.CONFIG, Ads1115Registers.CONFIG_DEFAULT & ~Ads1115Registers.OS);
    }

    /** ALERT/RDY bottom half, on the IRQ kthread: a falling edge is the end of a conversion. */
    void onReady(IrqEvent event) {
        readyInterrupts.incrementAndGet();
        ready.complete();
    }

    /** The device's sensor channels: one per converted input, named after it ({@code ain0}, {@code ain0-ain1}), in V. */
    SensorChannel[] channels() {
        return config.channels().stream().map(c -> SensorChannel.of(c, "V")).toArray(SensorChannel[]::new);
    }

    /** One poll period ({@link io.kdrv.driver.SensorPoll}): sample, publish; a failure is counted and rethrown. */
    void poll(Sensor sensor) throws IOException {
        Optional<Ads1115Reading> r;
        try {
            r = sample();
        } catch (IOException e) {
            ++errors; // only the poller kthread writes
            throw e;
        }
        if (r.isEmpty()) {
            return; // stopped while a conversion was running
        }
        Ads1115Reading reading = r.get();
        latest = reading;
        readings = reading.sequence();
        sensor.publish(reading.timestamp(), reading.volts().stream().mapToDouble(Double::doubleValue).toArray());
        sink.accept(reading);
    }

    /** One reading of every channel; empty when the kthread was asked to stop meanwhile. */
    Optional<Ads1115Reading> sample() throws IOException {
        List<Double> volts = new ArrayList<>(config.channels().size());
        for (String channel : config.channels()) {
            ready.reinit();
            io.write(Ads1115Registers.CONFIG, config.startConversion(channel));
            if (!awaitConversion(channel)) {
                return Optional.empty();
            }
            volts.add(Ads1115Registers.volts(io.read(Ads1115Registers.CONVERSION), config.fullScale()));
        }
        return Optional.of(new Ads1115Reading(device, config.channels(), volts, config.fullScale(),
                System.currentTimeMillis(), readings + 1));
    }

    /** Bounded wait for the end of the conversion just started; false if the kthread should stop. */
    private boolean awaitConversion(String channel) throws IOException {
        Duration timeout = config.conversionTimeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        if (readyLine != null) {
            boolean edge = ready.waitForCompletionTimeout(timeout);
            if (Kthread.shouldStop()) {
                return false;
            }
            // The OS bit has the last word: an edge left over from an earlier timed-out conversion must not end
            // this one, and a finished conversion whose edge is late (a loaded machine) need not fail.
            if (conversionDone()) {
                return true;
            }
            if (!edge) {
                throw new IOException(io.where() + ": channel " + channel + ": no conversion-ready edge on "
                        + readyLine + " (ALERT/RDY) within " + timeout.toMillis() + " ms and config OS bit still 0");
            }
        } else {
            Kthread.sleep(Ads1115Registers.conversionTime(config.sps()));
        }
        while (!conversionDone()) {
            if (Kthread.shouldStop()) {
                return false;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(io.where() + ": channel " + channel + ": conversion not done (config OS bit"
                        + " still 0) " + timeout.toMillis() + " ms after start");
            }
            Kthread.sleep(Duration.ofMillis(1));
        }
        return !Kthread.shouldStop();
    }

    /** Config bit OS reads 1 when no conversion is running. */
    private boolean conversionDone() throws IOException {
        return (io.read(Ads1115Registers.CONFIG) & Ads1115Registers.OS) != 0;
    }

    /** On remove: nothing runs in single-shot mode between conversions; restore the power-on thresholds. */
    void idle() throws IOException {
        io.write(Ads1115Registers.LO_THRESH, Ads1115Registers.LO_THRESH_DEFAULT);
        io.write(Ads1115Registers.HI_THRESH, Ads1115Registers.HI_THRESH_DEFAULT);
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public Optional<Ads1115Reading> latest() {
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
    public long readyInterrupts() {
        return readyInterrupts.get();
    }

    @Override
    public String threadName() {
        return threadName;
    }

    @Override
    public String toString() {
        return "ads1115 " + device + " (" + readings + " readings, " + errors + " errors, " + readyInterrupts()
                + " ready interrupts)";
    }
}
