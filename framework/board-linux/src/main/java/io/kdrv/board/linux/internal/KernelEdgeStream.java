package io.kdrv.board.linux.internal;

import io.kdrv.board.BoardException;
import io.kdrv.board.linux.LineRequest;
import io.kdrv.board.spi.EdgeRecord;
import io.kdrv.board.spi.EdgeStream;
import io.kdrv.kthread.Kthread;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Reads {@code gpio_v2_line_event} records of one line request: {@code poll} on the request fd together with an
 * eventfd that {@link #wake()} writes, then one {@code read} of as many records as fit. Every buffer is allocated
 * once, so the wait-read loop allocates nothing.
 *
 * <p>Counts what it delivered and, from gaps in the kernel's {@code line_seqno}, what the kernel dropped
 * ({@link #lostEdges()}: kernel FIFO overflow, the oldest events go first).
 *
 * <p>A reader that is a kthread also returns 0 once {@link Kthread#shouldStop()} (checked every
 * {@value #STOP_SLICE_MS} ms), so {@code Kthread.stop()} ends its loop even when the stopper's {@code wake()}
 * came too early.
 *
 * <p>One reader at a time; {@link #wake()} and {@link #close()} from any thread. {@code close()} waits for a
 * reader inside {@link #awaitEdgesUninterruptible} to leave (it is woken first) before releasing the eventfd, so
 * no descriptor is used after it was closed.
 */
public final class KernelEdgeStream implements EdgeStream {
    /** Records read per {@code read(2)} at most. */
    public static final int BATCH = 64;
    private static final long EVENT_SIZE = Uapi.LINE_EVENT.byteSize();
    private static final long POLLFD_SIZE = Uapi.POLLFD.byteSize();
    /** How long a kthread reader waits in one poll before re-checking {@link Kthread#shouldStop()}. */
    static final int STOP_SLICE_MS = 100;

    /** Called with the records just read, on the reader's thread (Pi4J listener dispatch). */
    @FunctionalInterface
    public interface Tap {
        void edges(EdgeRecord[] records, int count);
    }

    private final String platform;
    private final String where;
    private final int lineFd;
    private final int eventFd;
    private final Tap tap;
    private final Runnable onClose;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment readerSlot;
    private final MemorySegment wakerSlot;
    private final MemorySegment pollFds;
    private final MemorySegment events;
    private final MemorySegment counter;
    private final MemorySegment one;

    private boolean closed;     // guarded by this
    private boolean reading;    // guarded by this
    private volatile boolean stopping;
    private long lastSeqno;     // reader thread only
    private volatile long delivered;
    private volatile long lost;

    /**
     * @param request the line request whose fd is read; must stay open until this stream is closed
     * @param tap     may be null
     * @param onClose run once after the stream closed (outside any lock); may be null
     */
    public KernelEdgeStream(String platform, LineRequest request, Tap tap, Runnable onClose) {
        this.platform = platform;
        this.where = request.describe();
        this.lineFd = request.fileDescriptor();
        this.tap = tap;
        this.onClose = onClose;
        int efd = Sys.eventfd();
        if (efd < 0) {
            arena.close();
            throw new BoardException(platform, Errno.describe(efd) + ": " + where + ": eventfd for edge reading failed");
        }
        this.eventFd = efd;
        this.readerSlot = Sys.newErrnoSlot(arena);
        this.wakerSlot = Sys.newErrnoSlot(arena);
        this.pollFds = arena.allocate(POLLFD_SIZE * 2, 8);
        this.events = arena.allocate(EVENT_SIZE * BATCH, 8);
        this.counter = arena.allocate(8, 8);
        this.one = arena.allocate(8, 8);
        one.set(ValueLayout.JAVA_LONG, 0, 1L);
        pollFds.set(ValueLayout.JAVA_INT, 0, lineFd);
        pollFds.set(ValueLayout.JAVA_SHORT, 4, Sys.POLLIN);
        pollFds.set(ValueLayout.JAVA_INT, POLLFD_SIZE, eventFd);
        pollFds.set(ValueLayout.JAVA_SHORT, POLLFD_SIZE + 4, Sys.POLLIN);
    }

    @Override
    public int awaitEdgesUninterruptible(EdgeRecord[] out) {
        return await(out, -1);
    }

    /** Bounded wait: poll(2) with the remaining time, so edges that arrive meanwhile are still read at once. */
    @Override
    public int awaitEdgesUninterruptible(EdgeRecord[] out, java.time.Duration timeout) {
        long nanos = timeout.toNanos();
        return await(out, nanos <= 0 ? 0 : System.nanoTime() + nanos);
    }

    /** @param deadline {@link System#nanoTime()} deadline, 0 for "do not block", -1 for none */
    private int await(EdgeRecord[] out, long deadline) {
        synchronized (this) {
            if (closed) {
                throw new BoardException(platform, where + ": the edge stream is closed");
            }
            if (reading) {
                throw new IllegalStateException(where + ": another thread is already reading edges");
            }
            reading = true;
        }
        try {
            return awaitLoop(out, deadline);
        } finally {
            synchronized (this) {
                reading = false;
                notifyAll();
            }
        }
    }

    private int awaitLoop(EdgeRecord[] out, long deadline) {
        // A stopper calls wake() and then Kthread.stop(); when the wake lands between two waits of the reader,
        // before should-stop is set, nothing would wake the next poll. A kthread reader therefore polls in slices
        // and returns once it should stop: kthread_stop always completes (within STOP_SLICE_MS), wake() or not.
        boolean kthread = Kthread.current() != null;
        while (true) {
            if (kthread && Kthread.shouldStop()) {
                return 0;
            }
            int timeout = kthread ? STOP_SLICE_MS : -1;
            if (deadline == 0) {
                timeout = 0;
            } else if (deadline > 0) {
                long leftMs = Math.max(0, (deadline - System.nanoTime() + 999_999) / 1_000_000);
                timeout = (int) (timeout < 0 ? Math.min(leftMs, Integer.MAX_VALUE) : Math.min(leftMs, timeout));
            }
            pollFds.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
            pollFds.set(ValueLayout.JAVA_SHORT, POLLFD_SIZE + 6, (short) 0);
            int r = Sys.poll(readerSlot, pollFds, 2, timeout);
            if (r < 0) {
                throw new BoardException(platform, Errno.describe(r) + ": " + where + ": poll for edges failed");
            }
            if (r == 0) {
                if (deadline == 0 || (deadline > 0 && System.nanoTime() - deadline >= 0)) {
                    return 0; // timed out with no edge
                }
                continue; // slice over: re-check should-stop
            }
            short wakeEvents = pollFds.get(ValueLayout.JAVA_SHORT, POLLFD_SIZE + 6);
            short lineEvents = pollFds.get(ValueLayout.JAVA_SHORT, 6);
            if ((wakeEvents & Sys.POLLIN) != 0 || stopping) {
                Sys.read(readerSlot, eventFd, counter, 8); // reset the counter; EAGAIN when another read got it
                return 0;
            }
            if ((lineEvents & (Sys.POLLERR | Sys.POLLHUP | Sys.POLLNVAL)) != 0) {
                throw new BoardException(platform, where + ": the line request reported an error (poll revents 0x"
                        + Integer.toHexString(lineEvents & 0xFFFF) + ")");
            }
            if ((lineEvents & Sys.POLLIN) == 0 || out.length == 0) {
                continue;
            }
            int max = Math.min(out.length, BATCH);
            long n = Sys.read(readerSlot, lineFd, events, max * EVENT_SIZE);
            if (n == -Errno.EAGAIN) {
                continue;
            }
            if (n < 0) {
                throw new BoardException(platform, Errno.describe((int) n) + ": " + where + ": reading edge events failed");
            }
            int count = (int) (n / EVENT_SIZE);
            decode(events, count, out);
            account(out, count);
            if (tap != null) {
                tap.edges(out, count);
            }
            return count;
        }
    }

    /** Decodes {@code count} records of {@code buf} into {@code out}. */
    static void decode(MemorySegment buf, int count, EdgeRecord[] out) {
        for (int i = 0; i < count; i++) {
            long base = i * EVENT_SIZE;
            EdgeRecord rec = out[i];
            rec.timestampNanos = buf.get(ValueLayout.JAVA_LONG, base);
            rec.rising = buf.get(ValueLayout.JAVA_INT, base + Uapi.EVENT_ID) == Uapi.EVENT_RISING_EDGE;
            rec.lineSeqno = buf.get(ValueLayout.JAVA_INT, base + Uapi.EVENT_LINE_SEQNO) & 0xFFFF_FFFFL;
        }
    }

    private void account(EdgeRecord[] out, int count) {
        long gap = 0;
        long last = lastSeqno;
        for (int i = 0; i < count; i++) {
            long seq = out[i].lineSeqno;
            if (seq > last + 1) {
                gap += seq - last - 1; // line_seqno starts at 1 for each request: a gap at the start is loss too
            }
            last = seq;
        }
        lastSeqno = last;
        delivered += count;
        if (gap != 0) {
            lost += gap;
        }
    }

    /** @return whether a reader is inside {@link #awaitEdgesUninterruptible} (diagnostics and tests) */
    public synchronized boolean readerWaiting() {
        return reading;
    }

    /** @return records returned by {@link #awaitEdgesUninterruptible} so far */
    public long deliveredEdges() {
        return delivered;
    }

    /** @return edges the kernel dropped (gaps in {@code line_seqno}) so far */
    public long lostEdges() {
        return lost;
    }

    @Override
    public synchronized void wake() {
        if (!closed) {
            Sys.write(wakerSlot, eventFd, one, 8);
        }
    }

    /** Makes every further wait return 0 at once (the reader is stopping); then {@link #close()} it. */
    public void stopReading() {
        stopping = true;
        wake();
    }

    @Override
    public void close() {
        boolean interrupted = false;
        synchronized (this) {
            if (closed) {
                return;
            }
            stopping = true;
            Sys.write(wakerSlot, eventFd, one, 8);
            while (reading) {
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    interrupted = true; // the wait is uninterruptible: the reader leaves promptly once woken
                }
            }
            closed = true;
            Sys.close(eventFd);
            arena.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (onClose != null) {
            onClose.run();
        }
    }

    @Override
    public String toString() {
        return "KernelEdgeStream[" + where + ", delivered " + delivered + ", lost " + lost + "]";
    }
}
