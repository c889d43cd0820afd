package io.kdrv.drivers.rotary.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The decoder alone: Gray-code A/B levels in, steps out. */
class QuadratureTest {
    /** A/B levels of binary states 0..3. */
    private static final boolean[][] AB = {{false, false}, {false, true}, {true, true}, {true, false}};

    private static int feed(Quadrature q, int... states) {
        int steps = 0;
        for (int s : states) {
            steps += q.update(AB[s][0], AB[s][1]);
        }
        return steps;
    }

    @Test
    void fullStepNeedsTheWholePeriodAndReportsAtTheDetent() {
        Quadrature q = new Quadrature(1, false, false);
        assertEquals(0, feed(q, 1, 2, 3));
        assertEquals(1, feed(q, 0));
        assertEquals(-1, feed(q, 3, 2, 1, 0));
        assertEquals(0, feed(q, 1, 2, 1, 0), "half a turn and back is no step");
        assertEquals(0, q.impossible());
    }

    @Test
    void halfAndQuarterModes() {
        Quadrature half = new Quadrature(2, false, false);
        assertEquals(1, feed(half, 1, 2));
        assertEquals(1, feed(half, 3, 0));
        assertEquals(-1, feed(half, 3, 2));
        Quadrature quarter = new Quadrature(4, false, false);
        assertEquals(3, feed(quarter, 1, 2, 3));
        assertEquals(-2, feed(quarter, 2, 1));
    }

    @Test
    void bothLinesChangingIsImpossibleAndNotAStep() {
        Quadrature q = new Quadrature(4, false, false);
        assertEquals(0, feed(q, 2));
        assertEquals(0, feed(q, 0));
        assertEquals(2, q.impossible());
        assertEquals(0, feed(q, 0), "no change, no step");
        assertThrows(IllegalArgumentException.class, () -> new Quadrature(3, false, false));
    }
}
