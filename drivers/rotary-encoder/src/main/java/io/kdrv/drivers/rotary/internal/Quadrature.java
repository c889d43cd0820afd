package io.kdrv.drivers.rotary.internal;

/**
 * Quadrature decoding of the two encoder lines, after Linux {@code drivers/input/misc/rotary_encoder.c}. The Gray
 * code on A/B is read as a 2-bit binary state ({@code A<<1 | A^B}: 00→0, 01→1, 11→2, 10→3); clockwise counts up.
 * Each transition to a neighbouring state is a quarter period (±1); a transition to the opposite state (both
 * lines changed) is impossible: direction unknown, counted. A step is reported when the state reaches a stable
 * position of the mode with at least one step's worth of quarters accumulated:
 * <ul>
 *   <li>steps-per-period 1 (full step): 4 quarters per step, stable at state 0 (the detent);</li>
 *   <li>2 (half step): 2 quarters per step, stable at states 0 and 2;</li>
 *   <li>4 (quarter period): every transition is a step.</li>
 * </ul>
 * At a stable state the remainder is dropped, so a half-turned-and-back knob or a glitch never leaves a stale
 * partial step behind (like Linux, which reports only when the full sequence was seen).
 *
 * <p>Not thread-safe: the caller serialises (the encoder's lock).
 */
final class Quadrature {
    private final int stepsPerPeriod;
    private final int quartersPerStep;
    private int state;
    private int quarters;
    private long impossible;

    Quadrature(int stepsPerPeriod, boolean a, boolean b) {
        if (stepsPerPeriod != 1 && stepsPerPeriod != 2 && stepsPerPeriod != 4) {
            throw new IllegalArgumentException("steps per period must be 1, 2 or 4, got " + stepsPerPeriod);
        }
        this.stepsPerPeriod = stepsPerPeriod;
        this.quartersPerStep = 4 / stepsPerPeriod;
        this.state = state(a, b);
    }

    /** The binary state of Gray-coded lines A and B. */
    static int state(boolean a, boolean b) {
        int ai = a ? 1 : 0;
        return ai << 1 | (ai ^ (b ? 1 : 0));
    }

    /**
     * The lines are now at {@code a}/{@code b}.
     *
     * @return steps completed: positive clockwise, negative counter-clockwise, 0 for none
     */
    int update(boolean a, boolean b) {
        int s = state(a, b);
        switch ((s - state) & 3) {
            case 1 -> quarters++;
            case 3 -> quarters--;
            case 2 -> impossible++;
            default -> { } // no change (an edge whose partner was lost): nothing moved
        }
        state = s;
        if (!stable(s)) {
            return 0;
        }
        int steps = quarters / quartersPerStep;
        quarters = 0;
        return steps;
    }

    private boolean stable(int s) {
        return switch (stepsPerPeriod) {
            case 1 -> s == 0;
            case 2 -> (s & 1) == 0;
            default -> true;
        };
    }

    long impossible() {
        return impossible;
    }

    int current() {
        return state;
    }
}
