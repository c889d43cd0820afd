package io.kdrv.board.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import io.kdrv.board.spi.EdgeRecord;
import io.kdrv.board.spi.EdgeStream;
import io.kdrv.board.spi.KernelEdgeSource;
import io.kdrv.board.spi.TimestampedEdge;
import io.kdrv.driver.Edge;
import io.kdrv.driver.Irq;
import io.kdrv.driver.IrqEvent;
import io.kdrv.driver.IrqHandler;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadStopTimeoutException;
import io.kdrv.kthread.WaitQueue;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A threaded IRQ on one GPIO input (Linux {@code request_threaded_irq}).
 *
 * <p><b>Top half</b> ({@link #onDigitalStateChange}, on whatever thread Pi4J dispatches from: the gpiod event
 * thread, or the caller of {@code MockDigitalInput.mockState}): drops edges of the unwanted polarity, takes
 * {@link System#nanoTime()}, numbers the edge, pushes it into the bounded {@link IrqFifo} and wakes the bottom
 * half. A full FIFO drops its OLDEST edge (counted as an overflow, rate-limited WARN), like the kernel's GPIO event
 * FIFO, so the most recent level always reaches the handler. It never blocks on the handler and never debounces.
 *
 * <p><b>Bottom half</b>: kthread {@code irq/<line>-<device>} pops edges in order. Without debounce it runs the
 * handler for each. With debounce it works like {@code gpio_keys.c}: every edge (re-)arms a settle deadline one
 * window after the edge; when the deadline passes with no further edge the kthread reads the line and runs the
 * handler once, only if the settled level differs from the last settled level (and has the requested polarity),
 * with the timestamp and sequence of the window's last edge. The settle wait is a bounded wait of this kthread:
 * no timer thread. A handler exception does not end the IRQ: it is counted ({@link #failures()}) and the next
 * edge is still delivered. The log is rate-limited per IRQ, like the kernel's {@code printk_ratelimited}: the first
 * failure with its stack trace, then at most one line per {@link #FAILURE_LOG_INTERVAL} with the failures since the
 * previous line, and on free the ones not reported yet; a handler that throws on every edge of a flood writes a
 * few lines, not megabytes of traces.
 *
 * <p><b>Kernel edge path</b>: when the input is a {@link KernelEdgeSource} (a GPIO character device provider)
 * there is no Pi4J listener and no kdrv FIFO: the kthread itself blocks in
 * {@link EdgeStream#awaitEdgesUninterruptible} and handles each kernel record as an edge with the kernel's
 * timestamp and per-line sequence number. A gap in those sequence numbers counts as {@link #lost()} (the kernel's
 * own FIFO dropped edges), apart from {@link #overflows()} (always 0 here) and {@link #debounced()}. Software
 * debounce works the same way on this kthread (a timed wait on the stream until the settle deadline); the kernel's
 * debounce period and event buffer size come from the board settings. {@code free()} wakes the stream, stops the kthread, then closes the stream.
 *
 * <p>Accounting: every edge of the requested polarity seen while the IRQ is live increments {@link #edges()} and
 * later exactly one of {@link #overflows()} (dropped from a full FIFO as its oldest edge), {@link #debounced()}
 * (absorbed by a settle window: all of a window's edges but the one whose settled level is delivered) or
 * {@link #handled()} (once its handler returned). Until then it is pending (queued, in an open settle window, or
 * in the handler): {@code edges == debounced + overflows + handled + pending}, exactly, with {@code pending == 0}
 * once a burst has drained (counters are read one at a time, so a snapshot taken mid-burst may be off by the
 * edges that moved meanwhile). Edges still pending when the IRQ is freed are not delivered. Edges counted in
 * {@link #lost()} never reached kdrv and are not in {@link #edges()}.
 */
final class ThreadedIrq implements Irq, DigitalStateChangeListener {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadedIrq.class);
    /** At most one overflow warning per IRQ per interval: a flood must not turn into a log flood. */
    private static final long OVERFLOW_LOG_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
    /** After the first handler failure (logged with its trace), at most one line per IRQ per interval. */
    static final Duration FAILURE_LOG_INTERVAL = Duration.ofSeconds(5);
    /** How long free() waits for a handler to return before reporting the kthread as hung. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final int line;
    private final String label;   // "17", or "expander0:3" for a controller line: what logs and errors name
    private final String device;
    private final String threadName;
    private final Edge edge;
    private final long debounceNanos;
    private final DigitalInput input;
    private final IrqHandler handler;
    private final IrqFifo fifo;
    private final IrqSettings settings;
    /** Non-null when the input reads edges from the kernel: the kthread waits on its stream, no listener. */
    private final KernelEdgeSource kernel;
    /** The open kernel edge stream (kernel path), set by start(); closed by the kthread on exit or by free(). */
    private volatile EdgeStream stream;
    private final WaitQueue wq = new WaitQueue();
    private final Runnable onFreed;
    private final AtomicBoolean freed = new AtomicBoolean();
    /** Orders start() against a concurrent free(): whichever comes second sees what the first did. */
    private final Object lifecycle = new Object();
    private volatile Kthread thread;

    // Top-half state, guarded by 'producer' (the FIFO's producer lock).
    private final Object producer = new Object();
    private long lastOverflowLogNanos;
    private long overflowsLogged;

    // Settle state (debounce), owned by the bottom-half kthread.
    private boolean settledHigh;       // last settled level; the line's level when the IRQ started
    private boolean armed;             // a settle window is open
    private long settleDeadline;       // nanoTime when it closes
    private long windowEdges;          // wanted edges absorbed in the open window (pending)
    private long windowStamp;          // timestamp of the window's last edge
    private boolean windowHigh;        // level after the window's last edge
    private long windowSequence;       // sequence of the window's last wanted edge

    // Counters: edges and overflows written under 'producer' (listener path) or by the kthread (kernel path);
    // debounced, handled and lost by the kthread.
    private volatile long edges;
    private volatile long debounced;
    private volatile long overflows;
    private volatile long handled;
    private volatile long lost;        // kernel path: gaps in line_seqno; written by the kthread
    private long lastLineSeqno;        // kernel path: owned by the kthread
    // Handler failures: written by the kthread only; free() reads them after the kthread has ended.
    private volatile long failures;
    private volatile long failuresLogged; // failures reported by the last log line
    private long lastFailureLogNanos;     // owned by the kthread

    ThreadedIrq(int line, String device, DigitalInput input, Edge edge, Duration debounce, IrqHandler handler,
            IrqSettings settings, Runnable onFreed) {
        this(line, String.valueOf(line), device, input, edge, debounce, handler, settings, onFreed);
    }

    /**
     * @param label the line as named in the kthread name and logs: the SoC line number, or {@code
     *              "<controller>:<line>"} for a line of a driver's GPIO controller ({@code line} is then its global
     *              number)
     */
    ThreadedIrq(int line, String label, String device, DigitalInput input, Edge edge, Duration debounce,
            IrqHandler handler, IrqSettings settings, Runnable onFreed) {
        if (debounce == null || debounce.isNegative()) {
            throw new IllegalArgumentException("GPIO " + label + " (device " + device + "): debounce must be >= 0, got "
                    + debounce);
        }
        this.line = line;
        this.label = label;
        this.device = device;
        this.input = input;
        this.edge = edge;
        this.debounceNanos = debounce.toNanos();
        this.handler = handler;
        this.settings = settings;
        this.kernel = input instanceof KernelEdgeSource k ? k : null;
        // The kernel path has the kernel's FIFO; a one-slot ring keeps the listener-path code uniform.
        this.fifo = new IrqFifo(kernel == null ? settings.fifoCapacity() : 1);
        this.threadName = "irq/" + label + "-" + device;
        this.onFreed = onFreed;
    }

    /**
     * Starts the bottom half, then hooks the top half into Pi4J; on a kernel edge source, opens the kernel edge
     * stream instead (errors from the provider, naming chip, line and errno, reach the caller). Pi4J and provider
     * calls happen outside {@code lifecycle}; a free() racing with them is detected afterwards and undone.
     *
     * @throws IllegalStateException when the IRQ was freed before it started (its line was released meanwhile)
     */
    void start() {
        // The settle baseline, read before edges are reported (like the driver's own initial read): an edge after
        // this read is queued and settles against it.
        settledHigh = readHigh(false);
        EdgeStream s = null;
        if (kernel != null) {
            // With software debounce the other polarity moves the settle deadline too, so ask for both.
            Edge kernelEdge = debounceNanos > 0 ? Edge.BOTH : edge;
            s = kernel.openEdges(kernelEdge, settings.kernelDebounce(), settings.kernelBuffer());
        }
        Kthread t = null;
        RuntimeException failure = null;
        synchronized (lifecycle) {
            if (freed.get()) {
                failure = new IllegalStateException(threadName + ": freed before it started (GPIO " + label
                        + " was released meanwhile)");
            } else {
                stream = s;
                try {
                    t = Kthread.create(ThreadedIrq::bottomHalf, this, "%s", threadName);
                } catch (RuntimeException e) {
                    stream = null;
                    failure = e;
                }
            }
            if (t != null) {
                t.owner("device " + device);
                thread = t;
            }
        }
        if (failure != null) {
            if (s != null) {
                s.close();
            }
            throw failure;
        }
        t.wakeUp();
        if (kernel == null) {
            input.addListener(this);
            if (freed.get()) {
                input.removeListener(this); // free() ran meanwhile and may have removed it before we added it
            }
        }
    }

    // ------------------------------------------------------------------------------------------ top half

    @Override
    public void onDigitalStateChange(DigitalStateChangeEvent event) {
        if (freed.get()) {
            return; // a dispatch that raced with free(): the listener is already removed
        }
        DigitalState state = event.state();
        boolean high = state == DigitalState.HIGH;
        boolean wanted = wanted(high);
        if (!wanted && debounceNanos == 0) {
            return;
        }
        // With debounce, edges of the other polarity are queued too (not counted): they move the settle deadline,
        // and the level the line settles at decides what is delivered.
        byte flags = (byte) ((high ? IrqFifo.HIGH : 0) | (wanted ? IrqFifo.WANTED : 0));
        boolean logOverflow = false;
        synchronized (producer) {
            // Under the lock, so FIFO order and timestamp order agree. A provider that knows the edge's time (a
            // simulated device's timing model) supplies it; otherwise the edge happened about now.
            long now = event instanceof TimestampedEdge t ? t.timestampNanos() : System.nanoTime();
            long seq = edges;
            if (wanted) {
                edges = ++seq;
            }
            // Full: the oldest edge makes room (kernel kfifo policy), so the newest level always gets through.
            if (fifo.offer(now, flags, seq) == IrqFifo.DROPPED_WANTED) {
                overflows++;
                if (overflowsLogged == 0 || now - lastOverflowLogNanos >= OVERFLOW_LOG_INTERVAL_NANOS) {
                    lastOverflowLogNanos = now;
                    overflowsLogged = overflows;
                    logOverflow = true;
                }
            }
        }
        wq.wakeUp();
        if (logOverflow) {
            LOG.warn("{}: FIFO full ({} edges queued), oldest edge dropped on GPIO {} of device {}: {} dropped so "
                    + "far (handler too slow for the edge rate?)", threadName, fifo.capacity(), label, device,
                    overflows);
        }
    }

    private boolean wanted(boolean high) {
        return switch (edge) {
            case RISING -> high;
            case FALLING -> !high;
            case BOTH -> true;
        };
    }

    // ------------------------------------------------------------------------------------------ bottom half

    private static int bottomHalf(ThreadedIrq irq) throws InterruptedException {
        if (irq.kernel != null) {
            try {
                irq.runKernel();
            } finally {
                irq.closeStream();
            }
        } else {
            irq.run();
        }
        return 0;
    }

    private void run() throws InterruptedException {
        IrqFifo.Slot slot = new IrqFifo.Slot();
        while (live()) {
            if (!armed) {
                wq.waitEventInterruptible(() -> !fifo.isEmpty() || !live());
            } else {
                long left = settleDeadline - System.nanoTime();
                if (left > 0) {
                    wq.waitEventInterruptibleTimeout(() -> !fifo.isEmpty() || !live(), Duration.ofNanos(left));
                }
            }
            while (live() && fifo.poll(slot)) {
                onEdge(slot.stampNanos, slot.high, slot.wanted, slot.sequence);
            }
            if (armed && live() && System.nanoTime() - settleDeadline >= 0) {
                settle(readHigh(windowHigh));
            }
        }
    }

    /** One edge reached the bottom half: deliver it, or (debounce) absorb it and push the settle deadline back. */
    private void onEdge(long stampNanos, boolean high, boolean wanted, long sequence) {
        if (debounceNanos == 0) {
            deliver(new IrqEvent(line, high ? DigitalState.HIGH : DigitalState.LOW, stampNanos, sequence));
            handled++; // single writer: this kthread
            return;
        }
        if (armed && stampNanos - settleDeadline >= 0) {
            // Backlog: the open window had closed before this edge happened, so it settled at its last edge's
            // level (reading the line now would see this and later edges).
            settle(windowHigh);
        }
        // gpio_keys: mod_delayed_work on every edge. The deadline counts from the edge, not from when this
        // kthread got to it, so a backlog does not stretch the window.
        armed = true;
        settleDeadline = stampNanos + debounceNanos;
        windowStamp = stampNanos;
        windowHigh = high;
        if (wanted) {
            windowEdges++;
            windowSequence = sequence;
        }
    }

    /**
     * The settle window closed at level {@code high} (the line read when the deadline passed, or the last edge's
     * level for a window that closed during a backlog): deliver it if it changed.
     */
    private void settle(boolean high) {
        armed = false;
        long absorbed = windowEdges;
        windowEdges = 0;
        boolean changed = high != settledHigh;
        settledHigh = high;
        if (!changed || !wanted(high) || absorbed == 0) {
            debounced += absorbed; // single writer: this kthread
            return;
        }
        debounced += absorbed - 1;
        deliver(new IrqEvent(line, high ? DigitalState.HIGH : DigitalState.LOW, windowStamp, windowSequence));
        handled++;
    }

    /** The line's level now; {@code fallback} when it cannot be read (I/O shut down under us: the IRQ is ending). */
    private boolean readHigh(boolean fallback) {
        try {
            DigitalState s = input.state();
            return s == DigitalState.HIGH ? true : s == DigitalState.LOW ? false : fallback;
        } catch (RuntimeException e) {
            LOG.debug("{}: cannot read GPIO {} of device {}: {}", threadName, label, device, e.toString());
            return fallback;
        }
    }

    /** Kernel records per read: the kernel's default buffer per line. */
    private static final int BATCH = 16;

    /** Kernel path: this kthread reads the kernel's edge records itself. */
    private void runKernel() throws InterruptedException {
        EdgeStream s = stream;
        EdgeRecord[] batch = new EdgeRecord[BATCH];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = new EdgeRecord();
        }
        boolean timed = true; // until the stream says it has no timed wait
        while (live()) {
            int n;
            if (!armed) {
                n = s.awaitEdgesUninterruptible(batch); // 0 when free() woke it
            } else {
                long left = settleDeadline - System.nanoTime();
                if (timed) {
                    try {
                        // Edges arriving before the deadline are read at once and push it back.
                        n = s.awaitEdgesUninterruptible(batch, Duration.ofNanos(Math.max(0, left)));
                    } catch (UnsupportedOperationException e) {
                        LOG.debug("{}: {}; debouncing with sleep-then-read", threadName, e.getMessage());
                        timed = false;
                        continue;
                    }
                } else {
                    n = readAfterSleep(s, batch, left);
                    if (n < 0) {
                        break;
                    }
                }
                if (n == 0) {
                    if (live() && System.nanoTime() - settleDeadline >= 0) {
                        settle(readHigh(windowHigh));
                    }
                    continue; // else woken early: free(), or a spurious return
                }
            }
            for (int i = 0; i < n && live(); i++) {
                onKernelEdge(batch[i]);
            }
        }
    }

    /**
     * For a stream without a timed wait: sleeps on our own queue until the settle deadline (free() and
     * kthread_stop wake it), then takes what the kernel queued meanwhile with wake() + a read.
     *
     * @return records read (0: nothing queued, settle now), or -1 when the IRQ is ending
     */
    private int readAfterSleep(EdgeStream s, EdgeRecord[] batch, long leftNanos) throws InterruptedException {
        if (leftNanos > 0) {
            wq.waitEventInterruptibleTimeout(() -> !live(), Duration.ofNanos(leftNanos));
            if (!live()) {
                return -1;
            }
        }
        s.wake();
        return s.awaitEdgesUninterruptible(batch);
    }

    private void onKernelEdge(EdgeRecord r) {
        long seq = r.lineSeqno;
        if (seq > lastLineSeqno + 1) {
            lost += seq - lastLineSeqno - 1; // the kernel's FIFO overflowed: it dropped these (single writer)
        }
        if (seq > lastLineSeqno) {
            lastLineSeqno = seq;
        }
        boolean high = r.rising;
        boolean wanted = wanted(high);
        if (wanted) {
            edges++; // single writer on this path: the kthread
        } else if (debounceNanos == 0) {
            return;
        }
        onEdge(r.timestampNanos, high, wanted, seq);
    }

    private void closeStream() {
        EdgeStream s = stream;
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                LOG.warn("{}: closing the kernel edge stream of GPIO {} failed: {}", threadName, label, e.toString(), e);
            }
        }
    }

    private boolean live() {
        return !Kthread.shouldStop() && !freed.get();
    }

    private void deliver(IrqEvent event) {
        try {
            handler.handle(event);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) { // a driver bug must not kill the IRQ: count it, log (rate-limited), next edge
            failed(event, e);
        }
    }

    /** Counts a handler failure; logs the first with its trace, then one line per interval at most. */
    private void failed(IrqEvent event, Throwable e) {
        long n = failures + 1;
        failures = n; // single writer: this kthread
        long now = System.nanoTime();
        if (n == 1) {
            lastFailureLogNanos = now;
            failuresLogged = n;
            LOG.error("{}: handler of device {} failed on GPIO {} edge #{} ({}): {}; further failures of this IRQ are "
                    + "counted (gpio:list FAILED) and logged at most once per {} s", threadName, device, label,
                    event.sequence(), event.state(), e.toString(), FAILURE_LOG_INTERVAL.toSeconds(), e);
        } else if (now - lastFailureLogNanos >= FAILURE_LOG_INTERVAL.toNanos()) {
            long since = n - failuresLogged;
            long seconds = (now - lastFailureLogNanos) / 1_000_000_000L;
            lastFailureLogNanos = now;
            failuresLogged = n;
            LOG.error("{}: handler of device {} failed {} more time{} on GPIO {} in the last {} s ({} in total), "
                    + "latest on edge #{} ({}): {}", threadName, device, since, since == 1 ? "" : "s", label, seconds,
                    n, event.sequence(), event.state(), e.toString());
        }
    }

    // ------------------------------------------------------------------------------------------ free

    @Override
    public void free() {
        if (!freed.compareAndSet(false, true)) {
            return;
        }
        Kthread t;
        EdgeStream s;
        synchronized (lifecycle) {
            t = thread;
            s = stream;
        }
        if (kernel == null) {
            input.removeListener(this); // a start() still adding it removes it again itself
        }
        if (s != null) {
            s.wake(); // the kthread may be blocked in awaitEdgesUninterruptible: only wake() ends that
        }
        if (t != null) {
            if (Kthread.current() == t) {
                // free() from our own handler: the loop sees 'freed' when the handler returns; nobody to join.
                LOG.debug("{}: freed from its own handler", threadName);
            } else {
                wq.wakeUpAll();
                try {
                    t.stop(STOP_TIMEOUT);
                } catch (KthreadStopTimeoutException e) {
                    LOG.error("{}: handler of device {} did not return within {} ms of free_irq; the kthread is "
                            + "left marked to stop", threadName, device, STOP_TIMEOUT.toMillis(), e);
                }
                closeStream(); // after the kthread left the stream (idempotent: the kthread closes it too)
            }
        }
        long dropped = overflows;
        if (dropped > 0) {
            LOG.warn("{}: freed; {} of {} edges on GPIO {} were dropped by FIFO overflow", threadName, dropped, edges,
                    label);
        }
        long failed = failures;
        long unreported = failed - failuresLogged;
        if (unreported > 0) {
            LOG.error("{}: freed; the handler of device {} failed {} of {} handled edges on GPIO {}, {} of them since "
                    + "the last report", threadName, device, failed, handled, label, unreported);
        }
        long kernelLost = lost;
        if (kernelLost > 0) {
            LOG.warn("{}: freed; the kernel dropped {} edges on GPIO {} (kernel event FIFO overflow; see "
                    + "irq.kernel.buffer)", threadName, kernelLost, label);
        }
        onFreed.run();
    }

    // ------------------------------------------------------------------------------------------ Irq

    @Override
    public int line() {
        return line;
    }

    @Override
    public String threadName() {
        return threadName;
    }

    @Override
    public long edges() {
        return edges;
    }

    @Override
    public long handled() {
        return handled;
    }

    @Override
    public long overflows() {
        return overflows;
    }

    @Override
    public long lost() {
        return lost;
    }

    @Override
    public long debounced() {
        return debounced;
    }

    @Override
    public long failures() {
        return failures;
    }

    @Override
    public Duration debounce() {
        return Duration.ofNanos(debounceNanos);
    }

    @Override
    public String toString() {
        return threadName + "[edge=" + edge + ", edges=" + edges + ", handled=" + handled + ", overflows="
                + overflows + ", debounced=" + debounced + ", lost=" + lost + ", failures=" + failures + ", queued=" + fifo.size() + ", settling="
                + windowEdges + (kernel != null ? ", kernel edges" : "") + "]";
    }
}
