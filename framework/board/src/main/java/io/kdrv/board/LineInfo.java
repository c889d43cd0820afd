package io.kdrv.board;

/**
 * Snapshot of one claimed GPIO line, as shown by {@code gpio:list}.
 *
 * @param line       GPIO line (BCM number)
 * @param direction  {@code "in"} or {@code "out"}
 * @param owner      name of the device that claimed it
 * @param level      current level: {@code 1}, {@code 0}, or {@code -1} when unknown
 * @param irqThread  name of the threaded IRQ's kthread, {@code null} when no IRQ is requested on the line
 * @param edges      edges seen by the IRQ's top half (0 without IRQ)
 * @param handled    edges handled by the IRQ's bottom half
 * @param overflows  edges dropped because the IRQ FIFO was full
 * @param debounced  edges absorbed by software debounce
 * @param lost       edges the kernel dropped before kdrv read them (gaps in its sequence numbers; 0 on the mock
 *                   board and on providers without kernel edge records)
 * @param failures   handler calls that threw (counted in {@code handled} too)
 * @param label      the line's name: the SoC line number as a String, or {@code "<controller>:<line>"} for a line of
 *                   a driver's GPIO controller ({@code line} is then its global number, 512 and up)
 */
public record LineInfo(int line, String direction, String owner, int level, String irqThread, long edges,
        long handled, long overflows, long debounced, long lost, long failures, String label) {
    /** A SoC line: {@code label} is the line number. */
    public LineInfo(int line, String direction, String owner, int level, String irqThread, long edges,
            long handled, long overflows, long debounced, long lost, long failures) {
        this(line, direction, owner, level, irqThread, edges, handled, overflows, debounced, lost, failures,
                String.valueOf(line));
    }
}
