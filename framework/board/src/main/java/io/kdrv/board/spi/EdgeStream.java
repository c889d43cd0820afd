package io.kdrv.board.spi;

/**
 * Edges read from the kernel for one line (see {@link KernelEdgeSource}). One reader thread calls
 * {@link #awaitEdgesUninterruptible}; any thread may call {@link #wake()} and {@link #close()}.
 */
public interface EdgeStream extends AutoCloseable {
    /**
     * Blocks until the kernel has at least one edge for this line or {@link #wake()} was called, then fills
     * {@code out} from index 0 with as many records as are available (at most {@code out.length}).
     *
     * <p>Not interruptible by {@link Thread#interrupt()}: {@link #wake()} is the only way to end the wait early
     * (kthread stop and {@code free()} use it). A {@code wake()} that comes while no wait is in progress makes
     * the next call return at once. Records that are available should be returned in preference (a pending
     * {@code wake()} may be consumed by such a call), so that a call made after {@code wake()} is a non-blocking
     * read; the board uses that only for streams without {@link #awaitEdgesUninterruptible(EdgeRecord[],
     * java.time.Duration) a timed wait}.
     *
     * @param out records to fill; each record is overwritten, none is allocated
     * @return the number of records filled, 0 when woken
     * @throws io.kdrv.board.BoardException naming the chip and line when reading fails (e.g. the stream was
     *                                      closed)
     */
    int awaitEdgesUninterruptible(EdgeRecord[] out);

    /**
     * Bounded {@link #awaitEdgesUninterruptible(EdgeRecord[])}: also returns 0 once {@code timeout} has passed
     * with no edge. The irq kthread uses it to wait for a software debounce deadline while still reading the
     * edges that push the deadline back (e.g. {@code poll(2)} with a timeout).
     *
     * <p>Providers should implement it. The default throws {@link UnsupportedOperationException}; the board then
     * sleeps until the deadline and reads what arrived with {@code wake()} + a call of the untimed method, which
     * is exact only when that call returns available records in preference to the wake.
     *
     * @param out     records to fill
     * @param timeout the longest wait; zero or negative does not block
     * @return the number of records filled, 0 when woken or timed out
     * @throws UnsupportedOperationException when the provider has no timed wait
     * @throws io.kdrv.board.BoardException  naming the chip and line when reading fails
     */
    default int awaitEdgesUninterruptible(EdgeRecord[] out, java.time.Duration timeout) {
        throw new UnsupportedOperationException(getClass().getName() + " has no timed edge wait");
    }

    /** Makes a current or the next {@link #awaitEdgesUninterruptible} return 0. Idempotent, thread-safe. */
    void wake();

    /** Stops edge detection and releases the kernel resources; idempotent; wakes a waiting reader. */
    @Override
    void close();
}
