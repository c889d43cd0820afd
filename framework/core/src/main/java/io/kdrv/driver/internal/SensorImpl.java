package io.kdrv.driver.internal;

import io.kdrv.driver.Sensor;
import io.kdrv.driver.SensorChannel;
import io.kdrv.driver.SensorInfo;
import io.kdrv.driver.SensorReading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A device's sensor. The latest sample is one immutable array swapped in by the publisher (usually the poller
 * kthread), so readers never see channels of two different samples; the sample count is written after it, so a
 * reader that has seen count n reads sample n or a newer one.
 */
final class SensorImpl implements Sensor {
    private final String device;
    private final List<SensorChannel> channels;
    private final SensorHub hub;
    private volatile List<SensorReading> latest;
    private volatile long samples;             // written under this (publishers may be several threads)
    private volatile boolean closed;
    // Poller statistics, written by the poller kthread only.
    volatile String pollerName;
    volatile Duration period = Duration.ZERO;
    volatile int cpu = -1;
    volatile long overruns;
    volatile long pollErrors;

    SensorImpl(String device, List<SensorChannel> channels, SensorHub hub) {
        this.device = device;
        this.channels = List.copyOf(channels);
        this.hub = hub;
        List<SensorReading> none = new ArrayList<>();
        for (SensorChannel c : this.channels) {
            none.add(new SensorReading(c.name(), Double.NaN, c.unit(), 0, 0));
        }
        this.latest = List.copyOf(none);
    }

    String device() {
        return device;
    }

    void close() {
        closed = true;
    }

    @Override
    public List<SensorChannel> channels() {
        return channels;
    }

    @Override
    public void publish(long timestamp, double... raw) {
        if (raw.length != channels.size()) {
            throw new IllegalArgumentException("device " + device + ": sensor sample has " + raw.length
                    + " values for " + channels.size() + " channels " + channels.stream().map(SensorChannel::name)
                    .toList());
        }
        if (closed) {
            return;
        }
        List<SensorReading> now = new ArrayList<>(raw.length);
        long seq;
        synchronized (this) {
            seq = samples + 1;
            for (int i = 0; i < raw.length; i++) {
                SensorChannel c = channels.get(i);
                now.add(new SensorReading(c.name(), raw[i] * c.scale(), c.unit(), timestamp, seq));
            }
            latest = List.copyOf(now);
            samples = seq; // after latest: a reader that sees this count sees this sample (or a newer one)
        }
        for (SensorReading r : now) { // outside the lock: the sink is Event Admin
            if (Double.isNaN(r.value())) {
                continue;
            }
            Map<String, Object> props = new HashMap<>();
            props.put("device", device);
            props.put("channel", r.channel());
            props.put("value", r.value());
            props.put("unit", r.unit());
            props.put("timestamp", timestamp);
            props.put("sequence", seq);
            hub.post(SensorHub.TOPIC_PREFIX + device, props);
        }
    }

    @Override
    public List<SensorReading> latest() {
        return latest;
    }

    @Override
    public long samples() {
        return samples;
    }

    SensorInfo info() {
        long n = samples; // first: the readings read next are then sample n or newer, never older
        return new SensorInfo(device, latest, n, pollerName, period, cpu, overruns, pollErrors);
    }

    @Override
    public String toString() {
        return "sensor " + device + " " + latest;
    }
}
