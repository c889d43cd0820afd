package io.kdrv.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PointRingTest {
    @Test
    void keepsPointsInOrderAndSkipsARepeatOfTheNewest() {
        PointRing r = new PointRing(100);
        r.add(1, 1.5, 0);
        r.add(1, 1.5, 0); // the same sample seen twice
        r.add(2, 1.5, 0);
        r.add(2, 2.5, 0); // same time, another value: kept
        assertEquals(List.of(List.of(1L, 1.5), List.of(2L, 1.5), List.of(2L, 2.5)), r.pointsAfter(0));
        assertEquals(List.of(List.of(2L, 1.5), List.of(2L, 2.5)), r.pointsAfter(1), "only points after sinceMs");
    }

    @Test
    void dropsTheOldestBeyondTheLimitAcrossGrowthAndWrapAround() {
        PointRing r = new PointRing(40); // grows 16 -> 32 -> 40, then wraps
        for (int t = 1; t <= 1000; t++) {
            r.add(t, t * 0.5, 0);
        }
        assertEquals(40, r.size());
        List<Object> points = r.pointsAfter(0);
        assertEquals(List.of(961L, 480.5), points.getFirst());
        assertEquals(List.of(1000L, 500.0), points.getLast());
        for (int i = 1; i < points.size(); i++) {
            long prev = (Long) ((List<?>) points.get(i - 1)).get(0);
            assertEquals(prev + 1, ((List<?>) points.get(i)).get(0), "consecutive, oldest first");
        }
    }

    @Test
    void dropsPointsOlderThanTheWindow() {
        PointRing r = new PointRing(1000);
        for (int t = 0; t < 50; t++) {
            r.add(t * 100L, t, t * 100L - 1000); // a 1-second window
        }
        List<Object> points = r.pointsAfter(-1);
        assertEquals(List.of(3900L, 39.0), points.getFirst(), "points before 3900 ms are out of the window");
        assertEquals(11, points.size());
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PointRing(0));
    }
}
