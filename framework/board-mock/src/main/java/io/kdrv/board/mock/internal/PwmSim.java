package io.kdrv.board.mock.internal;

import io.kdrv.board.mock.PwmChange;
import io.kdrv.board.mock.SimLog;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * The mock board's PWM chips: their channel counts, and per channel the open {@link SimPwm} and its recorded
 * history (the last {@value SimLog#DEFAULT_CAPACITY} states). Thread-safe: each channel is its own lock; nothing
 * else runs under it.
 */
public final class PwmSim {
    private final List<Integer> chips = new CopyOnWriteArrayList<>();
    private final Map<Integer, Channel> channels = new ConcurrentHashMap<>();

    /** One channel's state; the object is its lock. */
    private static final class Channel {
        SimPwm open;
        final SimLog<PwmChange> history = new SimLog<>();
    }

    /** @return the new chip's number */
    public synchronized int addChip(int channelCount) {
        if (channelCount < 1 || channelCount > 64) {
            throw new IllegalArgumentException("mock board: a PWM chip has 1..64 channels, got " + channelCount);
        }
        chips.add(channelCount);
        return chips.size() - 1;
    }

    /** @throws IllegalArgumentException no such chip or channel */
    public void check(int chip, int channel) {
        if (chip < 0 || chip >= chips.size()) {
            throw new IllegalArgumentException("mock board: no PWM chip " + chip + " (chips: "
                    + (chips.isEmpty() ? "none" : "0.." + (chips.size() - 1)) + ")");
        }
        int n = chips.get(chip);
        if (channel < 0 || channel >= n) {
            throw new IllegalArgumentException("mock board: PWM chip " + chip + " has channels 0.." + (n - 1)
                    + ", not " + channel);
        }
    }

    private Channel channel(int chip, int channel) {
        check(chip, channel);
        return channels.computeIfAbsent(chip << 16 | channel, k -> new Channel());
    }

    void opened(SimPwm pwm) {
        Channel c = channel(pwm.chip(), pwm.channel());
        synchronized (c) {
            c.open = pwm;
            record(c, pwm);
        }
    }

    void changed(SimPwm pwm) {
        Channel c = channel(pwm.chip(), pwm.channel());
        synchronized (c) {
            if (c.open == pwm) {
                record(c, pwm);
            }
        }
    }

    void closed(SimPwm pwm) {
        Channel c = channel(pwm.chip(), pwm.channel());
        synchronized (c) {
            if (c.open == pwm) {
                c.open = null;
            }
        }
    }

    /** Records the channel's state if it differs from the last record. Caller holds c. */
    private static void record(Channel c, SimPwm pwm) {
        PwmChange now = new PwmChange(pwm.isOn(), pwm.frequencyNow(), pwm.dutyNow(), pwm.polarity(), System.nanoTime());
        if (!now.sameState(c.history.last())) {
            c.history.add(now);
            c.notifyAll();
        }
    }

    public boolean isOpen(int chip, int channel) {
        Channel c = channel(chip, channel);
        synchronized (c) {
            return c.open != null;
        }
    }

    public List<PwmChange> history(int chip, int channel) {
        Channel c = channel(chip, channel);
        synchronized (c) {
            return c.history.snapshot();
        }
    }

    public void clearHistory(int chip, int channel) {
        Channel c = channel(chip, channel);
        synchronized (c) {
            c.history.clear();
        }
    }

    /** @throws IllegalArgumentException the channel was never opened */
    public PwmChange current(int chip, int channel) {
        Channel c = channel(chip, channel);
        synchronized (c) {
            if (c.history.isEmpty()) {
                throw new IllegalArgumentException("mock board: PWM " + chip + ":" + channel
                        + " has never been opened (or its history was cleared)");
            }
            return c.history.last();
        }
    }

    /** Waits until the channel's latest state matches. @return false on timeout */
    public boolean await(int chip, int channel, Predicate<PwmChange> state, Duration timeout)
            throws InterruptedException {
        Channel c = channel(chip, channel);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (c) {
            while (c.history.isEmpty() || !state.test(c.history.last())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                c.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }
}
