package io.kdrv.drivers.dht22.sim;

import io.kdrv.board.mock.LevelChange;
import io.kdrv.board.mock.MockBoard;
import io.kdrv.board.mock.SimLog;
import java.util.List;
import java.util.function.Consumer;

/**
 * A timing model of a DHT22 / AM2302 in the two-line wiring on the mock board: it watches the driver's start
 * output and drives the data input. The data line mirrors the host's pull (low while the start line pulls, like the
 * real wire); on release after a low of at least 0.8 ms (datasheet minimum) the sensor answers: low 80 µs after
 * 30 µs, high 80 µs, then 40 bits (low 50 µs, high 27 µs for 0 or 70 µs for 1; humidity, temperature, checksum,
 * MSB first) and a final 50 µs low. Every edge is injected with its model timestamp ({@link MockBoard#setInputAt}),
 * so the driver decodes the bits from exact pulse widths however loaded the machine is.
 *
 * <pre>{@code
 * Dht22Sim dht = Dht22Sim.attach(mock, 4, 17).set(21.5, 45.2);   // data GPIO 4, start GPIO 17
 * dht.corruptChecksums(1);   // the next answer has a wrong checksum
 * dht.respond(false);        // no answer at all (sensor absent)
 * }</pre>
 *
 * <p>Thread-safe. The data edges are driven on the thread that wrote the start line (the driver's poller).
 */
public final class Dht22Sim {
    /** Datasheet: the host start signal must be low for at least 0.8 ms. */
    public static final long MIN_START_NANOS = 800_000;
    static final long RESPONSE_DELAY = 30_000;
    static final long RESPONSE_LOW = 80_000;
    static final long RESPONSE_HIGH = 80_000;
    static final long BIT_LOW = 50_000;
    static final long ZERO_HIGH = 27_000;
    static final long ONE_HIGH = 70_000;

    private final MockBoard mock;
    private final int dataLine;
    private final int startLine;
    private final boolean startActiveLow;
    private final Consumer<LevelChange> watcher = this::onStart;

    private int rawHumidity = 500;    // guarded by this: 0.1 %RH
    private int rawTemperature = 200; // guarded by this: 0.1 °C, sign-magnitude
    private boolean respond = true;   // guarded by this
    private int corrupt;              // guarded by this: answers still to send with a bad checksum
    private int truncate;             // guarded by this: answers still to cut short
    private long pullStart;           // guarded by this: 0 = not pulling
    private final SimLog<Long> starts = new SimLog<>(); // guarded by this
    private long answers;             // guarded by this

    private Dht22Sim(MockBoard mock, int dataLine, int startLine, boolean startActiveLow) {
        this.mock = mock;
        this.dataLine = dataLine;
        this.startLine = startLine;
        this.startActiveLow = startActiveLow;
    }

    /** A sensor on {@code data} (the driver's input) whose start line {@code start} pulls when LOW (diode wiring). */
    public static Dht22Sim attach(MockBoard mock, int data, int start) {
        return attach(mock, data, start, true);
    }

    /** As {@link #attach(MockBoard, int, int)}; {@code startActiveLow = false}: the start line pulls when HIGH. */
    public static Dht22Sim attach(MockBoard mock, int data, int start, boolean startActiveLow) {
        Dht22Sim sim = new Dht22Sim(mock, data, start, startActiveLow);
        mock.setInput(data, true); // pulled up, idle high
        mock.addOutputWatcher(start, sim.watcher);
        return sim;
    }

    /** Unplugs the sensor and the wire: the data line no longer follows the start line. */
    public void detach() {
        mock.removeOutputWatcher(startLine, watcher);
    }

    /** The values the next answers carry, rounded to the sensor's 0.1 resolution. */
    public synchronized Dht22Sim set(double celsius, double percentRh) {
        int t = (int) Math.round(Math.abs(celsius) * 10);
        rawTemperature = (celsius < 0 ? 0x8000 : 0) | t;
        rawHumidity = (int) Math.round(percentRh * 10);
        return this;
    }

    /** The next {@code n} answers carry a wrong checksum. */
    public synchronized Dht22Sim corruptChecksums(int n) {
        corrupt = n;
        return this;
    }

    /** The next {@code n} answers stop after 20 bits (a sensor losing power mid-frame). */
    public synchronized Dht22Sim truncate(int n) {
        truncate = n;
        return this;
    }

    /** Whether the sensor answers at all (false: absent or unpowered; the wire still mirrors the start pulse). */
    public synchronized Dht22Sim respond(boolean on) {
        respond = on;
        return this;
    }

    /**
     * Timestamps ({@code System.nanoTime}) of the start signals seen (pull begins), oldest first: the last
     * {@value SimLog#DEFAULT_CAPACITY}.
     */
    public synchronized List<Long> starts() {
        return starts.snapshot();
    }

    /** Answers sent. */
    public synchronized long answers() {
        return answers;
    }

    private void onStart(LevelChange c) {
        boolean pulling = c.high() != startActiveLow;
        synchronized (this) {
            if (pulling) {
                if (pullStart == 0) {
                    pullStart = c.timestampNanos();
                    starts.add(pullStart);
                    mock.setInputAt(dataLine, false, pullStart); // the wire follows the host's pull
                }
                return;
            }
            if (pullStart == 0) {
                return;
            }
            long low = c.timestampNanos() - pullStart;
            pullStart = 0;
            long t = c.timestampNanos();
            mock.setInputAt(dataLine, true, t); // released: pulled up
            if (!respond || low < MIN_START_NANOS) {
                return;
            }
            answer(t);
        }
    }

    private void answer(long released) { // caller holds this
        int[] bytes = {rawHumidity >> 8 & 0xFF, rawHumidity & 0xFF, rawTemperature >> 8 & 0xFF,
            rawTemperature & 0xFF, 0};
        bytes[4] = (bytes[0] + bytes[1] + bytes[2] + bytes[3]) & 0xFF;
        if (corrupt > 0) {
            corrupt--;
            bytes[4] ^= 0x01;
        }
        int bits = 40;
        if (truncate > 0) {
            truncate--;
            bits = 20;
        }
        long t = released + RESPONSE_DELAY;
        mock.setInputAt(dataLine, false, t);
        t += RESPONSE_LOW;
        mock.setInputAt(dataLine, true, t);
        t += RESPONSE_HIGH;
        for (int i = 0; i < bits; i++) {
            mock.setInputAt(dataLine, false, t); // bit's low
            t += BIT_LOW;
            mock.setInputAt(dataLine, true, t);
            boolean one = (bytes[i / 8] >> (7 - i % 8) & 1) != 0;
            t += one ? ONE_HIGH : ZERO_HIGH;
        }
        mock.setInputAt(dataLine, false, t); // end of frame: 50 µs low, then released
        t += BIT_LOW;
        mock.setInputAt(dataLine, true, t);
        answers++;
    }
}
