package io.kdrv.benchmarks;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import io.kdrv.board.mock.MockBoard;
import io.kdrv.driver.Device;
import io.kdrv.driver.Driver;
import io.kdrv.driver.Edge;
import io.kdrv.kthread.Kthread;
import io.kdrv.testing.KdrvTestBed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * 4. IRQ wake latency on the mock board: {@code MockBoard.setInput} (an edge) until the driver's {@code IrqHandler}
 * runs on the {@code irq/<line>-<device>} kthread. Baselines from the same run and the same mock board:
 * <ul>
 *   <li>Pi4J listener dispatch alone: a {@code DigitalStateChangeListener} on another input of the same board
 *       (Pi4J's mock dispatches synchronously on the setting thread, so this is the cost kdrv's top half starts
 *       from);</li>
 *   <li>a hand-rolled threaded IRQ, what one writes without kdrv: a Pi4J listener that unparks a waiting thread
 *       ({@code LockSupport});</li>
 *   <li>the JVM floor, {@code LockSupport} unpark->park, from benchmark 3.</li>
 * </ul>
 * The driver core, the board and the devices are the real ones (plain Java, through {@link KdrvTestBed}).
 */
final class IrqLatency {
    private static final int IRQ_LINE = 17, LISTENER_LINE = 18, HANDROLLED_LINE = 19;

    private IrqLatency() {
    }

    /** Probe-time hook of the benchmark drivers: what to do with the device's input. */
    interface Setup {
        void probe(Device dev, DigitalInput in) throws Exception;
    }

    record BenchDriver(Setup setup) implements Driver {
        @Override
        public void probe(Device dev) throws Exception {
            setup.probe(dev, dev.gpioInput("gpios"));
        }
    }

    static void run(Config c, Report r, Stats.Pcts floor) throws Exception {
        int n = c.irqSamples() / c.rounds(); // samples per round
        KdrvTestBed bed = KdrvTestBed.builder().leakCheck(false).timeout(Duration.ofSeconds(30)).build();
        bed.start();
        try {
            Handoff irq = new Handoff(n);
            long[] topHalf = new long[n];
            bed.register(new BenchDriver((dev, in) -> dev.requestThreadedIrq(in, Edge.BOTH, ev -> {
                long now = System.nanoTime();
                long s = irq.seq;
                if (irq.count < topHalf.length) {
                    topHalf[irq.count] = ev.timestampNanos() - irq.t0;
                }
                irq.record(s, now);
            })), "bench,irq");
            bed.addDevice("irq0", "bench,irq", "gpios", IRQ_LINE);
            irq.waiter = findThread("irq/" + IRQ_LINE + "-irq0");

            Handoff listener = new Handoff(n);
            bed.register(new BenchDriver((dev, in) -> in.addListener((DigitalStateChangeListener) ev -> {
                listener.record(listener.seq, System.nanoTime());
            })), "bench,listener");
            bed.addDevice("listen0", "bench,listener", "gpios", LISTENER_LINE);

            Handoff hand = new Handoff(n);
            Kthread handWaiter = Kthread.run(d -> {
                hand.waiter = Thread.currentThread();
                long seen = 0;
                for (;;) {
                    while (hand.seq == seen && !hand.done) {
                        LockSupport.park(hand);
                    }
                    long now = System.nanoTime();
                    if (hand.done) {
                        return 0;
                    }
                    seen = hand.seq;
                    hand.record(seen, now);
                }
            }, null, "bench/handirq");
            long[] pending = {0};
            bed.register(new BenchDriver((dev, in) -> in.addListener((DigitalStateChangeListener) ev -> {
                hand.seq = pending[0]; // published by the listener: the edge is what releases the waiter
                LockSupport.unpark(hand.waiter);
            })), "bench,handrolled");
            bed.addDevice("hand0", "bench,handrolled", "gpios", HANDROLLED_LINE);

            MockBoard mock = bed.mock();
            List<Stats.Pcts> ks = new ArrayList<>(), ls = new ArrayList<>(), hs = new ArrayList<>(), ths = new ArrayList<>();
            try {
                // warm-up then measure; the three paths alternate edge by edge so background load hits all alike
                WakeLatency.awaitFirstSleep(irq);
                WakeLatency.awaitFirstSleep(hand);
                // pass 0 is the warm-up; then one pass per round, each round's percentiles kept
                for (int pass = 0; pass <= c.rounds(); pass++) {
                    int m = pass == 0 ? Math.min(n, 2_000) : n;
                    irq.count = 0;
                    listener.count = 0;
                    hand.count = 0;
                    for (int i = 0; i < m; i++) {
                        edgeToThread(irq, mock, IRQ_LINE, s -> irq.seq = s);
                        edgeToListener(listener, mock, LISTENER_LINE);
                        edgeToThread(hand, mock, HANDROLLED_LINE, s -> pending[0] = s);
                    }
                    if (pass > 0) {
                        ks.add(irq.stats().pcts());
                        ls.add(listener.stats().pcts());
                        hs.add(hand.stats().pcts());
                        ths.add(new Stats(topHalf, irq.count).pcts());
                    }
                }
            } finally {
                hand.done = true;
                LockSupport.unpark(hand.waiter);
                handWaiter.stop();
            }
            Stats.Pcts k = Stats.Pcts.medianOf(ks), l = Stats.Pcts.medianOf(ls), h = Stats.Pcts.medianOf(hs);
            Stats.Pcts th = Stats.Pcts.medianOf(ths);
            String bench = "4 IRQ edge->handler";
            for (int i = 0; i < 3; i++) {
                r.add(bench, Stats.Pcts.NAMES[i], k.get(i), h.get(i), "Pi4J listener+unpark thread", Report.Unit.NANOS);
            }
            for (int i = 0; i < 3; i++) {
                r.add(bench, Stats.Pcts.NAMES[i], k.get(i), l.get(i), "Pi4J listener dispatch alone", Report.Unit.NANOS);
            }
            for (int i = 0; i < 3; i++) {
                r.add(bench, Stats.Pcts.NAMES[i], k.get(i), floor.get(i), "LockSupport floor (bench 3)", Report.Unit.NANOS);
            }
            r.note(bench + ": " + c.rounds() + " rounds of " + n + " edges per path (paths alternate edge by edge),"
                    + " median of the rounds' percentiles");
            r.note(bench + ": of which edge->top half (timestamp in the Pi4J listener) p50 " + Report.nanos(th.p50())
                    + ", p99 " + Report.nanos(th.p99()) + "; the rest is FIFO + wake + bottom-half dispatch");
        } finally {
            bed.close();
        }
    }

    interface SeqPublisher {
        void publish(long s);
    }

    /** One edge whose receiver is a sleeping thread: edge, then wait for the ack and for the thread to sleep again. */
    private static void edgeToThread(Handoff h, MockBoard mock, int line, SeqPublisher publish) {
        long s = h.ack + 1;
        publish.publish(s);
        h.t0 = System.nanoTime();
        mock.setInput(line, level(s));
        h.awaitAckAndSleep(s);
    }

    /** One edge whose receiver runs synchronously in setInput (Pi4J mock dispatch). */
    private static void edgeToListener(Handoff h, MockBoard mock, int line) {
        long s = h.ack + 1;
        h.seq = s;
        h.t0 = System.nanoTime();
        mock.setInput(line, level(s));
        if (h.ack != s) {
            throw new AssertionError("listener on GPIO " + line + " did not run synchronously");
        }
    }

    private static DigitalState level(long s) {
        return s % 2 == 1 ? DigitalState.HIGH : DigitalState.LOW;
    }

    private static Thread findThread(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no thread named " + name);
    }
}
