package io.kdrv.board.mock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class SimLogTest {
    @Test
    void keepsTheNewestRecordsAndCountsAll() {
        SimLog<Integer> log = new SimLog<>(3);
        assertTrue(log.isEmpty());
        assertNull(log.last());
        for (int i = 1; i <= 5; i++) {
            log.add(i);
        }
        assertEquals(List.of(3, 4, 5), log.snapshot(), "oldest dropped first");
        assertEquals(5, log.last());
        assertEquals(3, log.size());
        assertEquals(5, log.total());
        assertEquals(3, log.capacity());
    }

    @Test
    void clearForgetsTheRecordsButNotTheCount() {
        SimLog<String> log = new SimLog<>();
        log.add("a");
        log.add("b");
        List<String> before = log.snapshot();
        log.clear();
        assertTrue(log.isEmpty());
        assertEquals(2, log.total());
        assertEquals(List.of("a", "b"), before, "a snapshot is a copy");
        assertThrows(UnsupportedOperationException.class, () -> before.add("c"));
    }

    @Test
    void aCapacityBelowOneIsRefusedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SimLog<>(0));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    }
}
