package io.kdrv.examples.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ParseDurationTest {
    @Test
    void acceptsTheDocumentedForms() {
        assertNull(MockBoardDemo.parseDuration(null));
        assertNull(MockBoardDemo.parseDuration(" "));
        assertEquals(Duration.ofSeconds(10), MockBoardDemo.parseDuration("10s"));
        assertEquals(Duration.ofMillis(1500), MockBoardDemo.parseDuration("1.5s"));
        assertEquals(Duration.ofMillis(500), MockBoardDemo.parseDuration("500ms"));
        assertEquals(Duration.ofMinutes(2), MockBoardDemo.parseDuration("2m"));
        assertEquals(Duration.ofSeconds(30), MockBoardDemo.parseDuration("PT30S"));
        assertEquals(Duration.ofSeconds(7), MockBoardDemo.parseDuration("7"));
    }

    @Test
    void badValueNamesTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MockBoardDemo.parseDuration("ten seconds"));
        assertTrue(e.getMessage().contains("kdrv.demo.duration") && e.getMessage().contains("ten seconds"),
                e.getMessage());
    }
}
