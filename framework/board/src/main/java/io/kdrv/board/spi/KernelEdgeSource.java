package io.kdrv.board.spi;

import io.kdrv.driver.Edge;
import java.time.Duration;

/**
 * Implemented by a Pi4J {@code DigitalInput} whose provider reads edges from the kernel (the Linux GPIO character
 * device v2). When a threaded IRQ is requested on such an input, the board does not register a Pi4J listener: the
 * {@code irq/<line>-<device>} kthread itself waits in {@link EdgeStream#awaitEdgesUninterruptible} and runs the handler for each
 * record, so there is no provider thread and no extra hop, and every edge carries the kernel's timestamp and
 * per-line sequence number (a gap = edges the kernel dropped).
 *
 * <p>Not for drivers; for board providers (e.g. {@code kdrv-board-linux}). Thread-safe.
 */
public interface KernelEdgeSource {
    /**
     * Starts kernel edge detection on this input's line.
     *
     * @param edge           the edges to report
     * @param kernelDebounce the kernel's debounce period for the line, {@link Duration#ZERO} for none
     * @param bufferSize     the kernel event buffer size for the line request, 0 for the kernel default (16 per
     *                       line; the kernel clamps large values)
     * @return an open stream; the caller closes it, which stops edge detection
     * @throws io.kdrv.board.BoardException naming the chip, line and errno when the kernel refuses
     * @throws IllegalStateException        when a stream is already open on this input
     */
    EdgeStream openEdges(Edge edge, Duration kernelDebounce, int bufferSize);
}
