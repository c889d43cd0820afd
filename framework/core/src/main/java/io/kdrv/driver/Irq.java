package io.kdrv.driver;

import java.time.Duration;
import org.osgi.annotation.versioning.ProviderType;

/**
 * A requested threaded IRQ (see {@link Device#requestThreadedIrq}). Device-managed: freed on remove. Thread-safe.
 *
 * <p>Accounting: every edge of the requested polarity that reaches kdrv is counted in {@link #edges()} and then in
 * exactly one of {@link #overflows()}, {@link #debounced()} or {@link #handled()}; until then it is pending
 * (queued, in an open debounce window, or in the handler). So {@code edges == debounced + overflows + handled +
 * pending}, and {@code edges == debounced + overflows + handled} once a burst has drained. Edges counted in
 * {@link #lost()} never reached kdrv and are not in {@code edges()}. Each counter is read on its own: a snapshot
 * taken during a burst may be off by the edges that moved meanwhile.
 */
@ProviderType
public interface Irq {
    /** The GPIO line's number (global on a driver's GPIO controller; users read {@link Device#gpioName}). */
    int line();

    /** Name of the bottom-half kthread, {@code irq/<line>-<device>}. */
    String threadName();

    /** Edges of the requested polarity that reached kdrv (the top half, or the kernel records read). */
    long edges();

    /**
     * Edges whose handler call returned or threw (with debounce: one per delivered settled level); the ones that
     * threw are also in {@link #failures()}.
     */
    long handled();

    /** Edges dropped because kdrv's FIFO was full (the oldest queued edge makes room): never silent. */
    long overflows();

    /**
     * Edges the kernel dropped before kdrv could read them (gaps in the kernel's per-line sequence numbers on a
     * GPIO character device; always 0 on the mock board). Counted apart from {@link #overflows()}, which are kdrv's
     * own FIFO's.
     */
    default long lost() {
        return 0;
    }

    /**
     * Edges absorbed by software debounce: all edges of a settle window except the one whose settled level was
     * delivered (all of them when the level did not change).
     */
    long debounced();

    /**
     * Handler calls that threw: a failing handler does not end the IRQ, the next edge is still delivered. Each is
     * also counted in {@link #handled()} (the edge was delivered and the call is over), so the accounting above is
     * unchanged and {@code failures() <= handled()}. The log is rate-limited per IRQ.
     *
     * @return failures so far; 0 for implementations that do not count them
     */
    default long failures() {
        return 0;
    }

    /** The debounce window (zero when off). */
    Duration debounce();

    /**
     * Frees the IRQ now (idempotent; devm_free_irq): its bottom-half kthread stops and its devres entry is gone;
     * otherwise it is freed on remove.
     */
    void free();
}
