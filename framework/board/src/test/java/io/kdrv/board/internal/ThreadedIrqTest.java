package io.kdrv.board.internal;

import static io.kdrv.board.internal.TestSupport.await;
import static io.kdrv.board.internal.TestSupport.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import io.kdrv.board.Boards;
import io.kdrv.board.KdrvBoard;
import io.kdrv.driver.Device;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.IrqEvent;
import io.kdrv.driver.spi.Board.Handle;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.Kthreads;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestSupport.NoKthreadLeaks.class)
class ThreadedIrqTest {
    private final Device button = device("button0");
    private KdrvBoard board = Boards.open(TestSupport.pi4jMock(28));

    @AfterEach
    void closeBoard() {
        board.close();
    }

    private MockDigitalInput mock(DigitalInput in) {
        return (MockDigitalInput) in;
    }

    /** Toggles the line n times starting from its current level: n edges. */
    private static void toggle(MockDigitalInput in, int n) {
        for (int i = 0; i < n; i++) {
            in.mockState(in.state() == DigitalState.HIGH ? DigitalState.LOW : DigitalState.HIGH);
        }
    }

    @Test
    void edgesRunOnTheIrqKthreadInOrderWithMonotonicTimestamps() {
        DigitalInput in = board.openInput(button, 17).get();
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
            threads.add(Kthread.current() == null ? "<not a kthread>" : Kthread.current().name());
            events.add(e);
        }).get();
        assertEquals("irq/17-button0", irq.threadName());
        assertEquals(17, irq.line());

        toggle(mock(in), 200);
        await("200 edges handled", () -> irq.handled() == 200, irq::toString);

        assertEquals(200, events.size());
        assertTrue(threads.stream().allMatch("irq/17-button0"::equals), threads.toString());
        for (int i = 0; i < events.size(); i++) {
            IrqEvent e = events.get(i);
            assertEquals(17, e.line());
            assertEquals(i + 1, e.sequence(), "edges in order");
            assertEquals(i % 2 == 0, e.rising(), "levels alternate starting with a rising edge");
            if (i > 0) {
                assertTrue(e.timestampNanos() >= events.get(i - 1).timestampNanos(), "monotonic timestamps");
            }
        }
        assertEquals(200, irq.edges());
        assertEquals(0, irq.overflows());
        assertEquals(0, irq.debounced());
    }

    @Test
    void edgeFilterDeliversOnlyTheRequestedPolarity() {
        DigitalInput rising = board.openInput(button, 5).get();
        DigitalInput falling = board.openInput(button, 6).get();
        List<Boolean> up = new CopyOnWriteArrayList<>();
        List<Boolean> down = new CopyOnWriteArrayList<>();
        Irq r = board.requestThreadedIrq(button, rising, Edge.RISING, Duration.ZERO, e -> up.add(e.rising())).get();
        Irq f = board.requestThreadedIrq(button, falling, Edge.FALLING, Duration.ZERO, e -> down.add(e.rising()))
                .get();

        toggle(mock(rising), 10);  // 5 rising, 5 falling
        toggle(mock(falling), 10);
        await("5 rising + 5 falling handled", () -> r.handled() == 5 && f.handled() == 5, () -> r + " " + f);

        assertEquals(List.of(true, true, true, true, true), up);
        assertEquals(List.of(false, false, false, false, false), down);
        assertEquals(5, r.edges());
        assertEquals(5, f.edges());
    }

    @Test
    void overflowDropsTheOldestEdgesSoTheNewestAreDelivered() throws Exception {
        DigitalInput in = board.openInput(button, 17).get();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
            events.add(e);
            if (e.sequence() == 1) {
                entered.countDown();
                release.await(); // the bottom half is stuck: the FIFO (1024) must absorb or count the burst
            }
        }).get();

        toggle(mock(in), 1);
        assertTrue(entered.await(30, TimeUnit.SECONDS), "first edge reached the handler");
        toggle(mock(in), 9_999);
        assertEquals(10_000, irq.edges());
        // while blocked: one edge in the handler, the newest 1024 queued, the older ones dropped and counted
        int capacity = Boards.DEFAULT_IRQ_FIFO_CAPACITY;
        assertEquals(10_000 - 1 - capacity, irq.overflows());

        release.countDown();
        await("every edge handled or counted", () -> irq.handled() + irq.overflows() == 10_000, irq::toString);
        assertEquals(1 + capacity, irq.handled());
        assertEquals(1 + capacity, events.size());
        for (int i = 1; i < events.size(); i++) {
            assertEquals(10_000 - capacity + i, events.get(i).sequence(), "the newest edges, in order");
        }
        IrqEvent last = events.getLast();
        assertEquals(10_000, last.sequence(), "the most recent edge is never lost");
        assertEquals(mock(in).state(), last.state(), "the handler saw the line's final level");
        assertEquals(0, irq.debounced());
        assertEquals(irq.edges(), irq.handled() + irq.overflows() + irq.debounced());
    }

    @Test
    void aFloodWithAConcurrentConsumerLosesNoEdgeUncounted() {
        board.close();
        board = Boards.open(TestSupport.pi4jMock(28), 4); // tiny FIFO: producer drops race the consumer's pops
        DigitalInput in = board.openInput(button, 17).get();
        long[] lastSeq = {0};
        AtomicInteger outOfOrder = new AtomicInteger();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
            if (e.sequence() <= lastSeq[0]) {
                outOfOrder.incrementAndGet();
            }
            lastSeq[0] = e.sequence();
        }).get();

        toggle(mock(in), 100_000);
        await("every edge handled or counted", () -> irq.handled() + irq.overflows() == 100_000, irq::toString);
        assertEquals(0, outOfOrder.get(), "sequences only increase");
        assertEquals(100_000, lastSeq[0], "the last edge is delivered");
    }

    @Test
    void burstOf10000EdgesFittingTheFifoIsDeliveredCompletelyInOrder() {
        board.close();
        board = Boards.open(TestSupport.pi4jMock(28), 16_384);
        DigitalInput in = board.openInput(button, 17).get();
        long[] lastSeq = {0};
        AtomicInteger outOfOrder = new AtomicInteger();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
            if (e.sequence() != lastSeq[0] + 1) {
                outOfOrder.incrementAndGet();
            }
            lastSeq[0] = e.sequence();
        }).get();

        toggle(mock(in), 10_000);
        await("10000 edges handled", () -> irq.handled() == 10_000, irq::toString);
        assertEquals(10_000, irq.edges());
        assertEquals(0, irq.overflows());
        assertEquals(0, outOfOrder.get());
    }

    /** Bounces of a contact land well inside this window even on a loaded machine. */
    private static final Duration WINDOW = Duration.ofMillis(300);

    private static void assertAccounted(Irq irq) {
        assertEquals(irq.edges(), irq.handled() + irq.overflows() + irq.debounced(), irq.toString());
    }

    @Test
    void debounceDeliversTheSettledLevelOnceWithTheLastEdge() {
        DigitalInput in = board.openInput(button, 17).get();
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, WINDOW, e -> {
            threads.add(Kthread.current().name());
            events.add(e);
        }).get();
        assertEquals(WINDOW, irq.debounce());

        toggle(mock(in), 7); // a bouncing press: ends HIGH
        await("press settled", () -> irq.handled() == 1, irq::toString);
        assertEquals(1, events.size(), events::toString);
        IrqEvent press = events.getFirst();
        assertTrue(press.rising(), "the settled level, not the first edge's");
        assertEquals(7, press.sequence(), "the window's last edge");
        assertEquals(6, irq.debounced());
        assertAccounted(irq);

        toggle(mock(in), 9); // a bouncing release: ends LOW
        await("release settled", () -> irq.handled() == 2, irq::toString);
        assertFalse(events.get(1).rising());
        assertEquals(16, events.get(1).sequence());
        assertEquals(14, irq.debounced());
        assertEquals(16, irq.edges());
        assertAccounted(irq);
        assertEquals(List.of("irq/17-button0", "irq/17-button0"), threads, "settled on the irq kthread");
    }

    @Test
    void debounceOfAnEvenBurstDeliversNothing() {
        DigitalInput in = board.openInput(button, 17).get();
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, WINDOW, events::add).get();

        toggle(mock(in), 8); // back where it started: no change of the settled level
        await("burst absorbed", () -> irq.debounced() == 8, irq::toString);
        assertEquals(List.of(), events);
        assertEquals(0, irq.handled());
        assertAccounted(irq);
    }

    @Test
    void debounceWithOnePolaritySeesTheOtherEdgesSettleToo() {
        DigitalInput in = board.openInput(button, 17).get();
        Duration window = Duration.ofMillis(20);
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.RISING, window, events::add).get();

        toggle(mock(in), 1);                     // press
        TestSupport.elapse(window.multipliedBy(3));
        toggle(mock(in), 1);                     // release: not delivered, but the settled level is LOW again
        TestSupport.elapse(window.multipliedBy(3));
        toggle(mock(in), 1);                     // the next press is a change again
        await("two presses", () -> irq.handled() == 2, irq::toString);
        assertEquals(List.of(true, true), events.stream().map(IrqEvent::rising).toList());
        assertEquals(List.of(1L, 2L), events.stream().map(IrqEvent::sequence).toList());
        assertEquals(2, irq.edges(), "only rising edges count");
        assertEquals(0, irq.debounced());
    }

    @Test
    void aTapShorterThanTheWindowIsPressAndReleaseOrNothing() {
        DigitalInput in = board.openInput(button, 17).get();
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, WINDOW, events::add).get();

        mock(in).mockState(DigitalState.HIGH);
        mock(in).mockState(DigitalState.LOW);
        await("tap accounted", () -> irq.handled() + irq.debounced() == 2, irq::toString);
        List<Boolean> levels = events.stream().map(IrqEvent::rising).toList();
        assertTrue(levels.isEmpty() || levels.equals(List.of(true, false)), "never a stuck press: " + levels);
        assertAccounted(irq);
    }

    @Test
    void handlerExceptionIsLoggedAndDeliveryContinues() {
        DigitalInput in = board.openInput(button, 17).get();
        List<Long> seen = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
            seen.add(e.sequence());
            if (e.sequence() % 2 == 1) {
                throw new IllegalStateException("driver bug on edge " + e.sequence());
            }
        }).get();

        toggle(mock(in), 6);
        await("6 edges handled", () -> irq.handled() == 6, irq::toString);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), seen);
        assertEquals(3, irq.failures(), "the odd edges threw");
        assertTrue(Kthreads.list().stream().anyMatch(k -> k.name().equals("irq/17-button0")), "kthread still alive");
    }

    @Test
    void aHandlerThatAlwaysThrowsIsCountedPerIrqAndItsLogIsRateLimited() {
        DigitalInput in = board.openInput(button, 17).get();
        int n = 500;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        // slf4j-simple looks System.err up on every write, so this catches every line logged meanwhile
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (captured) {
                    captured.write(b);
                }
            }
        }, true, StandardCharsets.UTF_8));
        long tookNanos;
        try {
            Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
                throw new IllegalStateException("driver bug on edge " + e.sequence());
            }).get();
            long start = System.nanoTime();
            toggle(mock(in), n);
            await(n + " edges handled", () -> irq.handled() == n, irq::toString);

            assertEquals(n, irq.failures(), irq::toString);
            assertEquals(n, irq.edges());
            assertAccounted(irq); // a failed call still counts as handled: the edge was delivered
            assertEquals(n, board.lines().getFirst().failures(), "LineInfo carries the count");
            String list = new GpioCommands(board, null).list();
            assertTrue(list.matches("(?s).*LOST\\s+FAILED\n17\\s.*irq/17-button0\\s+" + n + "\\s+" + n
                    + "(\\s+0){3}\\s+" + n + "\n.*"), list);
            irq.free();
            tookNanos = System.nanoTime() - start;
        } finally {
            System.setErr(original);
        }

        String log;
        synchronized (captured) {
            log = captured.toString(StandardCharsets.UTF_8);
        }
        List<String> lines = log.lines().filter(l -> l.contains("irq/17-button0: ")).toList();
        long traces = log.lines().filter(l -> l.startsWith("java.lang.IllegalStateException: driver bug")).count();
        assertEquals(1, traces, "only the first failure carries its stack trace:\n" + log);
        assertTrue(lines.getFirst().contains("handler of device button0 failed on GPIO 17 edge #1"), lines::toString);
        assertTrue(lines.getFirst().contains("logged at most once per 5 s"), lines::toString);
        // first line, one per started 5 s interval of the burst, and the summary on free
        long bound = 2 + tookNanos / ThreadedIrq.FAILURE_LOG_INTERVAL.toNanos();
        assertTrue(lines.size() <= bound, lines.size() + " lines for " + n + " failures in " + tookNanos / 1_000_000
                + " ms, more than " + bound + ":\n" + String.join("\n", lines));
        String last = lines.getLast();
        assertTrue(last.contains("failed " + n + " of " + n + " handled edges") || last.contains("(" + n + " in total)"),
                "the last line accounts for every failure: " + last);
        assertTrue(log.length() < 32 * 1024, "the log stays small: " + log.length() + " chars");
    }

    @Test
    void freeRemovesTheListenerStopsTheKthreadAndIsIdempotent() {
        DigitalInput in = board.openInput(button, 17).get();
        AtomicInteger calls = new AtomicInteger();
        Handle<Irq> handle = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO,
                e -> calls.incrementAndGet());
        Irq irq = handle.get();
        toggle(mock(in), 3);
        await("3 edges handled", () -> irq.handled() == 3, irq::toString);

        irq.free();
        irq.free();
        handle.close();
        assertFalse(mock(in).hasListenersOrBindings(), "no Pi4J listener left on the input");
        assertTrue(Kthreads.list().stream().noneMatch(k -> k.name().equals("irq/17-button0")), "kthread stopped");

        toggle(mock(in), 5);
        assertEquals(3, calls.get(), "the old handler is not reached");
        assertEquals(3, irq.edges());

        // the line still belongs to button0, and a new IRQ can be requested on it
        List<Long> again = new ArrayList<>();
        Irq second = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
            synchronized (again) {
                again.add(e.sequence());
            }
        }).get();
        toggle(mock(in), 1);
        await("new IRQ handles the edge", () -> second.handled() == 1, second::toString);
    }

    @Test
    void freeFromTheHandlerItselfEndsTheKthread() {
        DigitalInput in = board.openInput(button, 17).get();
        Irq[] self = new Irq[1];
        CountDownLatch freed = new CountDownLatch(1);
        self[0] = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
            self[0].free();
            freed.countDown();
        }).get();
        toggle(mock(in), 1);
        await("handler freed its IRQ", () -> freed.getCount() == 0, () -> self[0]);
        await("irq kthread gone", () -> Kthreads.list().stream().noneMatch(k -> k.name().equals("irq/17-button0")),
                Kthreads::list);
        assertFalse(mock(in).hasListenersOrBindings());
    }
}
