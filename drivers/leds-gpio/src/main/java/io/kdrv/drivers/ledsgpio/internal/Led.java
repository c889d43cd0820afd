package io.kdrv.drivers.ledsgpio.internal;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.PeriodicTimer;
import java.time.Duration;

/**
 * One LED on a GPIO output. {@link #set} is called by probe, by the LED's own kthread while a pattern runs, and by
 * the devres action that turns it off after that kthread has stopped, so the calls never overlap in practice; the
 * state fields are volatile for readers on other threads.
 */
public final class Led {
    private final String label;
    private final int line;
    private final DigitalOutput out;
    private final Trigger trigger;
    private final BlinkPattern pattern; // null for steady triggers
    private volatile boolean on;
    private volatile long switchesOn;

    Led(String label, int line, DigitalOutput out, Trigger trigger, BlinkPattern pattern) {
        this.label = label;
        this.line = line;
        this.out = out;
        this.trigger = trigger;
        this.pattern = pattern;
    }

    /** Turns the LED on or off; the output is logical (the board applies active-low), so on is HIGH. */
    void set(boolean on) {
        out.state(on ? DigitalState.HIGH : DigitalState.LOW);
        if (on && !this.on) {
            switchesOn++;
        }
        this.on = on;
    }

    /**
     * The pattern kthread function: one pattern cycle per timer period. Cycle starts are the timer's absolute
     * deadlines and switch times are absolute offsets from them, so neither the time spent switching nor
     * scheduling latency accumulates into drift.
     */
    int blink() throws InterruptedException {
        long periodNanos = pattern.period().toNanos();
        long start = System.nanoTime();
        PeriodicTimer timer = new PeriodicTimer(pattern.period());
        do {
            // After an overrun the timer skips the missed deadlines; periods() counts them, so this is still the
            // start of the current cycle.
            long cycleStart = start + timer.periods() * periodNanos;
            for (BlinkPattern.Segment s : pattern.segments()) {
                if (!sleepUntil(cycleStart + s.offset().toNanos())) {
                    return 0;
                }
                set(s.on());
            }
        } while (timer.waitNextPeriod());
        return 0;
    }

    /** Sleeps (stoppable) until the absolute {@code System.nanoTime()} deadline; false if the kthread should stop. */
    private static boolean sleepUntil(long deadline) {
        for (;;) {
            if (Kthread.shouldStop()) {
                return false;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return true;
            }
            Kthread.sleep(Duration.ofNanos(remaining));
        }
    }

    public String label() {
        return label;
    }

    public int line() {
        return line;
    }

    public Trigger trigger() {
        return trigger;
    }

    /** The running pattern, or null for a steady trigger. */
    public BlinkPattern pattern() {
        return pattern;
    }

    public boolean on() {
        return on;
    }

    /** How often the LED was switched on since probe. */
    public long switchesOn() {
        return switchesOn;
    }

    @Override
    public String toString() {
        return "led " + label + " (line " + line + ", " + trigger.nodeName() + ", " + (on ? "on" : "off") + ")";
    }
}
