package io.kdrv.driver.internal;

import io.kdrv.driver.DevresAction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One probe's list of device-managed resources (Linux {@code drivers/base/devres.c}): release entries pushed as
 * resources are acquired and run in reverse order by {@link #releaseAll()}.
 *
 * <p>Each probe attempt gets a fresh list. Once the core gives up on the probe (it failed, timed out, or the
 * device is being removed) the list is {@link #close() closed}: a late acquisition by a straggling driver thread
 * is refused ({@link #add} returns false) so the caller releases it at once instead of leaking it.
 *
 * <p>Thread-safe. {@link #releaseAll()} pops entries one at a time, so two threads releasing concurrently (a
 * stuck release thread and the core's fallback) never release an entry twice.
 */
final class Devres {
    private static final Logger LOG = LoggerFactory.getLogger(Devres.class);

    /** One release entry: what was acquired (for logs) and how to release it. */
    record Entry(String what, DevresAction release) {
    }

    private final String device;
    private final Deque<Entry> entries = new ArrayDeque<>(); // guarded by this; last acquired first
    private boolean closed;                                   // guarded by this
    private boolean usedBoard;                                // guarded by this

    Devres(String device) {
        this.device = device;
    }

    /**
     * Pushes a release entry.
     *
     * @return false if the list is closed: the caller must release the resource itself
     */
    synchronized boolean add(String what, DevresAction release, boolean boardResource) {
        if (closed) {
            return false;
        }
        entries.push(new Entry(what, release));
        usedBoard |= boardResource;
        return true;
    }

    /** Refuses further entries; existing ones stay until {@link #releaseAll()}. */
    synchronized void close() {
        closed = true;
    }

    synchronized boolean usedBoard() {
        return usedBoard;
    }

    synchronized int size() {
        return entries.size();
    }

    /** What is held now, most recent first (diagnostics). */
    synchronized List<String> describe() {
        List<String> out = new ArrayList<>();
        for (Entry e : entries) {
            out.add(e.what());
        }
        return out;
    }

    private synchronized Entry pop() {
        return entries.poll();
    }

    /**
     * Closes the list and runs every entry, most recently acquired first. An entry that throws is logged with the
     * device name and the rest still run.
     *
     * @return the number of entries released by this call
     */
    int releaseAll() {
        close();
        int n = 0;
        for (Entry e; (e = pop()) != null; n++) {
            try {
                e.release().release();
                LOG.debug("device {}: released {}", device, e.what());
            } catch (VirtualMachineError fatal) {
                throw fatal;
            } catch (Throwable ex) { // one bad release must not leak the others
                LOG.error("device {}: releasing {} failed; continuing with the remaining resources", device, e.what(), ex);
            }
        }
        return n;
    }
}
