package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.Device;
import io.kdrv.driver.DevresHandle;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadInfo;
import io.kdrv.kthread.Kthreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Early release of single devres entries (devm_release_action / devm_remove_action / devm_free_irq). */
@Timeout(60)
class DevresHandleTest extends CoreTestBase {
    private static int sleeper(Object unused) {
        while (!Kthread.shouldStop()) {
            Kthread.sleep(Duration.ofSeconds(10));
        }
        return 0;
    }

    @Test
    void aReleasedActionRunsNowAndNotAgainOnRemove_aRemovedOneNever() {
        AtomicReference<List<DevresHandle>> handles = new AtomicReference<>();
        TestDriver d = newDriver("d/h");
        d.onProbe = dev -> handles.set(List.of(dev.addAction(() -> log.add("action a")),
                dev.addAction(() -> log.add("action b")), dev.addAction(() -> log.add("action c"))));
        register(d, "h");
        core.nodeUpdated("p1", node("h0", "h"));
        idle();
        DevresHandle a = handles.get().get(0);
        DevresHandle b = handles.get().get(1);
        assertTrue(a.active());
        assertTrue(a.release(), "devm_release_action");
        assertEquals(List.of("action a"), logMatching("action"));
        assertFalse(a.release(), "only once");
        assertFalse(a.active());
        assertTrue(b.remove(), "devm_remove_action");
        assertFalse(b.release(), "a removed entry is gone");
        core.nodeDeleted("p1");
        idle();
        assertEquals(List.of("action a", "action c"), logMatching("action"), "b never ran, a ran once");
    }

    /** An action whose description is expensive or broken: counted when it is described. */
    private static final class Described implements io.kdrv.driver.DevresAction {
        final java.util.concurrent.atomic.AtomicInteger described = new java.util.concurrent.atomic.AtomicInteger();
        final boolean broken;

        Described(boolean broken) {
            this.broken = broken;
        }

        @Override
        public void release() {
        }

        @Override
        public String toString() {
            described.incrementAndGet();
            if (broken) {
                throw new IllegalStateException("no name");
            }
            return "lamp driver state";
        }
    }

    @Test
    void anActionIsDescribedOnlyWhenAskedAndABrokenToStringDoesNotFailTheProbe() {
        Described good = new Described(false);
        Described broken = new Described(true);
        AtomicReference<List<DevresHandle>> handles = new AtomicReference<>();
        TestDriver d = newDriver("d/described");
        d.onProbe = dev -> handles.set(List.of(dev.addAction(good), dev.addAction(broken)));
        register(d, "described");
        core.nodeUpdated("p1", node("ds0", "described"));
        idle();
        assertEquals(0, good.described.get() + broken.described.get(), "probe did not call toString");
        assertEquals("action lamp driver state", handles.get().get(0).what());
        assertEquals("action lamp driver state", handles.get().get(0).what());
        assertEquals(1, good.described.get(), "described once");
        String w = handles.get().get(1).what();
        assertTrue(w.startsWith("action " + Described.class.getName()) && w.contains("toString failed"), w);
        core.nodeDeleted("p1");
        idle();
    }

    @Test
    void aKthreadReleasedEarlyIsStoppedAndLeavesNoEntry() {
        AtomicReference<Device> dev = new AtomicReference<>();
        AtomicReference<Kthread> k = new AtomicReference<>();
        TestDriver d = newDriver("d/k");
        d.onProbe = x -> {
            dev.set(x);
            k.set(x.kthreadRun(DevresHandleTest::sleeper, null, "early/%s", x.name()));
        };
        register(d, "k");
        core.nodeUpdated("p1", node("k0", "k"));
        idle();
        DevresHandle h = dev.get().devres(k.get()).orElseThrow();
        assertEquals("kthread early/k0", h.what());
        assertTrue(h.release());
        assertEquals(Kthread.State.EXITED, k.get().state());
        assertTrue(dev.get().devres(k.get()).isEmpty(), "no entry left behind");
        assertTrue(Kthreads.list().stream().map(KthreadInfo::name).noneMatch("early/k0"::equals));
    }

    @Test
    void aFreedIrqLeavesNoDevresEntryAndTheBoardIsNoLongerHeld() {
        FakeBoard board = new FakeBoard(log);
        core.setBoard(board);
        AtomicReference<Device> dev = new AtomicReference<>();
        AtomicReference<Irq> irq = new AtomicReference<>();
        AtomicReference<Object> input = new AtomicReference<>();
        TestDriver d = newDriver("d/irq");
        d.onProbe = x -> {
            dev.set(x);
            com.pi4j.io.gpio.digital.DigitalInput in = x.gpioInput("gpios");
            input.set(in);
            irq.set(x.requestThreadedIrq(in, Edge.BOTH, e -> { }));
        };
        register(d, "irq");
        core.nodeUpdated("p1", node("i0", "irq", "gpios", 5));
        idle();
        DeviceImpl impl = (DeviceImpl) dev.get();
        assertTrue(dev.get().devres(irq.get()).isPresent());
        irq.get().free();
        irq.get().free(); // idempotent
        assertTrue(dev.get().devres(irq.get()).isEmpty(), "the freed IRQ left no entry");
        assertEquals(1, logMatching("close irq/").size(), "freed once");
        assertTrue(impl.usesBoard(), "the GPIO input is still held");
        assertTrue(dev.get().devres(input.get()).orElseThrow().release());
        assertTrue(board.owners().isEmpty(), "pin released");
        assertFalse(impl.usesBoard(), "nothing from the board is held any more");
        core.nodeDeleted("p1");
        idle();
        assertEquals(List.of("close gpio5"), logMatching("close gpio"), "released once, early");
    }
}
