package io.kdrv.kthread;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of live kthreads, for diagnostics ({@code ps} for kdrv) and leak checks in tests. A kthread is
 * registered by {@link Kthread#create} and removed when it exits (including a stop before its first wake-up),
 * so exited kthreads never accumulate here.
 */
public final class Kthreads {
    private static final Set<Kthread> LIVE = ConcurrentHashMap.newKeySet();

    private Kthreads() {
    }

    /**
     * A snapshot of every live kthread (created, running, sleeping, parked, stopping or stuck; never exited), in
     * creation order. A {@link Kthread.State#STUCK} kthread stays listed, its CPU time still counting, until its
     * function finally returns. Each entry is taken independently, so the list is not an atomic picture of all threads.
     *
     * @return a new, modifiable list
     */
    public static List<KthreadInfo> list() {
        List<Kthread> live = new ArrayList<>(LIVE);
        live.sort(Comparator.comparingLong(Kthread::sequence));
        List<KthreadInfo> infos = new ArrayList<>(live.size());
        for (Kthread k : live) {
            Kthread.State state = k.state();
            if (state != Kthread.State.EXITED) { // it may have exited since we copied the set
                infos.add(new KthreadInfo(k.name(), state, k.cpuMask(), k.owner(), k.wakeups(), k.cpuTimeNanos(), k.tid()));
            }
        }
        return infos;
    }

    /**
     * The number of live (not exited) kthreads, without building a list.
     *
     * @return the count
     */
    public static int liveCount() {
        return LIVE.size();
    }

    /** The live kthread objects themselves (for the test leak check, which stops leftovers). */
    static List<Kthread> liveThreads() {
        return new ArrayList<>(LIVE);
    }

    static void register(Kthread k) {
        LIVE.add(k);
    }

    static void unregister(Kthread k) {
        LIVE.remove(k);
    }
}
