package io.kdrv.drivers.mcp23017;

import static io.kdrv.drivers.mcp23017.Mcp23017Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.LineInfo;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.drivers.gpiokeys.KeyEvents;
import io.kdrv.drivers.gpiokeys.internal.GpioKeysDriver;
import io.kdrv.drivers.ledsgpio.internal.LedsGpioDriver;
import io.kdrv.drivers.mcp23017.internal.Mcp23017Driver;
import io.kdrv.drivers.mcp23017.sim.Mcp23017Chip;
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

/**
 * mcp23017 on the mock board with the register model: the controller, gpio-keys and leds-gpio (unchanged) on its
 * lines, the INTA cascade, bad nodes, a missing chip, unplug.
 */
@Timeout(60)
class Mcp23017DriverTest {
    private static final int BUS = 1;
    private static final int ADDR = 0x20;
    private static final int INT = 22;

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    private final RecordingEventAdmin events = new RecordingEventAdmin();
    private final Mcp23017Driver driver = new Mcp23017Driver();
    private Mcp23017Chip chip;
    private String driverId;

    @BeforeEach
    void setUp() {
        chip = bed.attach(BUS, ADDR, new Mcp23017Chip()).wireIntA(bed.mock(), INT);
        driverId = bed.register(driver, "microchip,mcp23017");
        bed.register(new GpioKeysDriver(events), "gpio-keys");
        bed.register(new LedsGpioDriver(), "gpio-leds");
    }

    private final NodeTemplate expander = new NodeTemplate(bed, "microchip,mcp23017", "i2c-bus", BUS, "interrupts",
            new int[] {INT});

    private DeviceInfo addExpander(String name, int address, Object... extra) {
        Object[] kv = new Object[2 + extra.length];
        kv[0] = "reg";
        kv[1] = address;
        System.arraycopy(extra, 0, kv, 2, extra.length);
        return expander.add(name, kv);
    }

    private DeviceInfo addKeys(String... lines) {
        return bed.addDevice("keys", "gpio-keys", "gpios", lines, "gpio-flags", new String[] {"pull-up|active-low"},
                "labels", java.util.stream.IntStream.range(0, lines.length).mapToObj(i -> "K" + i)
                        .toArray(String[]::new), "debounce-ms", 0);
    }

    private Event awaitKeyEvent(int n) throws InterruptedException {
        return events.awaitTopic(KeyEvents.TOPIC, n, KdrvTestBed.DEFAULT_TIMEOUT);
    }

    @Test
    void probeSetsIoconAndThePowerOnStateAndTakesIntA() {
        DeviceInfo d = addExpander("expander0", ADDR);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(IOCON_MIRROR | IOCON_ODR, chip.peek(IOCON), "INTA/INTB mirrored, open-drain");
        assertEquals(0xFF, chip.peek(IODIRA));
        assertEquals(0xFF, chip.peek(IODIRB));
        assertEquals(0, chip.peek(GPINTENA) | chip.peek(GPINTENB) | chip.peek(GPPUA) | chip.peek(GPPUB));
        LineInfo intLine = bed.line(String.valueOf(INT)).orElseThrow();
        assertEquals("expander0", intLine.owner());
        assertEquals("irq/22-expander0", intLine.irqThread());
        assertTrue(Kthreads.list().stream().anyMatch(k -> k.name().equals("irq/22-expander0")));
        assertEquals(List.of(), bed.board().lines().stream().filter(l -> l.label().startsWith("expander0:")).toList(),
                "no consumer yet");
        assertTrue(driver.chip("expander0").isPresent());
    }

    @Test
    void gpioKeysOnExpanderLinesGetPressAndReleaseThroughIntA() throws Exception {
        addExpander("expander0", ADDR);
        chip.setInput(3, true);  // buttons to ground, idle high
        chip.setInput(12, true);
        DeviceInfo k = addKeys("expander0:3", "expander0:12");
        assertEquals(DeviceState.BOUND, k.state(), k.reason());
        assertTrue(chip.pullUp(3) && chip.pullUp(12), "pull-up flag reaches GPPU");
        assertTrue(chip.interruptEnabled(3) && chip.interruptEnabled(12), "interrupt-on-change enabled");
        assertFalse(chip.isOutput(3));

        chip.setInput(3, false); // press K0 (port A)
        Event press = awaitKeyEvent(1);
        assertEquals("K0", press.getProperty(KeyEvents.LABEL));
        assertEquals(true, press.getProperty(KeyEvents.PRESSED));
        assertEquals(512 + 3, press.getProperty(KeyEvents.LINE), "global number of expander0:3");
        assertEquals("expander0:3", press.getProperty(KeyEvents.LINE_NAME), "as the board file names it");
        chip.setInput(3, true);
        assertEquals(false, awaitKeyEvent(2).getProperty(KeyEvents.PRESSED));
        chip.setInput(12, false); // port B: INTB mirrored onto INTA
        Event b = awaitKeyEvent(3);
        assertEquals("K1", b.getProperty(KeyEvents.LABEL));
        assertEquals(true, b.getProperty(KeyEvents.PRESSED));

        Await.until("INTA released after each service", () -> !chip.intAAsserted());
        Await.until("cascade counters", () -> bed.line("expander0:3").map(l -> l.edges() == 2 && l.handled() == 2)
                .orElse(false), () -> String.valueOf(bed.line("expander0:3")));
        assertEquals("irq/expander0:3-keys", bed.line("expander0:3").orElseThrow().irqThread());
        // The INTA handler's count goes up when it returns, after the nested key IRQs it dispatched: wait for it.
        Await.until("one INTA interrupt per change", () -> bed.line(String.valueOf(INT)).orElseThrow().handled() >= 3,
                () -> String.valueOf(bed.line(String.valueOf(INT))));
        assertEquals(3, bed.line(String.valueOf(INT)).orElseThrow().handled(), "one INTA interrupt per change");
        assertEquals(3, chip.interrupts());
    }

    @Test
    void ledsGpioOnAnExpanderLineDrivesOlat() {
        addExpander("expander0", ADDR);
        DeviceInfo l = bed.addDevice("leds", "gpio-leds", "gpios", new String[] {"expander0:9"},
                "labels", new String[] {"status"}, "trigger", new String[] {"default-on"});
        assertEquals(DeviceState.BOUND, l.state(), l.reason());
        assertTrue(chip.isOutput(9));
        assertEquals(0x02, chip.peek(OLATB), "GPB1 latched high");
        assertTrue(chip.pin(9));
        assertEquals("out", bed.line("expander0:9").orElseThrow().direction());
        assertEquals(1, bed.line("expander0:9").orElseThrow().level());

        bed.unbind("leds");
        assertEquals(0, chip.peek(OLATB), "off on release");
        assertFalse(chip.isOutput(9), "back to an input");
        assertTrue(bed.line("expander0:9").isEmpty());
    }

    @Test
    void badNodesFailNamingDeviceAndKey() {
        DeviceInfo addr = addExpander("expander9", 0x30);
        assertEquals(DeviceState.FAILED, addr.state());
        assertEquals("device expander9: key 'reg': 0x30 is not an MCP23017 address (0x20..0x27, set by pins A2 A1 A0)",
                addr.reason());
        DeviceInfo names = addExpander("expander8", ADDR, "gpio-line-names", new String[] {"a", "b"});
        assertEquals(DeviceState.FAILED, names.state());
        assertTrue(names.reason().startsWith("device expander8: key 'gpio-line-names': 2 name(s) for 16 lines"),
                names.reason());
        bed.removeDevice("expander8");

        addExpander("expander0", ADDR);
        DeviceInfo pd = bed.addDevice("keys", "gpio-keys", "gpios", new String[] {"expander0:1"},
                "gpio-flags", new String[] {"pull-down"}, "labels", new String[] {"x"});
        assertEquals(DeviceState.FAILED, pd.state());
        assertEquals("device expander0 line 1 (GPA1): pull-down is not available (the MCP23017 has 100 kOhm pull-ups "
                + "only)", pd.reason());
        DeviceInfo od = bed.addDevice("leds", "gpio-leds", "gpios", new String[] {"expander0:2"},
                "gpio-flags", new String[] {"open-drain"});
        assertEquals(DeviceState.FAILED, od.state());
        assertTrue(od.reason().contains("open-drain is not available (MCP23017 outputs are push-pull)"), od.reason());
        bed.removeDevice("keys");
        DeviceInfo range = bed.addDevice("keys", "gpio-keys", "gpios", new String[] {"expander0:16"},
                "labels", new String[] {"x"});
        assertEquals(DeviceState.FAILED, range.state());
        assertEquals("device keys: key 'gpios': entry 0 (expander0:16): line 16 out of range of GPIO controller "
                + "expander0 (lines 0..15)", range.reason());
        assertEquals(0, chip.peek(GPPUA), "refused lines left the chip as it was");
    }

    @Test
    void absentChipFailsNamingDeviceAndAddressAndItsConsumersWait() {
        DeviceInfo d = addExpander("expander1", 0x21); // nothing at 0x21
        assertEquals(DeviceState.FAILED, d.state());
        assertTrue(d.reason().startsWith("device expander1: no MCP23017 answers at I2C bus 1 address 0x21: "),
                d.reason());
        assertTrue(d.reason().contains("NACK"), d.reason());
        DeviceInfo k = addKeys("expander1:0");
        assertEquals(DeviceState.DEFERRED, k.state());
        assertTrue(k.reason().startsWith("waiting for GPIO controller expander1"), k.reason());
        assertTrue(bed.board().lines().isEmpty(), "the failed probe released INTA: " + bed.board().lines());
        assertTrue(bed.board().i2cDevices().isEmpty());
    }

    @Test
    void unplugRemovesConsumersFirstResetsTheChipAndLeavesNoThread() throws Exception {
        addExpander("expander0", ADDR);
        chip.setInput(3, true);
        addKeys("expander0:3");
        bed.addDevice("leds", "gpio-leds", "gpios", new String[] {"expander0:9"}, "trigger",
                new String[] {"default-on"});
        assertEquals(DeviceState.BOUND, bed.device("leds").state());

        bed.unregister(driverId); // the driver bundle goes
        for (String c : List.of("keys", "leds")) {
            DeviceInfo d = bed.device(c);
            assertEquals(DeviceState.DEFERRED, d.state(), c);
            assertTrue(d.reason().contains("GPIO controller expander0"), d.reason());
        }
        assertEquals(DeviceState.UNBOUND, bed.device("expander0").state());
        assertEquals(0xFF, chip.peek(IODIRA) & chip.peek(IODIRB));
        assertEquals(0, chip.peek(OLATB) | chip.peek(GPINTENA) | chip.peek(GPPUA));
        assertTrue(bed.board().lines().isEmpty(), String.valueOf(bed.board().lines()));
        assertTrue(bed.board().i2cDevices().isEmpty());
        assertTrue(Kthreads.list().stream().noneMatch(t -> t.name().contains("expander0")),
                String.valueOf(Kthreads.list()));

        driverId = bed.register(driver, "microchip,mcp23017"); // plugged in again
        assertEquals(DeviceState.BOUND, bed.awaitState("keys", DeviceState.BOUND).state());
        assertEquals(DeviceState.BOUND, bed.awaitState("leds", DeviceState.BOUND).state());
        assertTrue(chip.isOutput(9));
        chip.setInput(3, false);
        assertEquals(true, awaitKeyEvent(1).getProperty(KeyEvents.PRESSED));
    }

    @Test
    void withoutAnInterruptLineThePollerDeliversEdges() throws Exception {
        bed.addDevice("expander0", "microchip,mcp23017", "i2c-bus", BUS, "reg", ADDR, "poll-ms", 5);
        assertTrue(Kthreads.list().stream().anyMatch(k -> k.name().equals("mcp23017/expander0")));
        chip.setInput(5, true);
        addKeys("expander0:5");
        chip.setInput(5, false);
        assertEquals(true, awaitKeyEvent(1).getProperty(KeyEvents.PRESSED));
        chip.setInput(5, true);
        assertEquals(false, awaitKeyEvent(2).getProperty(KeyEvents.PRESSED));
    }
}
