package io.kdrv.board.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Board-wide threaded IRQ settings (configuration PID {@code kdrv.board}).
 *
 * @param fifoCapacity   edges each IRQ's kdrv FIFO holds (Pi4J listener path), at least 1
 * @param kernelBuffer   kernel event buffer size per line request on a kernel edge source, 0 = kernel default
 * @param kernelDebounce kernel debounce period per line on a kernel edge source, zero = none
 */
record IrqSettings(int fifoCapacity, int kernelBuffer, Duration kernelDebounce) {
    /** What {@link io.kdrv.board.Boards#open} uses. */
    static IrqSettings defaults(int fifoCapacity) {
        return new IrqSettings(fifoCapacity, 0, Duration.ZERO);
    }

    IrqSettings {
        Objects.requireNonNull(kernelDebounce, "kernelDebounce");
        if (fifoCapacity < 1) {
            throw new IllegalArgumentException("kdrv board: IRQ FIFO capacity must be at least 1, got " + fifoCapacity);
        }
        if (kernelBuffer < 0) {
            throw new IllegalArgumentException("kdrv board: irq.kernel.buffer must be >= 0 (0 = kernel default), got "
                    + kernelBuffer);
        }
        if (kernelDebounce.isNegative()) {
            throw new IllegalArgumentException("kdrv board: irq.kernel.debounce.us must be >= 0, got "
                    + kernelDebounce.toNanos() / 1000);
        }
    }

    static IrqSettings of(BoardConfig cfg) {
        return new IrqSettings(cfg.irq_fifo_capacity(), cfg.irq_kernel_buffer(),
                Duration.ofNanos(cfg.irq_kernel_debounce_us() * 1000L));
    }
}
