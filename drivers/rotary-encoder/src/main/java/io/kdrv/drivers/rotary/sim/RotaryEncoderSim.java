package io.kdrv.drivers.rotary.sim;

import io.kdrv.board.mock.MockBoard;
import java.time.Duration;

/**
 * A model of a mechanical incremental encoder (a knob with detents) on the mock board. Turning it produces the
 * Gray-code sequence on lines A and B: clockwise the binary state {@code A<<1 | A^B} counts up (A/B: 00, 01, 11,
 * 10: B changes first), counter-clockwise down; one detent is {@code 4 / stepsPerPeriod} transitions (a full-step
 * encoder rests at 00 and makes a whole period per detent). Every edge is injected with a model timestamp
 * ({@link MockBoard#setInputAt}) spaced {@link #edgeSpacing} apart, so decoding does not depend on how fast the
 * test thread runs: {@code turn(50)} is a burst of 200 edges that the driver must order by time, not by thread.
 * The button's edges are stamped by the clock (see {@link #press()}).
 *
 * <pre>{@code
 * RotaryEncoderSim knob = RotaryEncoderSim.attach(mock, 5, 6, 13);   // A, B, button
 * knob.turn(3);     // three detents clockwise
 * knob.turn(-1);    // one back
 * knob.press(); knob.release();
 * }</pre>
 *
 * <p>Thread-safe; edges are driven on the calling thread.
 */
public final class RotaryEncoderSim {
    private final MockBoard mock;
    private final int lineA;
    private final int lineB;
    private final int button; // -1 = none
    private final boolean activeLow;
    private int stepsPerPeriod = 1;   // guarded by this
    private long spacingNanos = 250_000; // guarded by this
    private int state;                // guarded by this: logical binary state 0..3
    private long lastStamp;           // guarded by this
    private boolean pressed;          // guarded by this
    private long edges;               // guarded by this

    private RotaryEncoderSim(MockBoard mock, int a, int b, int button, boolean activeLow) {
        this.mock = mock;
        this.lineA = a;
        this.lineB = b;
        this.button = button;
        this.activeLow = activeLow;
    }

    /** A knob on lines {@code a}, {@code b}, resting at a detent (both lines logically low). */
    public static RotaryEncoderSim attach(MockBoard mock, int a, int b) {
        return attach(mock, a, b, -1, false);
    }

    /**
     * A knob with a push button (-1 for none); {@code activeLow} drives every line inverted (contacts to ground
     * with pull-ups, the usual KY-040 wiring): a resting full-step knob then reads high/high.
     */
    public static RotaryEncoderSim attach(MockBoard mock, int a, int b, int button, boolean activeLow) {
        RotaryEncoderSim sim = new RotaryEncoderSim(mock, a, b, button, activeLow);
        mock.setInput(a, activeLow);
        mock.setInput(b, activeLow);
        if (button >= 0) {
            mock.setInput(button, activeLow);
        }
        return sim;
    }

    /** Detents per Gray-code period of the simulated part: 1 (default), 2 or 4. */
    public synchronized RotaryEncoderSim stepsPerPeriod(int n) {
        if (n != 1 && n != 2 && n != 4) {
            throw new IllegalArgumentException("steps per period must be 1, 2 or 4, got " + n);
        }
        stepsPerPeriod = n;
        return this;
    }

    /** Model time between two consecutive edges (default 250 µs: a brisk turn). */
    public synchronized RotaryEncoderSim edgeSpacing(Duration d) {
        spacingNanos = Math.max(1, d.toNanos());
        return this;
    }

    /** Turns the knob {@code detents} detents: positive clockwise, negative counter-clockwise. */
    public synchronized void turn(int detents) {
        int dir = Integer.signum(detents);
        int transitions = Math.abs(detents) * (4 / stepsPerPeriod);
        for (int i = 0; i < transitions; i++) {
            moveTo((state + dir) & 3, nextStamp());
        }
    }

    /**
     * Both lines change at the same instant (a skipped state: contact bounce or an edge lost in hardware): an
     * impossible transition for the decoder. Two glitches in a row bring the knob back to where it was.
     */
    public synchronized void glitch() {
        moveTo((state + 2) & 3, nextStamp());
    }

    /** Presses the button (clock-stamped edge; back-to-back press/release is inside any debounce window). */
    public synchronized void press() {
        pushButton(true);
    }

    /** Releases the button. */
    public synchronized void release() {
        pushButton(false);
    }

    /** Edges driven on A and B so far. */
    public synchronized long edges() {
        return edges;
    }

    private void pushButton(boolean down) { // caller holds this
        if (button < 0) {
            throw new IllegalStateException("rotary encoder sim on GPIO " + lineA + "/" + lineB + " has no button");
        }
        pressed = down;
        // A press is not timing-critical: stamped by the clock, so the IRQ layer's debounce window (real time)
        // sees real time. A press and release back to back fall inside a debounce window: pace them, or use
        // debounce-ms 0.
        mock.setInput(button, down ^ activeLow);
    }

    private void moveTo(int to, long stamp) { // caller holds this
        boolean a0 = (state >> 1) != 0;
        boolean b0 = a0 ^ ((state & 1) != 0);
        boolean a1 = (to >> 1) != 0;
        boolean b1 = a1 ^ ((to & 1) != 0);
        state = to;
        if (a0 != a1) {
            mock.setInputAt(lineA, a1 ^ activeLow, stamp);
            edges++;
        }
        if (b0 != b1) {
            mock.setInputAt(lineB, b1 ^ activeLow, stamp);
            edges++;
        }
    }

    private long nextStamp() { // caller holds this
        lastStamp = Math.max(System.nanoTime(), lastStamp + spacingNanos);
        return lastStamp;
    }

    /** Whether the simulated button is held down. */
    public synchronized boolean pressed() {
        return pressed;
    }
}
