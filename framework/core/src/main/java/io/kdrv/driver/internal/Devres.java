package io.kdrv.driver.internal;

import io.kdrv.driver.DevresAction;
import io.kdrv.driver.DevresHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One probe's list of device-managed resources (Linux {@code drivers/base/devres.c}): release entries pushed as
 * resources are acquired and run in reverse order by {@link #releaseAll()}; single entries can be released or
 * removed early through their {@link DevresHandle} ({@code devm_release_action} / {@code devm_remove_action}).
 *
 * <p>Each probe attempt gets a fresh list. Once the core gives up on the probe (it failed, timed out, or the
 * device is being removed) the list is {@link #close() closed}: a late acquisition by a straggling driver thread
 * is refused ({@link #add} returns null) so the caller releases it at once instead of leaking it.
 *
 * <p>Thread-safe. An entry leaves the list under the lock and is released outside it, exactly once: by
 * {@link #releaseAll()} (which pops entries one at a time, so a stuck release thread and the core's fallback never
 * release an entry twice) or by its handle.
 */
final class Devres {
    private static final Logger LOG = LoggerFactory.getLogger(Devres.class);

    /** One release entry: what was acquired (for logs) and how to release it. */
    final class Entry implements DevresHandle {
        private final String kind;
        private final Object subject;  // described after kind, on first use; null: kind says it all
        private final DevresAction release;
        private final Object resource;
        private volatile String what;

        Entry(String kind, Object subject, DevresAction release, Object resource) {
            this.kind = kind;
            this.subject = subject;
            this.release = release;
            this.resource = resource;
        }

        /**
         * The entry's description. A driver object's {@code toString} runs here, when a listing or log needs it,
         * not on the probe path: on a freshly hot-plugged driver's classes it can cost more than the probe itself
         * (benchmark 8a), and a failing one must not fail the registration.
         */
        @Override
        public String what() {
            String w = what;
            if (w == null) {
                if (subject == null) {
                    w = kind;
                } else {
                    try {
                        w = kind + subject;
                    } catch (RuntimeException e) {
                        w = kind + subject.getClass().getName() + " (its toString failed: " + e + ")";
                    }
                }
                what = w;
            }
            return w;
        }

        @Override
        public boolean active() {
            synchronized (Devres.this) {
                return entries.contains(this);
            }
        }

        @Override
        public boolean release() {
            if (!detach(this)) {
                return false;
            }
            run(this);
            return true;
        }

        @Override
        public boolean remove() {
            boolean removed = detach(this);
            if (removed) {
                LOG.debug("device {}: {} removed from devres; the driver releases it", device, what());
            }
            return removed;
        }

        @Override
        public String toString() {
            return what();
        }
    }

    private final String device;
    private final Deque<Entry> entries = new ArrayDeque<>(); // guarded by this; last acquired first
    private boolean closed;                                   // guarded by this

    Devres(String device) {
        this.device = device;
    }

    /**
     * Pushes a release entry.
     *
     * @param resource the object handed to the driver (found again by {@link #find}), or null for a bare action
     * @return its handle, or null if the list is closed: the caller must release the resource itself
     */
    synchronized Entry add(String what, DevresAction release, Object resource) {
        return add(what, null, release, resource);
    }

    /** Like {@link #add(String, DevresAction, Object)}, described as {@code kind + subject} only when asked. */
    synchronized Entry add(String kind, Object subject, DevresAction release, Object resource) {
        if (closed) {
            return null;
        }
        Entry e = new Entry(kind, subject, release, resource);
        entries.push(e);
        return e;
    }

    /** Linux {@code devres_find}: the entry still on the list for {@code resource} (by identity), or null. */
    synchronized Entry find(Object resource) {
        for (Entry e : entries) {
            if (e.resource == resource) {
                return e;
            }
        }
        return null;
    }

    /** Refuses further entries; existing ones stay until {@link #releaseAll()}. */
    synchronized void close() {
        closed = true;
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

    private synchronized boolean detach(Entry e) {
        return entries.removeFirstOccurrence(e);
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
            run(e);
        }
        return n;
    }

    private void run(Entry e) {
        try {
            e.release.release();
            LOG.debug("device {}: released {}", device, e.what());
        } catch (VirtualMachineError fatal) {
            throw fatal;
        } catch (Throwable ex) { // one bad release must not leak the others
            LOG.error("device {}: releasing {} failed; continuing with the remaining resources", device, e.what(), ex);
        }
    }
}
