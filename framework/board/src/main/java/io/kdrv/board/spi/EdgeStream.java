package io.kdrv.board.spi;

/**
 * Edges read from the kernel for one line (see {@link KernelEdgeSource}). One reader thread calls
 * {@link #awaitEdges}; any thread may call {@link #wake()} and {@link #close()}.
 */
public interface EdgeStream extends AutoCloseable {
    /**
     * Blocks until the kernel has at least one edge for this line or {@link #wake()} was called, then fills
     * {@code out} from index 0 with as many records as are available (at most {@code out.length}).
     *
     * <p>Not interruptible by {@link Thread#interrupt()}: {@link #wake()} is the only way to end the wait early
     * (kthread stop and {@code free()} use it). A {@code wake()} that comes while no wait is in progress makes
     * the next call return at once. Records that are available are returned in preference (a pending
     * {@code wake()} may be consumed by such a call), so a call made after {@code wake()} is a non-blocking read:
     * 0 means the kernel had nothing queued. The board relies on that to read what arrived during a software
     * debounce window.
     *
     * @param out records to fill; each record is overwritten, none is allocated
     * @return the number of records filled, 0 when woken
     * @throws io.kdrv.board.BoardException naming the chip and line when reading fails (e.g. the stream was
     *                                      closed)
     */
    int awaitEdgesUninterruptible(EdgeRecord[] out);

    /** Makes a current or the next {@link #awaitEdgesUninterruptible} return 0. Idempotent, thread-safe. */
    void wake();

    /** Stops edge detection and releases the kernel resources; idempotent; wakes a waiting reader. */
    @Override
    void close();
}
