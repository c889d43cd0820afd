package io.kdrv.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.LineInfo;
import io.kdrv.driver.ChipInterrupt;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.driver.GpioChip;
import io.kdrv.driver.GpioController;
import io.kdrv.driver.Irq;
import io.kdrv.driver.LineConfig;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.Kthreads;
import io.kdrv.testing.SampleDrivers.ButtonDriver;
import io.kdrv.testing.await.Await;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GPIO controllers provided by drivers, end to end on the mock board: an in-memory 8-line expander whose interrupt
 * output is SoC line {@value #INT_LINE} (its own threaded IRQ cascades to the consumers' IRQs), consumers on its
 * lines through the ordinary Device API.
 */
@Timeout(60)
class GpioControllerTest {
    static final int INT_LINE = 5;

    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    final List<String> order = new CopyOnWriteArrayList<>();

    /**
     * An expander with 8 pins in memory: {@link #drive} changes an input pin and pulls INT (SoC line 5) low; its
     * threaded IRQ on INT compares the pins with the last levels it reported and delivers the changed ones.
     */
    final class Expander implements Driver, GpioController {
        final boolean[] pins = new boolean[8];      // guarded by this
        final boolean[] reported = new boolean[8];  // guarded by this
        final boolean[] output = new boolean[8];    // guarded by this
        final LineConfig[] configs = new LineConfig[8];
        volatile GpioChip chip;
        volatile Irq intIrq;
        final AtomicReference<String> cascadeThread = new AtomicReference<>();

        @Override
        public void probe(Device dev) throws Exception {
            chip = dev.registerGpioController(this);
            DigitalInput intLine = dev.gpioInput("interrupts", 0, LineConfig.DEFAULT.withActiveLow(true));
            intIrq = dev.requestThreadedIrq(intLine, Edge.RISING, e -> {
                cascadeThread.set(Kthread.current().name());
                for (int i = 0; i < 8; i++) {
                    boolean level;
                    synchronized (this) {
                        if (pins[i] == reported[i]) {
                            continue;
                        }
                        level = reported[i] = pins[i];
                    }
                    chip.handleNestedIrq(i, level, e.timestampNanos());
                }
                bed.mock().setInput(INT_LINE, true); // the chip releases INT once its flags are read
            });
        }

        @Override
        public void remove(Device dev) {
            order.add("remove " + dev.name());
        }

        void drive(int line, boolean high) {
            synchronized (this) {
                pins[line] = high;
            }
            bed.mock().setInput(INT_LINE, false);
        }

        @Override
        public int lineCount() {
            return 8;
        }

        @Override
        public String lineName(int line) {
            return "P" + line;
        }

        @Override
        public void requestInput(int line, LineConfig config) {
            if (config.bias() == LineConfig.Bias.PULL_DOWN) {
                throw new IllegalArgumentException("expander line " + line + ": pull-down is not supported");
            }
            configs[line] = config;
        }

        @Override
        public synchronized void requestOutput(int line, LineConfig config, boolean high) {
            configs[line] = config;
            output[line] = high;
        }

        @Override
        public synchronized boolean read(int line) {
            return configs[line] != null && output[line] ? true : pins[line];
        }

        @Override
        public synchronized void write(int line, boolean high) {
            output[line] = high;
        }

        @Override
        public void release(int line) {
            configs[line] = null;
            order.add("release line " + line);
        }
    }

    /** An output consumer: drives its line high at probe. */
    final class Lamp implements Driver {
        volatile DigitalOutput out;

        @Override
        public void probe(Device dev) throws Exception {
            out = dev.gpioOutput("gpios", 0, DigitalState.LOW);
            out.high();
        }

        @Override
        public void remove(Device dev) {
            order.add("remove " + dev.name());
        }
    }

    final Expander expander = new Expander();
    final ButtonDriver buttons = new ButtonDriver();

    private void registerAll() {
        bed.register(expander, "test,expander");
        bed.register(buttons, "test,button");
        bed.register(new Lamp(), "test,lamp");
    }

    private DeviceInfo addExpander() {
        bed.mock().setInput(INT_LINE, true); // INT idles high (open drain with pull-up)
        return bed.addDevice("expander0", "test,expander", "interrupts", new int[] {INT_LINE});
    }

    @Test
    void consumerOnAControllerLineGetsCascadedEdgesWithTheSameCounters() {
        registerAll();
        assertEquals(DeviceState.BOUND, addExpander().state());
        DeviceInfo b = bed.addDevice("button0", "test,button", "gpios", new String[] {"expander0:3"});
        assertEquals(DeviceState.BOUND, b.state(), b.reason());

        // One change per interrupt (a chip coalesces changes that come while INT is still asserted).
        boolean[] levels = {true, false, true};
        for (int i = 0; i < levels.length; i++) {
            int n = i + 1;
            expander.drive(3, levels[i]);
            Await.until(n + " cascaded edge(s) handled", () -> buttons.seen.size() == n, () -> buttons.seen.toString());
            Await.until("the expander's IRQ done with interrupt " + n, () -> expander.intIrq.handled() == n);
        }
        assertEquals("irq/expander0:3-button0", buttons.seen.get(0).thread(), "the consumer's own irq kthread");
        assertEquals("irq/5-expander0", expander.cascadeThread.get(), "the controller's IRQ on its INT line");
        assertEquals(List.of(true, false, true), buttons.seen.stream().map(s -> s.event().rising()).toList());
        assertEquals(512 + 3, buttons.seen.get(0).event().line(), "global number of expander0:3");
        assertEquals(List.of(1L, 2L, 3L), buttons.seen.stream().map(s -> s.event().sequence()).toList());

        LineInfo line = bed.board().lines().stream().filter(l -> l.label().equals("expander0:3")).findFirst()
                .orElseThrow();
        assertEquals("button0", line.owner());
        assertEquals("in", line.direction());
        assertEquals("irq/expander0:3-button0", line.irqThread());
        assertEquals(3, line.edges());
        Await.until("handled counted", () -> bed.board().lines().stream()
                .anyMatch(l -> l.label().equals("expander0:3") && l.handled() == 3));
        assertEquals(1, line.level());
        assertTrue(bed.board().lines().stream().anyMatch(l -> l.label().equals("5") && l.owner().equals("expander0")),
                "the INT line is an ordinary SoC claim");
    }

    @Test
    void referenceErrorsNameDeviceAndKey() {
        registerAll();
        addExpander();
        DeviceInfo unknown = bed.addDevice("b1", "test,button", "gpios", new String[] {"nosuch:3"});
        assertEquals(DeviceState.FAILED, unknown.state());
        assertEquals("device b1: key 'gpios': entry 0 (nosuch:3): unknown GPIO controller 'nosuch': no device node "
                + "of that name", unknown.reason());
        DeviceInfo range = bed.addDevice("b2", "test,button", "gpios", new String[] {"expander0:8"});
        assertEquals(DeviceState.FAILED, range.state());
        assertEquals("device b2: key 'gpios': entry 0 (expander0:8): line 8 out of range of GPIO controller "
                + "expander0 (lines 0..7)", range.reason());
        DeviceInfo bias = bed.addDevice("b3", "test,button", "gpios", new String[] {"expander0:1"},
                "gpio-flags", new String[] {"pull-down"});
        assertEquals(DeviceState.FAILED, bias.state());
        assertEquals("expander line 1: pull-down is not supported", bias.reason());
        assertEquals(List.of(), bed.board().lines().stream().filter(l -> l.label().startsWith("expander0:")).toList(),
                "failed probes left no claim");
    }

    @Test
    void consumerDefersUntilTheControllerRegisters() {
        registerAll();
        bed.mock().setInput(INT_LINE, true);
        // The controller's node exists but its driver is not there yet.
        bed.unregister(bed.register("test/other", (Driver) dev -> { }, "test,unrelated"));
        DeviceInfo b = bed.addDevice("button0", "test,button", "gpios", new String[] {"expander0:2"});
        assertEquals(DeviceState.FAILED, b.state(), "no node expander0 yet: a configuration error");

        // Nodes come in any order (Configuration Admin): the node's arrival retries the consumer, which now defers.
        bed.addDevice("expander0", "test,nodriver", "interrupts", new int[] {INT_LINE});
        b = bed.awaitState("button0", DeviceState.DEFERRED);
        assertEquals("waiting for GPIO controller expander0 (gpios[0] = expander0:2): its device has not registered "
                + "it yet", b.reason());
        assertTrue(bed.manager().deferred().stream().anyMatch(d -> d.name().equals("button0")), "kdrv:deferred");

        bed.addDevice("expander0", "test,expander", "interrupts", new int[] {INT_LINE}); // now its driver matches
        assertEquals(DeviceState.BOUND, bed.device("expander0").state());
        assertEquals(DeviceState.BOUND, bed.awaitState("button0", DeviceState.BOUND).state());
        expander.drive(2, true);
        Await.until("edge after the late bind", () -> buttons.seen.size() == 1);
    }

    @Test
    void unbindingTheControllerRemovesItsConsumersFirstAndTheyComeBack() {
        registerAll();
        addExpander();
        bed.addDevice("button0", "test,button", "gpios", new String[] {"expander0:3"});
        bed.addDevice("lamp0", "test,lamp", "gpios", new String[] {"expander0:7"});
        assertEquals(DeviceState.BOUND, bed.device("lamp0").state());
        assertEquals(true, expander.output[7]);

        bed.unbind("expander0");
        assertEquals(List.of("remove lamp0", "release line 7", "release line 3", "remove expander0"), order,
                "consumers (newest first) and their lines before the controller");
        assertEquals(List.of("button0"), buttons.removed);
        assertEquals(false, expander.output[7], "the lamp's line was driven to its off level on release");
        for (String c : List.of("button0", "lamp0")) {
            DeviceInfo d = bed.device(c);
            assertEquals(DeviceState.DEFERRED, d.state(), c);
            assertTrue(d.reason().contains("GPIO controller expander0"), d.reason());
        }
        assertTrue(Kthreads.list().stream().noneMatch(k -> k.name().startsWith("irq/expander0")), "no IRQ kthread left");

        bed.bind("expander0");
        assertEquals(DeviceState.BOUND, bed.awaitState("button0", DeviceState.BOUND).state());
        assertEquals(DeviceState.BOUND, bed.awaitState("lamp0", DeviceState.BOUND).state());
        expander.drive(3, true);
        Await.until("edge after re-bind", () -> buttons.seen.size() == 1);

        order.clear();
        bed.removeDevice("expander0"); // node deleted: same order
        assertEquals("remove expander0", order.getLast());
        assertTrue(order.indexOf("remove lamp0") >= 0 && order.indexOf("release line 3") >= 0, order.toString());
        assertEquals(List.of("button0", "button0"), buttons.removed);
    }

    @Test
    void irqErrorsNameTheLineAsTheBoardFileDoes() {
        registerAll();
        addExpander();
        bed.register((Driver) dev -> dev.requestThreadedIrq(dev.gpioInput("gpios", 0), Edge.BOTH, Duration.ofMillis(-1),
                e -> { }), "test,bad-debounce");
        DeviceInfo d = bed.addDevice("b9", "test,bad-debounce", "gpios", new String[] {"expander0:3"});
        assertEquals(DeviceState.FAILED, d.state());
        assertTrue(d.reason().startsWith("GPIO expander0:3 (device b9): debounce must be >= 0"), d.reason());
    }

    @Test
    void chipInterruptServicesAnIntAssertedBeforeTheIrqAndEachAssertion() {
        List<String> serviced = new CopyOnWriteArrayList<>();
        bed.register((Driver) dev -> {
            if (ChipInterrupt.configured(dev, "interrupts", "INT")) {
                ChipInterrupt.request(dev, "interrupts", t -> {
                    serviced.add(Kthread.current().name());
                    bed.mock().setInput(INT_LINE, true); // reading the chip releases INT
                });
            }
        }, "test,int");
        bed.mock().setInput(INT_LINE, false); // asserted (active low) before the driver probes: no edge will come
        DeviceInfo d = bed.addDevice("chip0", "test,int", "interrupts", new int[] {INT_LINE});
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(1, serviced.size(), "serviced once at probe");
        assertTrue(!serviced.get(0).startsWith("irq/"), serviced.toString());
        bed.mock().setInput(INT_LINE, false);
        Await.until("the assertion serviced by the IRQ", () -> serviced.size() == 2, serviced::toString);
        assertEquals("irq/5-chip0", serviced.get(1));
        LineInfo intLine = bed.line("5").orElseThrow();
        assertEquals("in", intLine.direction());

        DeviceInfo two = bed.addDevice("chip1", "test,int", "interrupts", new int[] {6, 7});
        assertEquals(DeviceState.FAILED, two.state());
        assertEquals("device chip1: key 'interrupts': give exactly one line (INT), got [6, 7]", two.reason());
    }

    @Test
    void controllerLinesAreOwnedExclusively() {
        registerAll();
        addExpander();
        assertEquals(DeviceState.BOUND, bed.addDevice("b1", "test,button", "gpios", new String[] {"expander0:4"}).state());
        DeviceInfo second = bed.addDevice("l1", "test,lamp", "gpios", new String[] {"expander0:4"});
        assertEquals(DeviceState.FAILED, second.state());
        assertEquals("GPIO expander0:4 is already claimed by device b1", second.reason());
        // A SoC line and a controller line with the same offset are different lines.
        assertEquals(DeviceState.BOUND, bed.addDevice("l2", "test,lamp", "gpios", new int[] {4}).state());
    }

    @Test
    void activeLowOnAControllerOutputIsAppliedByTheFramework() {
        registerAll();
        addExpander();
        DeviceInfo l = bed.addDevice("lamp0", "test,lamp", "gpios", new String[] {"expander0:6"},
                "gpio-flags", new String[] {"active-low"});
        assertEquals(DeviceState.BOUND, l.state(), l.reason());
        assertEquals(false, expander.output[6], "logical high = physical low");
        bed.unbind("lamp0");
        assertEquals(true, expander.output[6], "released: off (logical low) = physical high");
    }
}
