package io.kdrv.board.internal;

import static io.kdrv.board.internal.TestSupport.await;
import static io.kdrv.board.internal.TestSupport.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.BoardException;
import io.kdrv.board.LineInfo;
import io.kdrv.driver.Device;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.IrqEvent;
import io.kdrv.driver.spi.Board.Handle;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.Kthreads;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** Threaded IRQs on a kernel edge source: the irq kthread reads the kernel's records itself. */
@ExtendWith(TestSupport.NoKthreadLeaks.class)
@Timeout(60)
class KernelEdgeIrqTest {
    private final Device button = device("button0");
    private final PinBoard board = PinBoard.open(FakeKernelInput.platform(28),
            new IrqSettings(1024, 64, Duration.ofMillis(5)));

    @AfterEach
    void closeBoard() {
        board.close();
    }

    private FakeKernelInput input(int line) {
        return (FakeKernelInput) board.openInput(button, line).get();
    }

    private static boolean irqThreadAlive() {
        return Kthreads.list().stream().anyMatch(k -> k.name().equals("irq/17-button0"));
    }

    @Test
    void kernelRecordsReachTheHandlerOnTheIrqKthreadWithKernelTimestampAndSeqno() {
        FakeKernelInput in = input(17);
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
            threads.add(Kthread.current().name());
            events.add(e);
        }).get();

        assertFalse(in.hasListenersOrBindings(), "no Pi4J listener on a kernel edge source");
        assertEquals(Edge.BOTH, in.requestedEdge);
        assertEquals(Duration.ofMillis(5), in.requestedDebounce, "kernel debounce from the board settings");
        assertEquals(64, in.requestedBuffer, "kernel buffer from the board settings");

        FakeKernelInput.Stream s = in.stream();
        s.feed(true, 1, 1_000);
        s.feed(false, 2, 2_000);
        s.feed(true, 3, 3_000);
        await("3 records handled", () -> irq.handled() == 3, irq::toString);

        assertEquals(List.of(1_000L, 2_000L, 3_000L), events.stream().map(IrqEvent::timestampNanos).toList(),
                "kernel timestamps");
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(IrqEvent::sequence).toList(), "kernel line_seqno");
        assertEquals(List.of(true, false, true), events.stream().map(IrqEvent::rising).toList());
        assertTrue(threads.stream().allMatch("irq/17-button0"::equals), threads.toString());
        assertEquals(3, irq.edges());
        assertEquals(0, irq.lost());
        assertEquals(0, irq.overflows());
    }

    @Test
    void aGapInTheKernelSequenceNumbersCountsAsLost() {
        FakeKernelInput in = input(17);
        List<Long> seqs = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> seqs.add(e.sequence())).get();
        FakeKernelInput.Stream s = in.stream();
        s.feed(true, 1, 10);
        s.feed(false, 2, 20);
        s.feed(true, 6, 60); // the kernel's FIFO dropped 3, 4, 5
        s.feed(false, 7, 70);
        await("4 records handled", () -> irq.handled() == 4, irq::toString);

        assertEquals(List.of(1L, 2L, 6L, 7L), seqs);
        assertEquals(3, irq.lost());
        assertEquals(4, irq.edges(), "lost edges never reached kdrv");
        assertEquals(0, irq.overflows(), "kdrv's own FIFO is not involved");
        assertEquals(0, irq.debounced());
        LineInfo info = board.lines().getFirst();
        assertEquals(3, info.lost(), "gpio:list shows it");
        assertEquals(4, info.handled());
    }

    @Test
    void freeWakesTheBlockedReaderStopsTheKthreadAndClosesTheStream() {
        FakeKernelInput in = input(17);
        Handle<Irq> handle = board.requestThreadedIrq(button, in, Edge.RISING, Duration.ZERO, e -> { });
        FakeKernelInput.Stream s = in.stream();
        assertEquals(Edge.RISING, in.requestedEdge, "without software debounce the kernel filters the polarity");
        await("irq kthread blocked in awaitEdgesUninterruptible", s::readerWaiting, s::calls);

        handle.get().free();
        assertEquals(List.of("wake", "close"), s.calls(), "woken first, closed once the kthread left it");
        assertFalse(irqThreadAlive(), "kthread gone");
        assertFalse(s.readerWaiting());

        // a new IRQ on the same line opens a new stream
        Irq again = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> { }).get();
        in.stream().feed(true, 1, 5);
        await("new IRQ handles the record", () -> again.handled() == 1, again::toString);
    }

    @Test
    void releasingTheLineOrClosingTheBoardEndsAKernelIrq() {
        FakeKernelInput in = input(17);
        board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> { });
        FakeKernelInput.Stream s = in.stream();
        await("reader blocked", s::readerWaiting, s::calls);
        board.close();
        assertTrue(s.isClosed());
        assertFalse(irqThreadAlive());
    }

    @Test
    void aKernelRefusalReachesTheCallerAndLeavesNothingBehind() {
        FakeKernelInput in = input(17);
        in.failNextOpen = "gpiochip0 line 17: EBUSY";
        BoardException e = assertThrows(BoardException.class,
                () -> board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, ev -> { }));
        assertTrue(e.getMessage().contains("gpiochip0 line 17: EBUSY"), e.getMessage());
        assertFalse(irqThreadAlive());
        assertNull(board.lines().getFirst().irqThread(), "no IRQ left on the line");

        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, ev -> { }).get();
        in.stream().feed(true, 1, 1);
        await("the line can get an IRQ again", () -> irq.handled() == 1, irq::toString);
    }

    @Test
    void freeFromTheHandlerItselfClosesTheStream() {
        FakeKernelInput in = input(17);
        Irq[] self = new Irq[1];
        CountDownLatch freed = new CountDownLatch(1);
        self[0] = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ZERO, e -> {
            self[0].free();
            freed.countDown();
        }).get();
        in.stream().feed(true, 1, 1);
        await("freed by its handler", () -> freed.getCount() == 0, () -> self[0]);
        await("stream closed by the exiting kthread", in.stream()::isClosed, in.stream()::calls);
        await("kthread gone", () -> !irqThreadAlive(), Kthreads::list);
    }

    @Test
    void softwareDebounceWorksOnTheKernelPathToo() throws Exception {
        FakeKernelInput in = input(17);
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.RISING, Duration.ofMillis(100), events::add).get();
        assertEquals(Edge.BOTH, in.requestedEdge, "the other polarity moves the settle deadline");
        FakeKernelInput.Stream s = in.stream();

        in.mockState(DigitalState.HIGH); // the line level the settle reads
        long t = System.nanoTime();
        s.feed(true, 1, t);              // press with a bounce: rise, fall, rise
        s.feed(false, 2, t + 1_000);
        s.feed(true, 3, t + 2_000);
        await("press settled", () -> irq.handled() == 1, irq::toString);

        assertEquals(1, events.size());
        IrqEvent press = events.getFirst();
        assertTrue(press.rising());
        assertEquals(3, press.sequence(), "the window's last edge");
        assertEquals(t + 2_000, press.timestampNanos());
        assertEquals(2, irq.edges(), "two rising edges");
        assertEquals(1, irq.debounced());
        assertEquals(0, irq.lost());

        // a record arriving while the kthread sleeps towards the deadline pushes it back and is still read
        in.mockState(DigitalState.LOW);
        long t2 = System.nanoTime();
        s.feed(false, 4, t2);
        in.mockState(DigitalState.HIGH);
        s.feed(true, 5, t2 + 1_000);
        in.mockState(DigitalState.LOW);
        s.feed(false, 8, t2 + 2_000); // and the kernel lost 6 and 7
        await("window absorbed", () -> irq.debounced() == 2 && s.drained(), irq::toString);
        assertEquals(1, events.size(), "back at LOW: no rising change to deliver");
        assertEquals(2, irq.lost());
        assertEquals(irq.edges(), irq.handled() + irq.debounced() + irq.overflows());
        assertTrue(Kthreads.list().stream().filter(k -> k.name().startsWith("irq/")).count() == 1,
                "no timer thread: " + Kthreads.list());
        assertTrue(s.timedCalls() > 0, "waited for the deadline on the stream itself");
    }

    @Test
    void anEdgeDuringTheWindowPushesTheDeadlineBackAndTheLastEdgeIsReported() {
        FakeKernelInput in = input(17);
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Duration window = Duration.ofMillis(300);
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, window, events::add).get();
        FakeKernelInput.Stream s = in.stream();

        in.mockState(DigitalState.HIGH);
        s.feed(true, 1, System.nanoTime());
        await("first edge read: the kthread waits for the deadline", () -> s.drained() && s.timedCalls() > 0,
                irq::toString);
        in.mockState(DigitalState.LOW);  // a bounce read while the window is open
        s.feed(false, 2, System.nanoTime());
        in.mockState(DigitalState.HIGH);
        long last = System.nanoTime();
        s.feed(true, 3, last);
        await("settled", () -> irq.handled() == 1, irq::toString);

        assertEquals(1, events.size(), events::toString);
        assertEquals(3, events.getFirst().sequence(), "one press, reported with the window's last edge");
        assertEquals(last, events.getFirst().timestampNanos());
        assertEquals(2, irq.debounced());
    }

    @Test
    void softwareDebounceAlsoWorksOnAStreamWithoutATimedWait() {
        FakeKernelInput in = input(17);
        in.timedWait = false;
        List<IrqEvent> events = new CopyOnWriteArrayList<>();
        Irq irq = board.requestThreadedIrq(button, in, Edge.BOTH, Duration.ofMillis(50), events::add).get();
        FakeKernelInput.Stream s = in.stream();
        in.mockState(DigitalState.HIGH);
        long t = System.nanoTime();
        s.feed(true, 1, t);
        s.feed(false, 2, t + 1_000);
        s.feed(true, 3, t + 2_000);
        await("settled", () -> irq.handled() == 1, irq::toString);
        assertTrue(events.getFirst().rising());
        assertEquals(3, events.getFirst().sequence());

        s.feed(false, 4, System.nanoTime()); // opens a window: the kthread sleeps towards its deadline
        irq.free();
        assertFalse(irqThreadAlive(), "free() ends the kthread, asleep or reading");
        assertTrue(s.isClosed());
    }
}
