package io.kdrv.board.internal;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProviderImpl;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import com.pi4j.plugin.mock.provider.i2c.MockI2CProvider;
import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.spi.EdgeRecord;
import io.kdrv.board.spi.EdgeStream;
import io.kdrv.board.spi.KernelEdgeSource;
import io.kdrv.driver.Edge;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test double of a GPIO character device input: a Pi4J mock input (its level is set with {@code mockState}) that
 * is also a {@link KernelEdgeSource}, whose stream the test feeds with kernel records.
 */
final class FakeKernelInput extends MockDigitalInput implements KernelEdgeSource {
    final List<Stream> opened = new CopyOnWriteArrayList<>();
    volatile Edge requestedEdge;
    volatile Duration requestedDebounce;
    volatile int requestedBuffer = -1;
    /** Whether streams opened from now on have the timed wait (false: like a provider without it). */
    volatile boolean timedWait = true;
    /** When set, the next openEdges fails like a kernel that refuses the request. */
    volatile String failNextOpen;

    FakeKernelInput(DigitalInputProvider provider, DigitalInputConfig config) {
        super(provider, config);
    }

    @Override
    public EdgeStream openEdges(Edge edge, Duration kernelDebounce, int bufferSize) {
        String fail = failNextOpen;
        if (fail != null) {
            failNextOpen = null;
            throw new BoardException("fake-cdev", fail);
        }
        for (Stream s : opened) {
            if (!s.isClosed()) {
                throw new IllegalStateException("fake GPIO " + address() + ": a stream is already open");
            }
        }
        requestedEdge = edge;
        requestedDebounce = kernelDebounce;
        requestedBuffer = bufferSize;
        Stream s = new Stream("GPIO " + address(), timedWait);
        opened.add(s);
        return s;
    }

    Stream stream() {
        return opened.getLast();
    }

    /** A platform whose inputs are {@link FakeKernelInput}s. */
    static BoardPlatform platform(int lines) {
        return new BoardPlatform() {
            @Override
            public String name() {
                return "fake-cdev";
            }

            @Override
            public int lineCount() {
                return lines;
            }

            @Override
            public Context newContext() {
                return Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
                        .add(new MockPlatform())
                        .add(new Provider(), MockDigitalOutputProvider.newInstance(), MockI2CProvider.newInstance())
                        .build();
            }
        };
    }

    private static final class Provider extends MockDigitalInputProviderImpl {
        @Override
        public DigitalInput create(DigitalInputConfig config) {
            FakeKernelInput in = new FakeKernelInput(this, config);
            context.registry().add(in);
            return in;
        }
    }

    /** The kernel side of one line request: records fed by the test, read by the irq kthread. */
    static final class Stream implements EdgeStream {
        private final String what;
        private final boolean timed;
        private int timedCalls;
        private final ArrayDeque<long[]> queue = new ArrayDeque<>(); // {timestamp, rising, seqno}; guarded by this
        private final List<String> calls = new ArrayList<>();       // "wake", "close"; guarded by this
        private boolean woken;
        private boolean closed;
        private int waiting;

        Stream(String what, boolean timed) {
            this.what = what;
            this.timed = timed;
        }

        /** Queues one record, as the kernel would after an edge. */
        synchronized void feed(boolean rising, long seqno, long timestampNanos) {
            queue.add(new long[] {timestampNanos, rising ? 1 : 0, seqno});
            notifyAll();
        }

        @Override
        public synchronized int awaitEdgesUninterruptible(EdgeRecord[] out) {
            return await(out, -1);
        }

        @Override
        public synchronized int awaitEdgesUninterruptible(EdgeRecord[] out, Duration timeout) {
            if (!timed) {
                throw new UnsupportedOperationException(what + ": no timed wait");
            }
            timedCalls++;
            return await(out, Math.max(0, timeout.toNanos()));
        }

        /** @param timeoutNanos -1 for none */
        private int await(EdgeRecord[] out, long timeoutNanos) {
            long deadline = System.nanoTime() + timeoutNanos;
            if (closed) {
                throw new BoardException("fake-cdev", what + ": edge stream is closed");
            }
            waiting++;
            notifyAll();
            boolean interrupted = false;
            try {
                while (queue.isEmpty() && !woken && !closed) {
                    long left = deadline - System.nanoTime();
                    if (timeoutNanos >= 0 && left <= 0) {
                        break;
                    }
                    try {
                        if (timeoutNanos < 0) {
                            wait();
                        } else {
                            wait(Math.max(1, left / 1_000_000));
                        }
                    } catch (InterruptedException e) {
                        interrupted = true; // uninterruptible, like poll() on the line fd
                    }
                }
            } finally {
                waiting--;
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            int n = 0;
            while (n < out.length && !queue.isEmpty()) {
                long[] r = queue.poll();
                out[n].timestampNanos = r[0];
                out[n].rising = r[1] != 0;
                out[n].lineSeqno = r[2];
                n++;
            }
            woken = false;
            return n;
        }

        @Override
        public synchronized void wake() {
            woken = true;
            calls.add("wake");
            notifyAll();
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                calls.add("close");
                notifyAll();
            }
        }

        synchronized boolean isClosed() {
            return closed;
        }

        /** @return true while a reader is blocked in awaitEdgesUninterruptible */
        synchronized boolean readerWaiting() {
            return waiting > 0;
        }

        synchronized List<String> calls() {
            return List.copyOf(calls);
        }

        synchronized int timedCalls() {
            return timedCalls;
        }

        synchronized boolean drained() {
            return queue.isEmpty();
        }
    }
}
