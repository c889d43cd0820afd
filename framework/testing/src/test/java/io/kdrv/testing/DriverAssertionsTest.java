package io.kdrv.testing;

import static io.kdrv.testing.DriverAssertions.assertBound;
import static io.kdrv.testing.DriverAssertions.assertFailed;
import static io.kdrv.testing.DriverAssertions.assertNoKthread;
import static io.kdrv.testing.DriverAssertions.deviceKthreads;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceInfo;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

/** The shared driver-test helpers: state assertions, device kthreads, node templates. */
@Timeout(60)
class DriverAssertionsTest {
    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final NodeTemplate blink = new NodeTemplate(bed, "acme,blink", "gpios", 18, "period-ms", 5);

    @Test
    void assertFailedChecksStateAndEveryFragmentOfTheReason() {
        bed.attach(1, 0x76, new KdrvTestBedTest.IdChip()).poke(0xD0, 0x60); // a BME280's id, not the 0x58 wanted
        bed.register(new SampleDrivers.ChipIdDriver(), "acme,chip");
        DeviceInfo d = bed.addDevice("chip0", "acme,chip", "i2c-bus", 1, "reg", 0x76);
        assertEquals(d, assertFailed(d, "chip0", "chip id"));
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertFailed(d, "chip0", "0x99"));
        assertTrue(e.getMessage().contains("'0x99' not in the reason"), e.getMessage());
        e = assertThrows(AssertionFailedError.class, () -> assertBound(d));
        assertTrue(e.getMessage().contains("expected BOUND, is FAILED") && e.getMessage().contains("chip id"),
                e.getMessage());
    }

    @Test
    void templateKeysCanBeReplacedAndDeviceKthreadsAreListed() {
        bed.register(new SampleDrivers.BlinkDriver(), "acme,blink");
        assertBound(blink.add("led0"));
        assertBound(blink.add("led1", "gpios", 19, "period-ms", 7));
        assertEquals(19, bed.device("led1").properties().get("gpios"), "a later key wins");
        assertEquals(List.of("blink/led0", "blink/led1"), deviceKthreads(), "no kdrv-probe, no kdrv-call/n");
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> assertNoKthread("blink/"));
        assertTrue(e.getMessage().contains("blink/led0"), e.getMessage());
        bed.removeDevice("led0");
        bed.removeDevice("led1");
        assertNoKthread("blink/");
        assertThrows(IllegalArgumentException.class, () -> new NodeTemplate(bed, "acme,blink", "gpios"));
    }
}
