package io.kdrv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.LineInfo;
import io.kdrv.board.mock.LevelChange;
import io.kdrv.board.mock.RegisterChip;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.await.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.AssertionFailedError;

class KdrvTestBedTest {
    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private static void await(String what, BooleanSupplier cond) {
        Await.until(what, cond, Duration.ofSeconds(30));
    }

    private static boolean kthreadAlive(String name) {
        return Kthreads.list().stream().anyMatch(k -> k.name().equals(name));
    }

    @Test
    void driverProbesRequestsAnIrqMockEdgesReachItAndUnplugFreesEverything() {
        SampleDrivers.ButtonDriver driver = new SampleDrivers.ButtonDriver();
        String id = bed.register(driver, "test,button");
        DeviceInfo button = bed.addDevice("button0", "test,button", "gpios", 17);
        assertEquals(DeviceState.BOUND, button.state(), String.valueOf(button.reason()));
        assertEquals(List.of(new LineInfo(17, "in", "button0", 0, "irq/17-button0", 0, 0, 0, 0, 0, 0)),
                bed.board().lines());

        bed.mock().pulse(17);
        await("press and release handled", () -> driver.seen.size() == 2);
        assertEquals(List.of(true, false), driver.seen.stream().map(s -> s.event().rising()).toList());
        assertTrue(driver.seen.stream().allMatch(s -> s.thread().equals("irq/17-button0")));
        assertTrue(driver.seen.get(0).event().timestampNanos() <= driver.seen.get(1).event().timestampNanos());

        bed.unregister(id); // the driver bundle goes away
        assertEquals(List.of("button0"), driver.removed);
        assertEquals(DeviceState.UNBOUND, bed.device("button0").state());
        assertTrue(bed.board().lines().isEmpty(), "pin released");
        assertFalse(bed.mock().isOpen(17), "Pi4J input shut down");
        assertFalse(kthreadAlive("irq/17-button0"), "IRQ kthread stopped");

        bed.mock().pulse(17);
        assertEquals(2, driver.seen.size(), "no listener left: the old handler gets nothing");

        SampleDrivers.ButtonDriver again = new SampleDrivers.ButtonDriver();
        bed.register(again, "test,button"); // re-plug: the line can be claimed again
        assertEquals(DeviceState.BOUND, bed.device("button0").state());
        bed.mock().pulse(17);
        await("new driver handles edges", () -> again.seen.size() == 2);
        assertEquals(2, driver.seen.size());
    }

    @Test
    void aHandlerThatThrowsIsCountedInTheDriversIrqAndInTheLineInfo() {
        AtomicReference<Irq> irq = new AtomicReference<>();
        bed.register(dev -> irq.set(dev.requestThreadedIrq(dev.gpioInput("gpios"), Edge.BOTH, e -> {
            throw new IllegalStateException("buggy handler");
        })), "test,buggy");
        assertEquals(DeviceState.BOUND, bed.addDevice("buggy0", "test,buggy", "gpios", 17).state());

        bed.mock().pulse(17);
        await("both edges handled", () -> irq.get().handled() == 2);
        assertEquals(2, irq.get().failures(), "the device-managed Irq passes the board's count through");
        assertEquals(2, bed.board().lines().getFirst().failures(), "gpio:list's LineInfo has it too");
        assertTrue(kthreadAlive("irq/17-buggy0"), "a failing handler does not end the IRQ");
    }

    @Test
    void aPinConflictFailsTheSecondDeviceNamingTheOwner() {
        bed.register(new SampleDrivers.ButtonDriver(), "test,button");
        assertEquals(DeviceState.BOUND, bed.addDevice("button0", "test,button", "gpios", 17).state());
        DeviceInfo second = bed.addDevice("button1", "test,button", "gpios", 17);
        assertEquals(DeviceState.FAILED, second.state());
        assertTrue(second.reason().contains("GPIO 17 is already claimed by device button0"), second.reason());

        bed.removeDevice("button0");
        assertTrue(bed.board().lines().isEmpty());
        assertEquals(DeviceState.BOUND, bed.bind("button1").state(), "the line is free once button0 is gone");
    }

    @Test
    void debounceFromANodeKey() {
        SampleDrivers.ButtonDriver driver = new SampleDrivers.ButtonDriver();
        bed.register(driver, "test,button");
        bed.addDevice("button0", "test,button", "gpios", 4, "debounce-ms", 300);
        bed.mock().burst(4, 9); // a bouncing contact: one event, the level it settles at
        await("settled edge", () -> driver.seen.size() == 1);
        assertTrue(driver.seen.getFirst().event().rising());
        LineInfo line = bed.board().lines().getFirst();
        assertEquals(9, line.edges());
        assertEquals(8, line.debounced());
    }

    @Test
    void aBlinkingLedStopsAndGoesLowOnRemove() throws Exception {
        bed.register(new SampleDrivers.BlinkDriver(), "test,blink");
        assertEquals(DeviceState.BOUND, bed.addDevice("led0", "test,blink", "gpios", 18).state());
        assertTrue(bed.mock().awaitOutput(18, DigitalState.HIGH, Duration.ofSeconds(30)));
        assertTrue(bed.mock().awaitOutput(18, DigitalState.LOW, Duration.ofSeconds(30)));
        assertTrue(kthreadAlive("blink/led0"));

        bed.removeDevice("led0");
        assertFalse(kthreadAlive("blink/led0"), "devres stopped the kthread the driver forgot");
        assertEquals(DigitalState.LOW, bed.mock().output(18));
        List<LevelChange> history = bed.mock().outputHistory(18);
        assertTrue(history.size() >= 3, history.toString());
        assertFalse(bed.mock().isOpen(18));
    }

    static final class IdChip extends RegisterChip {
        IdChip() {
            super("idchip");
            poke(0xD0, 0x58);
        }
    }

    @Test
    void anI2cDriverReadsARegisterChipAndAMissingChipFailsProbe() {
        SampleDrivers.ChipIdDriver driver = new SampleDrivers.ChipIdDriver();
        bed.register(driver, "test,chip");
        bed.attach(1, 0x76, new IdChip());
        assertEquals(DeviceState.BOUND, bed.addDevice("chip0", "test,chip", "i2c-bus", 1, "reg", 0x76).state());
        assertEquals(0x58, driver.id);

        DeviceInfo missing = bed.addDevice("chip1", "test,chip", "i2c-bus", 1, "reg", "0x77");
        assertEquals(DeviceState.FAILED, missing.state());
        assertTrue(missing.reason().contains("mock I2C bus 1 address 0x77: no chip at this address"),
                missing.reason());
        assertEquals(1, bed.board().i2cDevices().size(), "the failed probe released its I2C claim");
    }

    @Test
    void invalidNodesRaiseDeviceConfigExceptionNamingDeviceAndKey() {
        DeviceConfigException e = assertThrows(DeviceConfigException.class,
                () -> bed.addDevice(java.util.Map.of("name", "bad0", "compatible", new String[] {"test,button"},
                        "driver", 5)));
        assertEquals("bad0", e.device());
        assertEquals("driver", e.key());
        assertEquals("device bad0: key 'driver': must be a String (a driver id), got Integer 5", e.getMessage());
    }
}
