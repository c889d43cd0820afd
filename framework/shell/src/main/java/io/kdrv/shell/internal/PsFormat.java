package io.kdrv.shell.internal;

import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadInfo;
import java.util.BitSet;
import java.util.List;

/**
 * {@code kthread:ps}: one line per live kthread, like {@code ps ax} for kernel threads.
 *
 * <pre>
 *     TID STAT CPUS WAKEUPS     TIME OWNER        COMMAND
 *   41213 S    1          7 0:00.004 device dev0  [testdrv/dev0]
 * </pre>
 * STAT is one Linux-like letter (see {@link #stat}); CPUS is the requested CPU list ({@code -} when unbound);
 * TIME is the thread's CPU time as {@code M:SS.mmm}. Raw Java threads that a stopped bundle left running
 * ({@link ForeignThreads}) follow the kthreads with STAT {@code F}, owner {@code foreign bundle <bsn>} and their name
 * without brackets, as {@code ps} shows user threads. Stateless and thread-safe.
 */
final class PsFormat {
    static final String LEGEND = "STAT: R running, S sleeping (kdrv wait), P parked, N new (never woken), X stopping, "
            + "D stuck (a bounded stop timed out; still running), F foreign (a raw thread a stopped bundle left running)";

    private PsFormat() {
    }

    static String format(List<KthreadInfo> threads) {
        return format(threads, List.of());
    }

    static String format(List<KthreadInfo> threads, List<ForeignThreads.Info> foreign) {
        Table table = new Table(">TID", "STAT", "CPUS", ">WAKEUPS", ">TIME", "OWNER", "COMMAND");
        for (KthreadInfo t : threads) {
            table.row(t.tid() < 0 ? null : t.tid(), stat(t.state()), cpuList(t.cpuMask()), t.wakeups(),
                    cpuTime(t.cpuTimeNanos()), t.owner(), "[" + t.name() + "]");
        }
        for (ForeignThreads.Info f : foreign) {
            // no native tid or wake-up count for a plain Java thread: kdrv never scheduled it
            table.row(null, "F", null, null, cpuTime(f.cpuTimeNanos()), "foreign bundle " + f.bundle(), f.name());
        }
        return table.render();
    }

    /**
     * The state letter; Linux's where one exists (R, S, P, X), N for a created thread that never ran, D for a stuck
     * one (like Linux's uninterruptible state: asked to stop, not stopping, listed until it ends).
     */
    static String stat(Kthread.State state) {
        return switch (state) {
            case CREATED -> "N";
            case RUNNING -> "R";
            case SLEEPING -> "S";
            case PARKED -> "P";
            case STOPPING -> "X";
            case STUCK -> "D";
            case EXITED -> "Z"; // never listed by Kthreads.list(); kept total for the switch
        };
    }

    /** A CPU mask in Linux cpulist form ({@code 0-2,5}); {@code null} (printed {@code -}) when empty. */
    static String cpuList(BitSet mask) {
        if (mask.isEmpty()) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (int lo = mask.nextSetBit(0); lo >= 0; lo = mask.nextSetBit(lo)) {
            int hi = mask.nextClearBit(lo) - 1;
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(lo);
            if (hi > lo) {
                out.append('-').append(hi);
            }
            lo = hi + 1;
        }
        return out.toString();
    }

    /** CPU time as {@code M:SS.mmm}; {@code null} (printed {@code -}) when unknown (negative). */
    static String cpuTime(long nanos) {
        if (nanos < 0) {
            return null;
        }
        long millis = nanos / 1_000_000;
        return String.format("%d:%02d.%03d", millis / 60_000, millis / 1000 % 60, millis % 1000);
    }
}
