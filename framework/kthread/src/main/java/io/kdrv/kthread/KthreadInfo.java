package io.kdrv.kthread;

import java.util.BitSet;
import java.util.Objects;

/**
 * One line of {@link Kthreads#list()}: an immutable snapshot of a kthread, like a line of {@code ps}.
 *
 * @param name         the kthread name
 * @param state        its state at snapshot time (never {@link Kthread.State#EXITED} in a list)
 * @param cpuMask      the requested CPU mask (empty = unbound); the record keeps and returns copies
 * @param owner        the owner label, or null
 * @param wakeups      {@link Kthread#wakeups()}
 * @param cpuTimeNanos {@link Kthread#cpuTimeNanos()}, -1 when unknown
 * @param tid          native thread id, -1 when not running
 */
public record KthreadInfo(String name, Kthread.State state, BitSet cpuMask, String owner, long wakeups,
                          long cpuTimeNanos, long tid) {
    /**
     * Creates a snapshot line; {@code cpuMask} is copied.
     *
     * @throws NullPointerException if {@code name}, {@code state} or {@code cpuMask} is null
     */
    public KthreadInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        cpuMask = (BitSet) Objects.requireNonNull(cpuMask, "cpuMask").clone();
    }

    /**
     * The requested CPU mask.
     *
     * @return a copy (empty = unbound)
     */
    @Override
    public BitSet cpuMask() {
        return (BitSet) cpuMask.clone();
    }
}
