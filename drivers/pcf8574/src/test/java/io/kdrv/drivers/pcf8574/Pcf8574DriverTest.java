package io.kdrv.drivers.pcf8574;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.gpiokeys.KeyEvents;
import io.kdrv.drivers.gpiokeys.internal.GpioKeysDriver;
import io.kdrv.drivers.ledsgpio.internal.LedsGpioDriver;
import io.kdrv.drivers.pcf8574.internal.Pcf8574Driver;
import io.kdrv.drivers.pcf8574.sim.Pcf8574Chip;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.KdrvTestBed;
import io.kdrv.testing.NodeTemplate;
import io.kdrv.testing.RecordingEventAdmin;
import io.kdrv.testing.await.Await;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.service.event.Event;

/** pcf8574 on the mock board with the chip model: gpio-keys and leds-gpio on its lines, INT cascade, errors, unplug. */
@Timeout(60)
class Pcf8574DriverTest {
    private static final int BUS = 1;
    private static final int ADDR = 0x27;
    private static final int INT = 23;

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private Pcf8574Chip chip;
    private String driverId;

    @BeforeEach
    void setUp() {
        chip = bed.attach(BUS, ADDR, new Pcf8574Chip()).wireInt(bed.mock(), INT);
        driverId = bed.register(new Pcf8574Driver(), "nxp,pcf8574");
        bed.register(new GpioKeysDriver(events), "gpio-keys");
        bed.register(new LedsGpioDriver(), "gpio-leds");
    }

    private final NodeTemplate expander = new NodeTemplate(bed, "nxp,pcf8574", "i2c-bus", BUS, "interrupts",
            new int[] {INT});

    private DeviceInfo addExpander(String name, int address, Object... extra) {
        Object[] kv = new Object[2 + extra.length];
        kv[0] = "reg";
        kv[1] = address;
        System.arraycopy(extra, 0, kv, 2, extra.length);
        return expander.add(name, kv);
    }

    private DeviceInfo addKeys(String line) {
        return bed.addDevice("keys", "gpio-keys", "gpios", new String[] {line}, "gpio-flags",
                new String[] {"active-low"}, "labels", new String[] {"OK"}, "debounce-ms", 0);
    }

    private Event awaitKeyEvent(int n) throws InterruptedException {
        return events.awaitTopic(KeyEvents.TOPIC, n, KdrvTestBed.DEFAULT_TIMEOUT);
    }

    @Test
    void probeReleasesEveryLineAndTakesInt() {
        DeviceInfo d = addExpander("pcf0", ADDR);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(0xFF, chip.latch());
        assertTrue(chip.writes() >= 1);
        assertEquals("irq/23-pcf0", bed.line(String.valueOf(INT)).orElseThrow().irqThread());
        assertFalse(chip.intAsserted());
    }

    @Test
    void gpioKeysOnAnExpanderLineGetsPressAndReleaseThroughInt() throws Exception {
        addExpander("pcf0", ADDR);
        DeviceInfo k = addKeys("pcf0:2");
        assertEquals(DeviceState.BOUND, k.state(), k.reason());
        assertEquals(0xFF, chip.latch(), "an input is a latch 1 (weak pull-up)");
        chip.setInput(2, false); // pressed: the button pulls P2 low
        Event press = awaitKeyEvent(1);
        assertEquals(true, press.getProperty(KeyEvents.PRESSED));
        assertEquals(512 + 2, press.getProperty(KeyEvents.LINE));
        chip.setInput(2, true);
        assertEquals(false, awaitKeyEvent(2).getProperty(KeyEvents.PRESSED));
        Await.until("INT cleared by the reads", () -> !chip.intAsserted());
        Await.until("cascade counters", () -> bed.line("pcf0:2").map(l -> l.handled() == 2).orElse(false));
        assertEquals(2, bed.line("pcf0:2").orElseThrow().edges());
        assertEquals("irq/pcf0:2-keys", bed.line("pcf0:2").orElseThrow().irqThread());
    }

    @Test
    void ledsGpioDrivesTheLatchActiveLowLedsSinkCurrent() {
        addExpander("pcf0", ADDR);
        DeviceInfo l = bed.addDevice("leds", "gpio-leds", "gpios", new String[] {"pcf0:5"},
                "gpio-flags", new String[] {"active-low"}, "trigger", new String[] {"default-on"});
        assertEquals(DeviceState.BOUND, l.state(), l.reason());
        assertEquals(0xFF & ~(1 << 5), chip.latch(), "lit: P5 driven low (LED from VCC to the pin)");
        assertFalse(chip.pin(5));
        bed.unbind("leds");
        assertEquals(0xFF, chip.latch(), "released: off, P5 back to the weak pull-up");
    }

    @Test
    void badNodesFailNamingDeviceAndKey() {
        DeviceInfo addr = addExpander("pcf9", 0x30);
        assertEquals(DeviceState.FAILED, addr.state());
        assertEquals("device pcf9: key 'reg': 0x30 is not a PCF8574 address (0x20..0x27; PCF8574A 0x38..0x3f)",
                addr.reason());
        DeviceInfo names = addExpander("pcf8", ADDR, "gpio-line-names", new String[] {"a"});
        assertEquals(DeviceState.FAILED, names.state());
        assertTrue(names.reason().startsWith("device pcf8: key 'gpio-line-names': 1 name(s) for 8 lines"));
        bed.removeDevice("pcf8");
        addExpander("pcf0", ADDR, "gpio-line-names", new String[] {"a", "b", "c", "d", "e", "f", "g", "h"});
        DeviceInfo pd = bed.addDevice("keys", "gpio-keys", "gpios", new String[] {"pcf0:1"}, "gpio-flags",
                new String[] {"pull-down"}, "labels", new String[] {"x"});
        assertEquals(DeviceState.FAILED, pd.state());
        assertEquals("device pcf0 line 1 (b): pull-down is not available (PCF8574 lines are quasi-bidirectional "
                + "with a fixed weak pull-up)", pd.reason());
        bed.removeDevice("keys");
        DeviceInfo range = addKeys("pcf0:8");
        assertEquals(DeviceState.FAILED, range.state());
        assertEquals("device keys: key 'gpios': entry 0 (pcf0:8): line 8 out of range of GPIO controller pcf0 "
                + "(lines 0..7)", range.reason());
    }

    @Test
    void absentChipFailsNamingDeviceAndAddress() {
        DeviceInfo d = addExpander("pcf1", 0x38);
        assertEquals(DeviceState.FAILED, d.state());
        assertTrue(d.reason().startsWith("device pcf1: no PCF8574 answers at I2C bus 1 address 0x38: "), d.reason());
        assertTrue(d.reason().contains("NACK"), d.reason());
        assertTrue(bed.board().lines().isEmpty());
        assertTrue(bed.board().i2cDevices().isEmpty());
    }

    @Test
    void unplugRemovesConsumersFirstAndLeavesNothingBehind() throws Exception {
        addExpander("pcf0", ADDR);
        addKeys("pcf0:0");
        bed.addDevice("leds", "gpio-leds", "gpios", new String[] {"pcf0:7"}, "trigger", new String[] {"timer"},
                "delay-on-ms", 5L, "delay-off-ms", 5L);
        Await.until("the timer LED toggles the latch", () -> (chip.latch() & 0x80) == 0);

        bed.unregister(driverId);
        for (String c : List.of("keys", "leds")) {
            assertEquals(DeviceState.DEFERRED, bed.device(c).state(), c);
            assertTrue(bed.device(c).reason().contains("GPIO controller pcf0"), bed.device(c).reason());
        }
        assertEquals(0xFF, chip.latch(), "every line released");
        assertTrue(bed.board().lines().isEmpty(), String.valueOf(bed.board().lines()));
        assertTrue(Kthreads.list().stream().noneMatch(t -> t.name().contains("pcf0") || t.name().startsWith("led/")),
                String.valueOf(Kthreads.list()));

        driverId = bed.register(new Pcf8574Driver(), "nxp,pcf8574");
        assertEquals(DeviceState.BOUND, bed.awaitState("keys", DeviceState.BOUND).state());
        chip.setInput(0, false);
        assertEquals(true, awaitKeyEvent(1).getProperty(KeyEvents.PRESSED));
    }
}
