package io.kdrv.board.internal;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
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
 * {@link System#nanoTime()}, numbers the edge, applies software debounce, pushes it into the bounded
 * {@link IrqFifo} (or counts an overflow) and wakes the bottom half. It never blocks on the handler.
 *
 * <p><b>Bottom half</b>: kthread {@code irq/<line>-<device>} pops edges in order and runs the handler for each; a
 * handler exception is logged with device and line and the next edge is still delivered.
 *
 * <p>Accounting: every edge of the requested polarity seen while the IRQ is live increments {@link #edges()} and
 * then exactly one of {@link #debounced()}, {@link #overflows()}, or (once delivered) {@link #handled()}; edges
 * still queued when the IRQ is freed are not delivered.
 */
final class ThreadedIrq implements Irq, DigitalStateChangeListener {
    private static final Logger LOG = LoggerFactory.getLogger(ThreadedIrq.class);
    /** At most one overflow warning per IRQ per interval: a flood must not turn into a log flood. */
    private static final long OVERFLOW_LOG_INTERVAL_NANOS = Duration.ofSeconds(1).toNanos();
    /** How long free() waits for a handler to return before reporting the kthread as hung. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final int line;
    private final String device;
    private final String threadName;
    private final Edge edge;
    private final long debounceNanos;
    private final DigitalInput input;
    private final IrqHandler handler;
    private final IrqFifo fifo;
    private final WaitQueue wq = new WaitQueue();
    private final Runnable onFreed;
    private final AtomicBoolean freed = new AtomicBoolean();
    /** Orders start() against a concurrent free(): whichever comes second sees what the first did. */
    private final Object lifecycle = new Object();
    private volatile Kthread thread;

    // Top-half state, guarded by 'producer' (the FIFO's producer lock).
    private final Object producer = new Object();
    private boolean accepted;          // an edge has passed debounce
    private long lastAcceptedNanos;
    private long lastOverflowLogNanos;
    private long overflowsLogged;

    // Counters: written under 'producer' (edges, debounced, overflows) or by the bottom half (handled).
    private volatile long edges;
    private volatile long debounced;
    private volatile long overflows;
    private volatile long handled;

    ThreadedIrq(int line, String device, DigitalInput input, Edge edge, Duration debounce, IrqHandler handler,
            int fifoCapacity, Runnable onFreed) {
        if (debounce == null || debounce.isNegative()) {
            throw new IllegalArgumentException("GPIO " + line + " (device " + device + "): debounce must be >= 0, got "
                    + debounce);
        }
        this.line = line;
        this.device = device;
        this.input = input;
        this.edge = edge;
        this.debounceNanos = debounce.toNanos();
        this.handler = handler;
        this.fifo = new IrqFifo(fifoCapacity);
        this.threadName = "irq/" + line + "-" + device;
        this.onFreed = onFreed;
    }

    /**
     * Starts the bottom half, then hooks the top half into Pi4J.
     *
     * @throws IllegalStateException when the IRQ was freed before it started (its line was released meanwhile)
     */
    void start() {
        synchronized (lifecycle) {
            if (freed.get()) {
                throw new IllegalStateException(threadName + ": freed before it started (GPIO " + line
                        + " was released meanwhile)");
            }
            Kthread t = Kthread.create(ThreadedIrq::bottomHalf, this, "%s", threadName);
            t.owner("device " + device);
            thread = t;
            t.wakeUp();
            input.addListener(this);
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
        if (!wanted(high)) {
            return;
        }
        boolean queued;
        boolean logOverflow = false;
        synchronized (producer) {
            long now = System.nanoTime(); // under the lock, so FIFO order and timestamp order agree
            long seq = edges + 1;
            edges = seq;
            if (debounceNanos > 0 && accepted && now - lastAcceptedNanos < debounceNanos) {
                debounced++;
                return;
            }
            accepted = true;
            lastAcceptedNanos = now;
            queued = fifo.offer(now, high, seq);
            if (!queued) {
                overflows++;
                if (overflowsLogged == 0 || now - lastOverflowLogNanos >= OVERFLOW_LOG_INTERVAL_NANOS) {
                    lastOverflowLogNanos = now;
                    overflowsLogged = overflows;
                    logOverflow = true;
                }
            }
        }
        if (queued) {
            wq.wakeUp();
        } else if (logOverflow) {
            LOG.warn("{}: FIFO full ({} edges queued), edge dropped on GPIO {} of device {}: {} dropped so far "
                    + "(handler too slow for the edge rate?)", threadName, fifo.capacity(), line, device, overflows);
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
        irq.run();
        return 0;
    }

    private void run() throws InterruptedException {
        IrqFifo.Slot slot = new IrqFifo.Slot();
        while (live()) {
            wq.waitEventInterruptible(() -> !fifo.isEmpty() || !live());
            while (live() && fifo.poll(slot)) {
                deliver(new IrqEvent(line, slot.high ? DigitalState.HIGH : DigitalState.LOW, slot.stampNanos,
                        slot.sequence));
                handled++; // single writer: this kthread
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
        } catch (Throwable e) { // a driver bug must not kill the IRQ: log it and deliver the next edge
            LOG.error("{}: handler of device {} failed on GPIO {} edge #{} ({}): {}", threadName, device, line,
                    event.sequence(), event.state(), e.toString(), e);
        }
    }

    // ------------------------------------------------------------------------------------------ free

    @Override
    public void free() {
        if (!freed.compareAndSet(false, true)) {
            return;
        }
        Kthread t;
        synchronized (lifecycle) {
            input.removeListener(this);
            t = thread;
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
            }
        }
        long lost = overflows;
        if (lost > 0) {
            LOG.warn("{}: freed; {} of {} edges on GPIO {} were dropped by FIFO overflow", threadName, lost, edges,
                    line);
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
    public long debounced() {
        return debounced;
    }

    @Override
    public Duration debounce() {
        return Duration.ofNanos(debounceNanos);
    }

    @Override
    public String toString() {
        return threadName + "[edge=" + edge + ", edges=" + edges + ", handled=" + handled + ", overflows="
                + overflows + ", debounced=" + debounced + ", queued=" + fifo.size() + "]";
    }
}
