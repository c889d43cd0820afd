package io.kdrv.board.linux.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.binding.DigitalBinding;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputBase;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.DigitalStateChangeEvent;
import com.pi4j.io.gpio.digital.DigitalStateChangeListener;
import com.pi4j.io.gpio.digital.PullResistance;
import io.kdrv.board.BoardException;
import io.kdrv.board.linux.GpioChip;
import io.kdrv.board.linux.LineConfig;
import io.kdrv.board.linux.LineRequest;
import io.kdrv.board.spi.EdgeRecord;
import io.kdrv.board.spi.EdgeStream;
import io.kdrv.board.spi.KernelEdgeSource;
import io.kdrv.driver.Edge;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadStopTimeoutException;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Pi4J input on one requested line of a GPIO character device, and a {@link KernelEdgeSource}.
 *
 * <p>Edges reach Pi4J listeners (and bindings) in one of two ways, never both at once, so the request fd always
 * has exactly one reader:
 * <ul>
 *   <li>no edge stream open: kthread {@code gpio-evt/<chip>-<line>}, started when the first listener is added
 *       (edge detection is switched on then) and stopped when the last one is removed or the input shuts down;</li>
 *   <li>an edge stream open ({@link #openEdges}, the board's irq kthread reads it): the listeners are called
 *       from that reader, after the records are filled; edge detection is the stream's (e.g. rising only).</li>
 * </ul>
 * Level: {@link #state()} reads the line ({@code GET_VALUES}); with active-low the kernel inverts it.
 *
 * <p>Locking: {@code lock} guards the request and the reader state; kthreads are stopped and streams closed
 * after leaving it (a listener may itself remove listeners).
 */
public final class LinuxDigitalInput extends DigitalInputBase implements KernelEdgeSource {
    private static final Logger LOG = LoggerFactory.getLogger(LinuxDigitalInput.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final String platform;
    private final GpioChip chip;
    private final int offset;
    private final String consumer;
    private final LineConfig base;

    private final Object lock = new Object();
    private LineRequest request;              // guarded by lock
    private boolean edgesClaimed;             // an openEdges stream exists or is being opened; guarded by lock
    private KernelEdgeStream boardStream;     // guarded by lock
    private Kthread listenerThread;           // guarded by lock
    private KernelEdgeStream listenerStream;  // guarded by lock
    private boolean shut;                     // guarded by lock

    LinuxDigitalInput(DigitalInputProvider provider, DigitalInputConfig config, String platform, GpioChip chip) {
        super(provider, config);
        this.platform = platform;
        this.chip = chip;
        this.offset = config.address();
        this.consumer = Consumers.of(config);
        this.base = baseConfig(config);
        this.request = chip.request(offset, base, consumer);
    }

    /** Pi4J's pull and debounce (microseconds), then the {@code linux.*} properties. */
    static LineConfig baseConfig(DigitalInputConfig config) {
        LineConfig c = LineConfig.input();
        PullResistance pull = config.pull();
        if (pull == PullResistance.PULL_UP) {
            c = c.withBias(LineConfig.Bias.PULL_UP);
        } else if (pull == PullResistance.PULL_DOWN) {
            c = c.withBias(LineConfig.Bias.PULL_DOWN);
        }
        Long debounceUs = config.debounce();
        if (debounceUs != null && debounceUs > 0) {
            c = c.withDebounce(Duration.ofNanos(debounceUs * 1000));
        }
        return PropertyKeys.apply(c, config.properties());
    }

    /** "gpiochip0-17": how threads and messages name this line. */
    String lineName() {
        return chip.info().name() + "-" + offset;
    }

    /** @return the current line request (changes when {@link #openEdges} needs a new buffer size) */
    public LineRequest request() {
        synchronized (lock) {
            return request;
        }
    }

    @Override
    public DigitalState state() {
        synchronized (lock) {
            if (request == null) {
                throw new BoardException(platform, "GPIO " + offset + " on " + chip.describe() + " is released");
            }
            return request.getValue() ? DigitalState.HIGH : DigitalState.LOW;
        }
    }

    // ------------------------------------------------------------------------------------------ Pi4J listeners

    @Override
    public DigitalInput addListener(DigitalStateChangeListener... listener) {
        DigitalInput r = super.addListener(listener);
        startListenerThreadIfNeeded();
        return r;
    }

    @Override
    public DigitalInput removeListener(DigitalStateChangeListener... listener) {
        DigitalInput r = super.removeListener(listener);
        stopListenerThreadIfUnused();
        return r;
    }

    @Override
    public DigitalInput bind(DigitalBinding... binding) {
        DigitalInput r = super.bind(binding);
        startListenerThreadIfNeeded();
        return r;
    }

    @Override
    public DigitalInput unbind(DigitalBinding... binding) {
        DigitalInput r = super.unbind(binding);
        stopListenerThreadIfUnused();
        return r;
    }

    private void startListenerThreadIfNeeded() {
        Kthread k;
        synchronized (lock) {
            if (shut || edgesClaimed || listenerThread != null || request == null || !hasListenersOrBindings()) {
                return;
            }
            LineConfig withEdges = request.config().withEdge(LineConfig.EdgeDetect.BOTH);
            request.reconfigure(withEdges);
            KernelEdgeStream s = new KernelEdgeStream(platform, request, null, null);
            k = Kthread.create(this::listenerLoop, s, "gpio-evt/%s", lineName());
            listenerStream = s;
            listenerThread = k;
        }
        k.wakeUp();
    }

    private void stopListenerThreadIfUnused() {
        if (hasListenersOrBindings()) {
            return;
        }
        Kthread k;
        KernelEdgeStream s;
        synchronized (lock) {
            k = listenerThread;
            s = listenerStream;
            listenerThread = null;
            listenerStream = null;
        }
        stopListener(k, s);
        synchronized (lock) {
            if (!shut && !edgesClaimed && listenerThread == null && request != null) {
                try {
                    request.reconfigure(request.config().withEdge(LineConfig.EdgeDetect.NONE));
                } catch (RuntimeException e) {
                    LOG.warn("{}: cannot switch edge detection off: {}", request.describe(), e.getMessage());
                }
            }
        }
    }

    /** Stops a detached listener kthread and closes its stream; a listener removing itself only flags it. */
    private static void stopListener(Kthread k, KernelEdgeStream s) {
        if (k == null) {
            return;
        }
        s.stopReading();
        if (Kthread.current() == k) {
            return; // the loop sees the stop when the listener returns, and closes the stream itself
        }
        try {
            k.stop(STOP_TIMEOUT);
        } catch (KthreadStopTimeoutException e) {
            LOG.error("{} did not stop within {} (a Pi4J listener blocks?): {}", k.name(), STOP_TIMEOUT,
                    e.getMessage());
            return; // the stream stays open: its fd must not be closed under a reader
        }
        s.close();
    }

    private int listenerLoop(KernelEdgeStream s) {
        EdgeRecord[] records = new EdgeRecord[16];
        for (int i = 0; i < records.length; i++) {
            records[i] = new EdgeRecord();
        }
        try {
            while (!Kthread.shouldStop()) {
                int n = s.awaitEdgesUninterruptible(records);
                if (n == 0) {
                    synchronized (lock) {
                        if (listenerStream != s) {
                            break; // detached by a listener removing itself
                        }
                    }
                    continue;
                }
                dispatchToListeners(records, n);
            }
        } finally {
            boolean detachedByItself;
            synchronized (lock) {
                detachedByItself = listenerStream != s && !Kthread.shouldStop();
            }
            if (detachedByItself) {
                s.close(); // a listener removed the last listener from this thread: nobody else closes it
            }
        }
        return 0;
    }

    /** Calls Pi4J listeners and bindings for each record (allocates one event each, only when there are any). */
    void dispatchToListeners(EdgeRecord[] records, int count) {
        if (!hasListenersOrBindings()) {
            return;
        }
        for (int i = 0; i < count; i++) {
            try {
                dispatch(new DigitalStateChangeEvent<>(this, records[i].rising ? DigitalState.HIGH : DigitalState.LOW));
            } catch (RuntimeException e) {
                LOG.warn("GPIO {}: a Pi4J listener threw: {}", lineName(), e.toString(), e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------ KernelEdgeSource

    @Override
    public EdgeStream openEdges(Edge edge, Duration kernelDebounce, int bufferSize) {
        Objects.requireNonNull(edge, "edge");
        Objects.requireNonNull(kernelDebounce, "kernelDebounce");
        Kthread k;
        KernelEdgeStream s;
        synchronized (lock) {
            if (shut || request == null) {
                throw new BoardException(platform, "GPIO " + offset + " on " + chip.describe() + " is released");
            }
            if (edgesClaimed) {
                throw new IllegalStateException("GPIO " + offset + " on " + chip.describe()
                        + " already has an open edge stream");
            }
            edgesClaimed = true;
            k = listenerThread;
            s = listenerStream;
            listenerThread = null;
            listenerStream = null;
        }
        stopListener(k, s); // the stream's reader now dispatches to Pi4J listeners too
        try {
            synchronized (lock) {
                LineConfig cfg = request.config()
                        .withEdge(switch (edge) {
                            case RISING -> LineConfig.EdgeDetect.RISING;
                            case FALLING -> LineConfig.EdgeDetect.FALLING;
                            case BOTH -> LineConfig.EdgeDetect.BOTH;
                        })
                        // the line's own debounce (a debounce-us line flag) is more specific than the board-wide one
                        .withDebounce(base.debounce().isZero() ? kernelDebounce : base.debounce())
                        .withEventBufferSize(Math.max(0, bufferSize));
                if (cfg.eventBufferSize() == request.config().eventBufferSize()) {
                    request.reconfigure(cfg);
                } else {
                    // The kernel fixes the event FIFO size when a line is requested: request it again. The line
                    // is free for an instant; another process taking it then gives the EBUSY error.
                    request.close();
                    request = null;
                    request = chip.request(offset, cfg, consumer);
                }
                boardStream = new KernelEdgeStream(platform, request, this::dispatchToListeners,
                        this::boardStreamClosed);
                return boardStream;
            }
        } catch (RuntimeException e) {
            synchronized (lock) {
                edgesClaimed = false;
                if (request == null && !shut) {
                    try {
                        request = chip.request(offset, base, consumer);
                    } catch (RuntimeException again) {
                        e.addSuppressed(again);
                    }
                }
            }
            startListenerThreadIfNeeded();
            throw e;
        }
    }

    private void boardStreamClosed() {
        synchronized (lock) {
            boardStream = null;
            edgesClaimed = false;
            if (shut || request == null) {
                return;
            }
            try {
                request.reconfigure(request.config().withEdge(LineConfig.EdgeDetect.NONE).withDebounce(base.debounce()));
            } catch (RuntimeException e) {
                LOG.warn("{}: cannot switch edge detection off: {}", request.describe(), e.getMessage());
            }
        }
        startListenerThreadIfNeeded();
    }

    // ------------------------------------------------------------------------------------------ shutdown

    @Override
    public DigitalInput shutdown(Context context) throws ShutdownException {
        Kthread k;
        KernelEdgeStream ls;
        KernelEdgeStream bs;
        synchronized (lock) {
            shut = true;
            k = listenerThread;
            ls = listenerStream;
            bs = boardStream;
            listenerThread = null;
            listenerStream = null;
        }
        stopListener(k, ls);
        if (bs != null) {
            bs.close(); // wakes the board's reader; its next await fails with "closed"
        }
        try {
            return super.shutdown(context);
        } finally {
            releaseQuietly();
        }
    }

    void releaseQuietly() {
        synchronized (lock) {
            shut = true;
            if (request != null) {
                request.close();
                request = null;
            }
        }
    }
}
