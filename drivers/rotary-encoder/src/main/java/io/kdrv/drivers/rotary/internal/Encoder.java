package io.kdrv.drivers.rotary.internal;

import io.kdrv.driver.Irq;
import io.kdrv.driver.IrqEvent;
import io.kdrv.drivers.rotary.RotaryEncoder;
import io.kdrv.drivers.rotary.RotaryEvents;
import io.kdrv.kthread.KthreadWork;
import io.kdrv.kthread.KthreadWorker;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * One bound encoder: merges the edges of lines A and B into one time-ordered stream, decodes it
 * ({@link Quadrature}) and queues Linux input-style events for worker kthread {@code rotary/<device>}.
 *
 * <p><b>Why a merge:</b> each line has its own IRQ kthread, so A's bottom half may run before B's for edges that
 * happened the other way round. An edge is decoded only when every edge the other line's top half has accepted
 * ({@code edges - overflows - debounced}) has reached this object, so that the earlier of the two is known;
 * pending edges wait in a queue ordered by their IRQ timestamps. Decoding is then a function of the edge
 * timestamps alone, not of thread scheduling. Edges of the two lines with the same timestamp are one transition
 * (both lines changed: impossible, counted) when both are queued by the time the first is decoded; otherwise
 * (its partner's top half had not run yet) they decode as two quarter steps in a row. A gap in a line's edge
 * sequence numbers counts its lost edges.
 *
 * <p>All state is guarded by {@code this}; events are queued under it (so their order is the decoding order) and
 * posted by the worker alone, outside any lock.
 */
final class Encoder implements RotaryEncoder {
    static final int A = 0;
    static final int B = 1;

    private record Pending(int line, boolean high, long stamp, long arrival) {
    }

    private final String device;
    private final Quadrature quad;
    private final boolean activeLow;
    private final boolean relative;
    private final boolean rollover;
    private final int steps;
    private final int axis;
    private final int buttonCode;
    private final KthreadWorker worker;
    private final Consumer<Map<String, Object>> sink;
    private final KthreadWork postWork = new KthreadWork(this::postQueued);
    private final Queue<Map<String, Object>> outbox = new ConcurrentLinkedQueue<>();
    private final Irq[] irqs = new Irq[2]; // guarded by this

    private final PriorityQueue<Pending> pending = new PriorityQueue<>((x, y) -> x.stamp != y.stamp
            ? Long.compare(x.stamp, y.stamp) : Long.compare(x.arrival, y.arrival)); // guarded by this
    private final long[] received = new long[2];   // guarded by this: edges handed to onEdge per line
    private final long[] lastSequence = new long[2]; // guarded by this
    private final boolean[] level = new boolean[2];  // guarded by this: logical levels as decoded
    private long arrivals;                           // guarded by this

    private volatile long position;
    private volatile long count;
    private volatile long lostEdges;
    private volatile long impossible;
    private volatile boolean pressed;
    private volatile long presses;

    Encoder(String device, Config c, boolean a, boolean b, boolean buttonLevel, KthreadWorker worker,
            Consumer<Map<String, Object>> sink) {
        this.device = device;
        this.activeLow = c.activeLow();
        this.relative = c.relative();
        this.rollover = c.rollover();
        this.steps = c.steps();
        this.axis = c.axis();
        this.buttonCode = c.buttonCode();
        this.worker = worker;
        this.sink = sink;
        level[A] = a ^ activeLow;
        level[B] = b ^ activeLow;
        this.quad = new Quadrature(c.stepsPerPeriod(), level[A], level[B]);
        this.pressed = buttonLevel ^ activeLow;
    }

    /** Node configuration the encoder needs. */
    record Config(int stepsPerPeriod, int steps, boolean relative, boolean rollover, int axis, int buttonCode,
            boolean activeLow) {
    }

    synchronized void irq(int line, Irq irq) {
        irqs[line] = irq;
    }

    /** Bottom half of line A's or B's IRQ. */
    void onEdge(int line, IrqEvent e) {
        boolean queued;
        synchronized (this) {
            received[line]++;
            long gap = e.sequence() - lastSequence[line] - 1;
            if (gap > 0) {
                lostEdges += gap;
            }
            // (A level that repeats without a gap, an edge the hardware itself missed, is resynchronised by the
            // decoder as "no change" and shows up as a stepless transition, not here.)
            lastSequence[line] = e.sequence();
            pending.add(new Pending(line, e.rising() ^ activeLow, e.timestampNanos(), ++arrivals));
            queued = decodeReady();
        }
        if (queued) {
            worker.queueWork(postWork); // false when already pending: that run drains these too
        }
    }

    /** Decodes every pending edge no undelivered edge of the other line can precede. Caller holds this. */
    private boolean decodeReady() {
        boolean queued = false;
        while (!pending.isEmpty()) {
            Pending p = pending.peek();
            if (undelivered(1 - p.line)) {
                break; // the other line's bottom half still has an edge for us: it may be the earlier one
            }
            pending.poll();
            level[p.line] = p.high;
            Pending q = pending.peek();
            if (q != null && q.line != p.line && q.stamp == p.stamp) {
                pending.poll(); // both lines changed at the same instant: one transition
                level[q.line] = q.high;
            }
            int n = quad.update(level[A], level[B]);
            impossible = quad.impossible();
            for (int i = 0; i < Math.abs(n); i++) {
                step(n > 0 ? 1 : -1, p.stamp);
                queued = true;
            }
        }
        return queued;
    }

    /**
     * Whether {@code line}'s top half accepted an edge its bottom half has not handed to us yet. Reads edges before
     * the drop counters: an edge being dropped at this moment can only make us wait for the next edge. Edges the
     * kernel lost are subtracted too in case a provider counts them in {@code edges()}: undercounting may decode
     * out of order only next to a loss, overcounting would stall the decoder.
     */
    private boolean undelivered(int line) {
        Irq irq = irqs[line];
        if (irq == null) {
            return false; // still probing: that line's IRQ has not been requested, so it has no edges
        }
        return irq.edges() - irq.overflows() - irq.debounced() - irq.lost() > received[line];
    }

    private void step(int dir, long stamp) { // caller holds this
        count += dir;
        long value;
        if (relative) {
            position = count;
            value = dir;
        } else {
            long pos = position;
            if (rollover) {
                pos = Math.floorMod(pos + dir, steps);
            } else {
                pos = Math.max(0, Math.min(steps, pos + dir)); // Linux: clamped to 0..steps
            }
            position = pos;
            value = pos;
        }
        enqueue(relative ? RotaryEvents.EV_REL : RotaryEvents.EV_ABS, axis, value, stamp);
    }

    /** Bottom half of the button's IRQ. */
    void onButton(IrqEvent e) {
        synchronized (this) {
            boolean now = e.rising() ^ activeLow;
            if (now == pressed) {
                return; // the tail of a bounce that outlasted the debounce window
            }
            pressed = now;
            if (now) {
                presses++;
            }
            enqueue(RotaryEvents.EV_KEY, buttonCode, now ? 1 : 0, e.timestampNanos());
        }
        worker.queueWork(postWork);
    }

    private void enqueue(String type, int code, long value, long stamp) { // caller holds this
        outbox.add(Map.of(
                RotaryEvents.DEVICE, device,
                RotaryEvents.TYPE, type,
                RotaryEvents.CODE, code,
                RotaryEvents.VALUE, (int) value,
                RotaryEvents.COUNT, count,
                RotaryEvents.TIMESTAMP, System.currentTimeMillis() - (System.nanoTime() - stamp) / 1_000_000,
                RotaryEvents.TIMESTAMP_NANOS, stamp));
    }

    /** Work on the worker kthread: posts queued events in order, from this one thread. */
    private void postQueued() {
        for (Map<String, Object> props; (props = outbox.poll()) != null;) {
            sink.accept(props);
        }
    }

    @Override
    public String device() {
        return device;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public long count() {
        return count;
    }

    @Override
    public long lostEdges() {
        return lostEdges;
    }

    @Override
    public long impossibleTransitions() {
        return impossible;
    }

    @Override
    public synchronized long irqOverflows() {
        return (irqs[A] == null ? 0 : irqs[A].overflows()) + (irqs[B] == null ? 0 : irqs[B].overflows());
    }

    @Override
    public synchronized long irqLost() {
        return (irqs[A] == null ? 0 : irqs[A].lost()) + (irqs[B] == null ? 0 : irqs[B].lost());
    }

    @Override
    public boolean pressed() {
        return pressed;
    }

    @Override
    public long presses() {
        return presses;
    }

    @Override
    public String toString() {
        return "rotary-encoder " + device + " (position " + position + ", count " + count + ", " + lostEdges
                + " lost edges, " + impossible + " impossible transitions)";
    }
}
