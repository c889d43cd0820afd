package io.kdrv.hwtest.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import io.kdrv.board.linux.GpioChip;
import io.kdrv.board.linux.LineConfig;
import io.kdrv.board.linux.internal.KernelEdgeStream;
import io.kdrv.board.spi.EdgeStream;
import io.kdrv.board.spi.KernelEdgeSource;
import io.kdrv.driver.Edge;
import io.kdrv.hwtest.Rig;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.Kthreads;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kernel edge events through the provider's {@link KernelEdgeSource}: ping-pong, burst accounting, kernel debounce,
 * Pi4J listeners on a kthread. Lines 5, 6, 7, 8 of chip A (pulls put back down afterwards).
 */
class EdgeEventsTest {
    private static final Duration EDGE = Duration.ofSeconds(10);
    private final Rig.SimChip a = Rig.chipA();
    private Context ctx;

    @BeforeEach
    void open() {
        for (int line : new int[] {5, 6, 7, 8}) {
            a.pull(line, false);
        }
        ctx = LinuxRig.chipAPlatform().newContext();
    }

    @AfterEach
    void close() {
        ctx.shutdown();
        for (int line : new int[] {5, 6, 7, 8}) {
            a.pull(line, false);
        }
    }

    @Test
    void pingPong1000EdgesAllDeliveredInOrderNoneLost() throws Exception {
        DigitalInput in = LinuxRig.input(ctx, 5);
        KernelEdgeSource src = assertInstanceOf(KernelEdgeSource.class, in);
        EdgeStream stream = src.openEdges(Edge.BOTH, Duration.ZERO, 0);
        LinuxRig.Collector c = new LinuxRig.Collector(stream, "pingpong");
        long[] latency = new long[1000];
        try {
            long lastTs = 0;
            for (int i = 1; i <= 1000; i++) {
                boolean up = i % 2 == 1;
                long t0 = System.nanoTime();
                a.pull(5, up);
                LinuxRig.Edge e = c.next(EDGE, "edge " + i);
                latency[i - 1] = e.timestampNanos() - t0;
                assertEquals(up, e.rising(), "edge " + i);
                assertEquals(i, e.lineSeqno(), "edge " + i);
                assertTrue(e.timestampNanos() > lastTs, "timestamps increase");
                lastTs = e.timestampNanos();
            }
        } finally {
            c.stop();
            stream.close();
        }
        KernelEdgeStream ks = (KernelEdgeStream) stream;
        assertEquals(1000, ks.deliveredEdges());
        assertEquals(0, ks.lostEdges());
        Arrays.sort(latency);
        System.out.printf("hwtest: ping-pong 1000/1000 delivered, 0 lost; sysfs write -> kernel timestamp p50 %d us,"
                + " p99 %d us (TCG)%n", latency[500] / 1000, latency[990] / 1000);
    }

    @Test
    void aBurstIsAccountedExactlyByTheKernelSequenceNumbers() throws Exception {
        DigitalInput in = LinuxRig.input(ctx, 6);
        EdgeStream stream = ((KernelEdgeSource) in).openEdges(Edge.BOTH, Duration.ZERO, 16);
        KernelEdgeStream ks = (KernelEdgeStream) stream;
        // Nobody reads during the burst: the kernel's 16-event FIFO overflows and drops the oldest events.
        for (int i = 1; i <= 200; i++) {
            a.pull(6, i % 2 == 1);
        }
        LinuxRig.Collector c = new LinuxRig.Collector(stream, "burst");
        List<LinuxRig.Edge> got = new ArrayList<>();
        try {
            // Marker edges after the burst (it ended low): once an edge stamped after them and falling arrived,
            // everything the kernel numbered before was delivered or dropped.
            long marker = System.nanoTime();
            a.pull(6, true);
            a.pull(6, false);
            while (true) {
                LinuxRig.Edge e = c.next(EDGE, "the marker edges after the burst");
                got.add(e);
                if (!e.rising() && e.timestampNanos() > marker) {
                    break;
                }
            }
        } finally {
            c.stop();
        }
        c.edges.drainTo(got);
        long last = got.get(got.size() - 1).lineSeqno();
        long delivered = ks.deliveredEdges();
        long lost = ks.lostEdges();
        assertEquals(got.size(), delivered);
        assertEquals(last, delivered + lost, "delivered + lost = the kernel's last line_seqno");
        for (int i = 1; i < got.size(); i++) {
            assertTrue(got.get(i).lineSeqno() > got.get(i - 1).lineSeqno(), "in order");
        }
        stream.close();
        System.out.printf("hwtest: burst of 200 toggles + 2 with a 16-event kernel FIFO: kernel numbered %d edges, "
                + "%d delivered, %d lost (FIFO overflow), %d merged before the interrupt ran%n",
                last, delivered, lost, 202 - last);
    }

    @Test
    void kernelDebounceReportsOneEdgeForABounce() throws Exception {
        DigitalInput in = LinuxRig.input(ctx, 8);
        EdgeStream stream = ((KernelEdgeSource) in).openEdges(Edge.BOTH, Duration.ofMillis(300), 0);
        try (GpioChip chip = GpioChip.open(a.dev())) {
            assertEquals(Duration.ofMillis(300), chip.lineInfo(8).debounce());
        }
        LinuxRig.Collector c = new LinuxRig.Collector(stream, "debounce");
        try {
            a.pull(8, true);  // bounce: up, down, up well inside the period
            a.pull(8, false);
            a.pull(8, true);
            LinuxRig.Edge e = c.next(EDGE, "the settled edge");
            assertTrue(e.rising(), "settled high");
            // Nothing else comes: a second edge would need a new stable level.
            assertEquals(null, c.edges.poll(1, TimeUnit.SECONDS));
            assertTrue(DigitalState.HIGH == in.state());
        } finally {
            c.stop();
            stream.close();
        }
    }

    @Test
    void pi4jListenersRunOnAGpioEvtKthreadAndStopWithTheLastListener() throws Exception {
        DigitalInput in = LinuxRig.input(ctx, 7);
        BlockingQueue<Object[]> events = new ArrayBlockingQueue<>(100);
        DigitalStateChangeListener l = ev -> events.add(new Object[] {ev.state(), Kthread.current()});
        in.addListener(l);
        String name = "gpio-evt/" + a.name() + "-7";
        assertTrue(Kthreads.list().stream().anyMatch(k -> k.name().equals(name)), name + " running");
        a.pull(7, true);
        Object[] ev = events.poll(EDGE.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(ev, "listener called");
        assertEquals(DigitalState.HIGH, ev[0]);
        assertEquals(name, ((Kthread) ev[1]).name());
        a.pull(7, false);
        ev = events.poll(EDGE.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(ev);
        assertEquals(DigitalState.LOW, ev[0]);

        // An edge stream takes over the fd; listeners are then called from its reader.
        EdgeStream stream = ((KernelEdgeSource) in).openEdges(Edge.BOTH, Duration.ZERO, 0);
        assertThrows(IllegalStateException.class, () -> ((KernelEdgeSource) in).openEdges(Edge.BOTH, Duration.ZERO, 0));
        Rig.await(EDGE, name + " stopped while the stream is open",
                () -> Kthreads.list().stream().noneMatch(k -> k.name().equals(name)));
        LinuxRig.Collector c = new LinuxRig.Collector(stream, "listen");
        a.pull(7, true);
        assertTrue(c.next(EDGE, "stream edge").rising());
        ev = events.poll(EDGE.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(ev, "listener called from the stream's reader");
        assertEquals("hwtest-edges/listen", ((Kthread) ev[1]).name());
        c.stop();
        stream.close();
        Rig.await(EDGE, name + " back after the stream closed",
                () -> Kthreads.list().stream().anyMatch(k -> k.name().equals(name)));

        in.removeListener(l);
        Rig.await(EDGE, name + " stopped with the last listener",
                () -> Kthreads.list().stream().noneMatch(k -> k.name().equals(name)));
    }
}
