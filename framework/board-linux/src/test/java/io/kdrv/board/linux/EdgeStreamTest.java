package io.kdrv.board.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.BoardException;
import io.kdrv.board.linux.internal.KernelEdgeStream;
import io.kdrv.board.linux.internal.Sys;
import io.kdrv.board.linux.internal.Uapi;
import io.kdrv.board.spi.EdgeRecord;
import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge reader's poll/read/eventfd path on the host: a regular file holding {@code gpio_v2_line_event} records
 * stands in for the line request's fd (poll reports a regular file readable, read returns its records).
 */
@Timeout(60)
class EdgeStreamTest {
    private static final ChipInfo CHIP = new ChipInfo(Path.of("/dev/gpiochip0"), "gpiochip0", "test-chip", 32);

    @TempDir
    Path dir;

    private static EdgeRecord[] records(int n) {
        EdgeRecord[] r = new EdgeRecord[n];
        for (int i = 0; i < n; i++) {
            r[i] = new EdgeRecord();
        }
        return r;
    }

    /** Writes events with the given line sequence numbers; rising for odd ones; timestamps 1000 * seqno. */
    private Path eventFile(long... lineSeqnos) throws Exception {
        ByteBuffer b = ByteBuffer.allocate((int) Uapi.LINE_EVENT.byteSize() * lineSeqnos.length)
                .order(ByteOrder.nativeOrder());
        int global = 0;
        for (long s : lineSeqnos) {
            int base = b.position();
            b.putLong(1000 * s);
            b.putInt(s % 2 == 1 ? Uapi.EVENT_RISING_EDGE : Uapi.EVENT_FALLING_EDGE);
            b.putInt(5);
            b.putInt(++global);
            b.putInt((int) s);
            b.position(base + 48);
        }
        Path p = dir.resolve("events");
        Files.write(p, b.array());
        return p;
    }

    private static LineRequest fakeRequest(Path file) {
        int fd = Sys.open(file.toString(), Sys.O_RDONLY);
        assertTrue(fd >= 0, "open " + file);
        return new LineRequest("linux", CHIP, 5, fd, LineConfig.input());
    }

    @Test
    void recordsAreDecodedInBatchesAndGapsCountAsLost() throws Exception {
        LineRequest req = fakeRequest(eventFile(1, 2, 3, 6, 7));
        int[] tapped = new int[1];
        KernelEdgeStream s = new KernelEdgeStream("linux", req, (r, n) -> tapped[0] += n, null);
        try {
            EdgeRecord[] out = records(3);
            assertEquals(3, s.awaitEdgesUninterruptible(out));
            assertEquals(1000, out[0].timestampNanos);
            assertTrue(out[0].rising);
            assertFalse(out[1].rising);
            assertEquals(3, out[2].lineSeqno);
            assertEquals(2, s.awaitEdgesUninterruptible(out));
            assertEquals(6, out[0].lineSeqno);
            assertEquals(6000, out[0].timestampNanos);
            assertEquals(5, s.deliveredEdges());
            assertEquals(2, s.lostEdges()); // 4 and 5 never came
            assertEquals(5, tapped[0]);
        } finally {
            s.close();
            req.close();
        }
    }

    @Test
    void aGapBeforeTheFirstRecordIsLossToo() throws Exception {
        LineRequest req = fakeRequest(eventFile(4, 5));
        KernelEdgeStream s = new KernelEdgeStream("linux", req, null, null);
        try {
            assertEquals(2, s.awaitEdgesUninterruptible(records(8)));
            assertEquals(3, s.lostEdges());
        } finally {
            s.close();
            req.close();
        }
    }

    @Test
    void aWakeBeforeTheWaitMakesItReturnAtOnceAndOnlyOnce() throws Exception {
        LineRequest req = fakeRequest(eventFile(1));
        KernelEdgeStream s = new KernelEdgeStream("linux", req, null, null);
        try {
            s.wake();
            s.wake(); // idempotent: one pending wake
            assertEquals(0, s.awaitEdgesUninterruptible(records(4)));
            assertEquals(1, s.awaitEdgesUninterruptible(records(4))); // the wake was consumed
        } finally {
            s.close();
            req.close();
        }
    }

    @Test
    void closeWakesABlockedReaderAndLaterWaitsFail() throws Exception {
        // An eventfd that is never written blocks poll like an idle line.
        int idle = Sys.eventfd();
        LineRequest req = new LineRequest("linux", CHIP, 5, idle, LineConfig.input());
        AtomicInteger closedCalls = new AtomicInteger();
        KernelEdgeStream s = new KernelEdgeStream("linux", req, null, closedCalls::incrementAndGet);
        Completion entered = new Completion();
        int[] result = {-1};
        Kthread reader = Kthread.run(x -> {
            entered.complete();
            result[0] = s.awaitEdgesUninterruptible(records(4));
            return 0;
        }, null, "edge-test");
        try {
            assertTrue(entered.waitForCompletionTimeout(Duration.ofSeconds(30)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!s.readerWaiting() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(s.readerWaiting());
            s.close(); // waits until the reader has left the poll
            assertEquals(0, reader.stop(Duration.ofSeconds(30)));
            assertEquals(0, result[0]);
            assertEquals(1, closedCalls.get());
            s.close();
            assertEquals(1, closedCalls.get());
            BoardException e = assertThrows(BoardException.class, () -> s.awaitEdgesUninterruptible(records(1)));
            assertEquals("platform linux: GPIO 5 on gpiochip0 (test-chip): the edge stream is closed", e.getMessage());
        } finally {
            req.close();
        }
    }

    @Test
    void aKthreadReaderEndsOnStopEvenWithoutAWake() throws Exception {
        int idle = Sys.eventfd();
        LineRequest req = new LineRequest("linux", CHIP, 5, idle, LineConfig.input());
        KernelEdgeStream s = new KernelEdgeStream("linux", req, null, null);
        int[] waits = new int[1];
        Kthread reader = Kthread.run(x -> {
            EdgeRecord[] out = records(4);
            while (!Kthread.shouldStop()) {
                s.awaitEdgesUninterruptible(out); // a stopper's early wake() would be consumed here
                waits[0]++;
            }
            return 7;
        }, null, "edge-stop-test");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!s.readerWaiting() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(s.readerWaiting());
            assertEquals(7, reader.stop(Duration.ofSeconds(30))); // no wake at all: the poll slice notices
        } finally {
            s.close();
            req.close();
        }
    }

    @Test
    void theWaitReadLoopDoesNotAllocate() throws Exception {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int rounds = 5;
        int n = 16_000 * (rounds + 1);
        long[] seq = new long[n];
        for (int i = 0; i < n; i++) {
            seq[i] = i + 1;
        }
        LineRequest req = fakeRequest(eventFile(seq));
        KernelEdgeStream s = new KernelEdgeStream("linux", req, null, null);
        try {
            EdgeRecord[] out = records(16);
            // Warm up until the JIT has compiled the loop: interpreted method-handle calls box their arguments.
            for (int i = 0; i < 200_000; i++) {
                s.wake();
                s.awaitEdgesUninterruptible(out);
            }
            for (int i = 0; i < 1_000; i++) {
                s.awaitEdgesUninterruptible(out);
            }
            // The claim is about the steady state: on a loaded machine the JIT may still be compiling after the
            // warm-up, so a round that allocates is measured again (at most 'rounds' times).
            long tid = Thread.currentThread().threadId();
            long allocated = Long.MAX_VALUE;
            for (int r = 0; r < rounds && allocated >= 16 * 1024; r++) {
                long before = mx.getThreadAllocatedBytes(tid);
                int got = 0;
                for (int i = 0; i < 1_000; i++) {
                    got += s.awaitEdgesUninterruptible(out);
                    s.wake();
                    s.awaitEdgesUninterruptible(out);
                }
                allocated = mx.getThreadAllocatedBytes(tid) - before;
                assertEquals(16_000, got);
            }
            // 2000 waits, 1000 reads, 1000 wakes: a single boxed value per call would be >= 32 KB
            assertTrue(allocated < 16 * 1024, "allocated " + allocated + " bytes in the best of " + rounds + " rounds");
        } finally {
            s.close();
            req.close();
        }
    }

    @Test
    void aTimedWaitReturnsRecordsAtOnceAndZeroOnceTheTimeoutHasPassed() throws Exception {
        LineRequest withEdges = fakeRequest(eventFile(1, 2));
        KernelEdgeStream s = new KernelEdgeStream("linux", withEdges, null, null);
        try {
            assertEquals(2, s.awaitEdgesUninterruptible(records(4), Duration.ofSeconds(30)));
        } finally {
            s.close();
            withEdges.close();
        }
        // an eventfd with a zero count never polls readable: it stands in for a quiet line
        int quietFd = Sys.eventfd();
        assertTrue(quietFd >= 0, "eventfd");
        LineRequest quiet = new LineRequest("linux", CHIP, 5, quietFd, LineConfig.input());
        KernelEdgeStream q = new KernelEdgeStream("linux", quiet, null, null);
        try {
            long t0 = System.nanoTime();
            assertEquals(0, q.awaitEdgesUninterruptible(records(4), Duration.ofMillis(50)));
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(50).toNanos(), "returned before its timeout");
            assertEquals(0, q.awaitEdgesUninterruptible(records(4), Duration.ZERO), "zero does not block");
            q.wake();
            assertEquals(0, q.awaitEdgesUninterruptible(records(4), Duration.ofSeconds(30)), "a wake ends it");
        } finally {
            q.close();
            quiet.close();
        }
    }
}
