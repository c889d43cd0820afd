package io.kdrv.drivers.dht22.internal;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.driver.IrqEvent;
import io.kdrv.drivers.dht22.Dht22Events;
import io.kdrv.drivers.dht22.Dht22Reading;
import io.kdrv.drivers.dht22.Dht22Sensor;
import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One bound DHT22: the reading loop of its {@code dht22/<device>} kthread and the data line's IRQ bottom half.
 *
 * <p>An attempt: wait until at least {@link #MIN_INTERVAL} after the previous start signal (datasheet: the sensor
 * needs 2 s between reads), arm the edge recorder, pull the data line low through the start line for
 * {@link #START_LOW}, release it, and wait on a {@link Completion} for the 43rd falling edge (a whole exchange) or
 * {@code timeout-ms}. The recorded edges are then decoded from their IRQ timestamps alone ({@link Dht22Frame}),
 * so nothing busy-waits and scheduling delays of the bottom half do not matter. A checksum error or a timeout is
 * counted and retried after a backoff of {@code retry-ms} doubled per retry (never sooner than 2 s), up to
 * {@code retries} times; then the reading is reported failed and the next period tries again.
 *
 * <p>The recorder (fields {@code armed}, {@code rising}, {@code stamps}, {@code n}, {@code falls}) is guarded by
 * {@code this}; counters are written by the poller alone.
 */
final class Dht22Reader implements Dht22Sensor {
    private static final Logger LOG = LoggerFactory.getLogger(Dht22Reader.class);
    /** Datasheet: at least 2 s between two start signals. */
    static final Duration MIN_INTERVAL = Duration.ofSeconds(2);
    /** Datasheet: host start signal low for at least 1 ms (typ. 1 ms, at most 20 ms); a sleep overshoots, never undershoots. */
    static final Duration START_LOW = Duration.ofNanos(1_100_000);
    /** More than a whole exchange (86 edges); the rest of a noisy line is ignored. */
    private static final int MAX_EDGES = 128;
    private static final long LOG_EVERY_NTH_ERROR = 100;

    private final String device;
    private final String dataLine;  // line names as the board file writes them ("17", "expander0:3")
    private final String startLine;
    private final DigitalOutput start;
    private final DigitalState pull;
    private final DigitalState release;
    private final Duration period;
    private final Duration timeout;
    private final int retries;
    private final Duration retryBackoff;
    private final Consumer<Map<String, Object>> sink;
    private final Completion frameDone = new Completion();

    private boolean armed;                                // guarded by this
    private final boolean[] rising = new boolean[MAX_EDGES]; // guarded by this
    private final long[] stamps = new long[MAX_EDGES];    // guarded by this
    private int n;                                        // guarded by this
    private int falls;                                    // guarded by this
    private long armedNanos;                              // guarded by this

    private long lastStartNanos;                          // poller only
    private boolean started;                              // poller only
    private volatile Dht22Reading latest;
    private volatile String lastError;
    private volatile boolean failed;
    private volatile long attempts;
    private volatile long checksumErrors;
    private volatile long timeouts;
    private volatile long failures;
    private volatile long readings;

    Dht22Reader(String device, String dataLine, String startLine, DigitalOutput start, boolean startActiveLow,
            Duration period, Duration timeout, int retries, Duration retryBackoff, Consumer<Map<String, Object>> sink) {
        this.device = device;
        this.dataLine = dataLine;
        this.startLine = startLine;
        this.start = start;
        this.pull = startActiveLow ? DigitalState.LOW : DigitalState.HIGH;
        this.release = startActiveLow ? DigitalState.HIGH : DigitalState.LOW;
        this.period = period;
        this.timeout = timeout;
        this.retries = retries;
        this.retryBackoff = retryBackoff;
        this.sink = sink;
    }

    /** Poller kthread body: one reading at once, then one per period (absolute deadlines). */
    int run() {
        long next = System.nanoTime();
        while (!Kthread.shouldStop()) {
            readOnce();
            next += period.toNanos();
            sleepUntil(next);
        }
        return 0;
    }

    /** Bottom half of the data line's IRQ, on kthread {@code irq/<data>-<device>}. */
    void onEdge(IrqEvent e) {
        boolean complete = false;
        synchronized (this) {
            if (!armed || n == MAX_EDGES || e.timestampNanos() < armedNanos) {
                return; // between reads, a late edge of the previous attempt, or a noisy line: not this exchange
            }
            rising[n] = e.rising();
            stamps[n] = e.timestampNanos();
            n++;
            if (!e.rising() && ++falls == Dht22Frame.FALLING_EDGES) {
                complete = true;
            }
        }
        if (complete) {
            frameDone.complete();
        }
    }

    private void readOnce() {
        long seq = ++readings; // single writer: the poller
        String why = null;
        for (int attempt = 1; attempt <= retries + 1; attempt++) {
            if (attempt > 1) {
                // Backoff: retry-ms, doubled per retry; the 2 s minimum is applied in attempt().
                sleepUntil(lastStartNanos + (retryBackoff.toNanos() << Math.min(attempt - 2, 16)));
            }
            if (Kthread.shouldStop()) {
                return;
            }
            Dht22Frame.Result r = attempt();
            if (Kthread.shouldStop()) {
                return; // removed while waiting: not a failed reading
            }
            if (r.kind() == Dht22Frame.Kind.OK) {
                Dht22Reading reading = new Dht22Reading(device, r.temperature(), r.humidity(), attempt,
                        lastStartNanos, seq);
                latest = reading;
                failed = false;
                publish(seq, attempt, r.temperature(), r.humidity(), null);
                return;
            }
            why = "dht22 " + device + ": " + switch (r.kind()) {
                case CHECKSUM -> "checksum error";
                case NO_RESPONSE -> "no response on data GPIO " + dataLine + " to the start signal on GPIO "
                        + startLine + " (sensor absent or unpowered?)";
                default -> "incomplete response on data GPIO " + dataLine + " within " + timeout.toMillis() + " ms";
            } + ": " + r.detail() + " (attempt " + attempt + " of " + (retries + 1) + ")";
            if (r.kind() == Dht22Frame.Kind.CHECKSUM) {
                checksumErrors++;
            } else {
                timeouts++;
            }
            lastError = why;
            long errors = checksumErrors + timeouts;
            if (errors == 1 || errors % LOG_EVERY_NTH_ERROR == 0) {
                LOG.warn("{} ({} failed attempts so far)", why, errors);
            }
        }
        failures++;
        failed = true;
        publish(seq, retries + 1, Double.NaN, Double.NaN, why);
    }

    /** One start signal and the wait for its response; returns early on kthread stop. */
    private Dht22Frame.Result attempt() {
        if (started) {
            sleepUntil(lastStartNanos + MIN_INTERVAL.toNanos());
        }
        frameDone.reinit();
        synchronized (this) {
            armed = true;
            armedNanos = System.nanoTime();
            n = 0;
            falls = 0;
        }
        attempts++;
        started = true;
        lastStartNanos = System.nanoTime();
        start.state(pull);
        Kthread.sleep(START_LOW);
        start.state(release);
        frameDone.waitForCompletionTimeout(timeout);
        boolean[] r;
        long[] s;
        int count;
        synchronized (this) {
            armed = false;
            count = n;
            r = rising.clone();
            s = stamps.clone();
        }
        return Dht22Frame.decode(r, s, count);
    }

    /** Sleeps until {@code deadline} (System.nanoTime), returning early when the kthread is stopped. */
    private static void sleepUntil(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0 && !Kthread.shouldStop();
                left = deadline - System.nanoTime()) {
            Kthread.sleep(Duration.ofNanos(left));
        }
    }

    private void publish(long seq, int attemptsTaken, double t, double rh, String error) {
        Map<String, Object> props = new HashMap<>();
        props.put(Dht22Events.DEVICE, device);
        props.put(Dht22Events.TEMPERATURE, t);
        props.put(Dht22Events.HUMIDITY, rh);
        props.put(Dht22Events.ATTEMPTS, attemptsTaken);
        props.put(Dht22Events.TIMESTAMP, System.currentTimeMillis() - (System.nanoTime() - lastStartNanos) / 1_000_000);
        props.put(Dht22Events.SEQUENCE, seq);
        if (error != null) {
            props.put(Dht22Events.ERROR, error);
        }
        sink.accept(props);
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public Optional<Dht22Reading> latest() {
        return Optional.ofNullable(latest);
    }

    @Override
    public boolean failed() {
        return failed;
    }

    @Override
    public Optional<String> lastError() {
        return Optional.ofNullable(lastError);
    }

    @Override
    public long attempts() {
        return attempts;
    }

    @Override
    public long checksumErrors() {
        return checksumErrors;
    }

    @Override
    public long timeouts() {
        return timeouts;
    }

    @Override
    public long failures() {
        return failures;
    }

    @Override
    public String toString() {
        return "dht22 " + device + " (data GPIO " + dataLine + ", start GPIO " + startLine + ", " + attempts
                + " attempts, " + checksumErrors + " checksum errors, " + timeouts + " timeouts)";
    }
}
