package io.kdrv.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TopicFilterTest {
    @Test
    void prefixesExactTopicsAndLists() {
        TopicFilter f = TopicFilter.parse("kdrv/sensor/*, kdrv/input/KEY");
        assertTrue(f.matches("kdrv/sensor/bme280"));
        assertTrue(f.matches("kdrv/input/KEY"));
        assertFalse(f.matches("kdrv/input/KEYS"));
        assertFalse(f.matches("kdrv/sensorx"));
        assertTrue(TopicFilter.parse(null).matches("anything"));
        assertTrue(TopicFilter.parse("*").matches("org/osgi/framework/BundleEvent/STARTED"));
    }

    @Test
    void starOnlyAsLastSegment() {
        ApiException e = assertThrows(ApiException.class, () -> TopicFilter.parse("kdrv/*/x"));
        assertEquals(400, e.status());
        assertThrows(ApiException.class, () -> TopicFilter.parse("kdrv/sen*"));
    }
}
