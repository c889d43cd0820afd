package io.kdrv.drivers.bme280.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class Bme280RegistersTest {
    @Test
    void oversamplingCodesRoundTrip() {
        for (int f : new int[] {0, 1, 2, 4, 8, 16}) {
            assertEquals(f, Bme280Registers.osrsFactor(Bme280Registers.osrsCode(f)));
        }
        assertEquals(16, Bme280Registers.osrsFactor(7));
        assertThrows(IllegalArgumentException.class, () -> Bme280Registers.osrsCode(3));
    }

    @Test
    void filterCodes() {
        assertEquals(0, Bme280Registers.filterCode(0));
        assertEquals(4, Bme280Registers.filterCode(16));
        assertThrows(IllegalArgumentException.class, () -> Bme280Registers.filterCode(5));
    }

    @Test
    void standbyIsTheLongestNotExceedingThePollPeriod() {
        assertEquals(5, Bme280Registers.standbyCode(1000));   // 1000 ms
        assertEquals(4, Bme280Registers.standbyCode(999));    // 500 ms
        assertEquals(7, Bme280Registers.standbyCode(50));     // 20 ms
        assertEquals(6, Bme280Registers.standbyCode(15));     // 10 ms
        assertEquals(0, Bme280Registers.standbyCode(0));      // 0.5 ms, the shortest
        assertEquals(1_000_000, Bme280Registers.standbyMicros(5));
    }

    @Test
    void maxMeasurementTimeFollowsTheDatasheet() {
        // x1/x1/x1: 1.25 + 2.3 + 2.875 + 2.875 = 9.3 ms
        assertEquals(9300, Bme280Registers.maxMeasurementMicros(1, 1, 1));
        // humidity skipped: 1.25 + 2.3 + 2.875
        assertEquals(6425, Bme280Registers.maxMeasurementMicros(1, 1, 0));
    }
}
