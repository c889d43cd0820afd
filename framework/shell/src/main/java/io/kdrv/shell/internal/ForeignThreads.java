package io.kdrv.shell.internal;

import io.kdrv.kthread.Kthread;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.wiring.BundleWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds raw {@code java.lang.Thread}s (not kthreads) that a bundle left running when it stopped, reports them in
 * one WARN naming the bundle, each thread by name and stack, and keeps them for {@code kthread:ps} (STAT {@code F},
 * owner {@code foreign bundle <bsn>}) until they end.
 *
 * <p><b>When.</b> On {@link BundleEvent#STOPPED}, delivered synchronously (a {@link SynchronousBundleListener}):
 * the bundle's devices were removed while it was stopping (the core finishes remove before the driver's services
 * go), and its wiring and class loader are still there, which an asynchronous listener could find already
 * uninstalled and refreshed away. Not during framework shutdown: the process is ending, and every bundle would be
 * scanned for nothing.
 *
 * <p><b>Which threads.</b> A live thread that is not a kthread ({@link Kthread#of}) belongs to the stopped bundle
 * when its class or its context class loader is the bundle's class loader, or when a frame of its stack is a class
 * of the bundle, loaded by that loader. The stack test is needed because {@code new Thread(lambda)} from driver
 * code gets neither: its class is {@code java.lang.Thread} and Felix does not set a context class loader, so the
 * thread inherits whichever its creator (an SCR or kdrv probe thread) had.
 *
 * <p><b>Why here.</b> It lives in the shell bundle because {@code kthread:ps} is where the threads are shown and the
 * detection needs nothing but the OSGi framework API and {@link Kthread#of}: no change to the core's device
 * model, and no thread-scanning policy in the plain-Java kthread API. Without the shell bundle nothing is detected.
 *
 * <p>Threads are held by weak references: an ended thread must not pin an uninstalled bundle's class loader.
 * Thread-safe; the scan takes one {@link Thread#getAllStackTraces()} per stopped bundle.
 */
@Component(service = ForeignThreads.class, immediate = true)
public final class ForeignThreads implements SynchronousBundleListener {
    private static final Logger LOG = LoggerFactory.getLogger(ForeignThreads.class);
    /** Frames per thread in the warning: enough to see the driver's frame under a few JDK ones. */
    private static final int MAX_FRAMES = 24;

    /** One foreign thread as {@code kthread:ps} shows it. */
    record Info(String name, String state, String bundle, long cpuTimeNanos) {
    }

    private record Tracked(WeakReference<Thread> thread, String bundle) {
    }

    private final List<Tracked> tracked = new ArrayList<>(); // guarded by itself
    private BundleContext context;

    @Activate
    void activate(BundleContext ctx) {
        this.context = ctx;
        ctx.addBundleListener(this);
    }

    @Deactivate
    void deactivate(BundleContext ctx) {
        ctx.removeBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() != BundleEvent.STOPPED || shuttingDown()) {
            return;
        }
        Bundle bundle = event.getBundle();
        if (bundle.getBundleId() == 0 || bundle.equals(context.getBundle())) {
            return;
        }
        try {
            scan(bundle);
        } catch (RuntimeException e) { // a diagnostic must never break a bundle stop
            LOG.warn("cannot check bundle {} for threads left running", describe(bundle), e);
        }
    }

    private boolean shuttingDown() {
        Bundle system = context.getBundle(0);
        return system == null || system.getState() == Bundle.STOPPING;
    }

    /** Finds, records and reports the threads {@code bundle} left running; returns what it found. */
    List<Thread> scan(Bundle bundle) {
        BundleWiring wiring = bundle.adapt(BundleWiring.class);
        ClassLoader loader = wiring == null ? null : wiring.getClassLoader();
        if (loader == null) {
            return List.of(); // not resolved, or a fragment: no code of its own ever ran
        }
        Set<String> ownClasses = null; // built on the first thread that needs the stack test
        List<Thread> found = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            if (t == Thread.currentThread() || !t.isAlive() || Kthread.of(t) != null || isTracked(t)) {
                continue;
            }
            boolean belongs = t.getClass().getClassLoader() == loader || t.getContextClassLoader() == loader;
            if (!belongs) {
                if (ownClasses == null) {
                    ownClasses = ownClassNames(wiring);
                }
                belongs = runsCodeOf(e.getValue(), ownClasses, loader);
            }
            if (belongs) {
                found.add(t);
                appendThread(report, t, e.getValue());
            }
        }
        if (found.isEmpty()) {
            return found;
        }
        String bsn = String.valueOf(bundle.getSymbolicName());
        synchronized (tracked) {
            for (Thread t : found) {
                tracked.add(new Tracked(new WeakReference<>(t), bsn));
            }
        }
        StringBuilder names = new StringBuilder();
        for (Thread t : found) {
            names.append(names.isEmpty() ? "" : ", ").append('"').append(t.getName()).append('"');
        }
        LOG.warn("bundle {} stopped but left {} thread{} running that {} not a kthread: {} (a driver must start "
                + "kthreads, which devres stops on remove); shown by kthread:ps as foreign until {}:{}",
                describe(bundle), found.size(), found.size() == 1 ? "" : "s", found.size() == 1 ? "is" : "are", names,
                found.size() == 1 ? "it ends" : "they end", report);
        return found;
    }

    /** The live foreign threads, oldest report first; ended threads are dropped here. */
    List<Info> list() {
        List<Info> out = new ArrayList<>();
        synchronized (tracked) {
            tracked.removeIf(k -> {
                Thread t = k.thread().get();
                return t == null || !t.isAlive();
            });
            for (Tracked k : tracked) {
                Thread t = k.thread().get();
                if (t != null) {
                    out.add(new Info(t.getName(), t.getState().name(), k.bundle(), CpuClock.of(t)));
                }
            }
        }
        return out;
    }

    private boolean isTracked(Thread t) {
        synchronized (tracked) {
            return tracked.stream().anyMatch(k -> k.thread().get() == t);
        }
    }

    /** Class names of the bundle's own entries (and its fragments'), not of what it imports. */
    private static Set<String> ownClassNames(BundleWiring wiring) {
        Collection<String> resources = wiring.listResources("/", "*.class",
                BundleWiring.LISTRESOURCES_LOCAL | BundleWiring.LISTRESOURCES_RECURSE);
        Set<String> names = new HashSet<>();
        if (resources != null) {
            for (String r : resources) {
                names.add(r.substring(0, r.length() - ".class".length()).replace('/', '.'));
            }
        }
        return names;
    }

    /** A frame of a class that is the bundle's own and was defined by its loader (not a same-named import). */
    private static boolean runsCodeOf(StackTraceElement[] stack, Set<String> ownClasses, ClassLoader loader) {
        for (StackTraceElement f : stack) {
            if (ownClasses.contains(f.getClassName())) {
                try {
                    if (loader.loadClass(f.getClassName()).getClassLoader() == loader) {
                        return true;
                    }
                } catch (ClassNotFoundException | LinkageError | IllegalStateException e) {
                    // not loadable any more: cannot be what this thread runs through this loader
                }
            }
        }
        return false;
    }

    private static void appendThread(StringBuilder out, Thread t, StackTraceElement[] stack) {
        out.append("\n  thread \"").append(t.getName()).append("\" (java id ").append(t.threadId()).append(", ")
                .append(t.getState()).append(t.isDaemon() ? ", daemon" : "").append(')');
        int n = Math.min(stack.length, MAX_FRAMES);
        for (int i = 0; i < n; i++) {
            out.append("\n\tat ").append(stack[i]);
        }
        if (stack.length > n) {
            out.append("\n\t... ").append(stack.length - n).append(" more");
        }
    }

    private static String describe(Bundle b) {
        return b.getSymbolicName() + " " + b.getVersion() + " (id " + b.getBundleId() + ")";
    }

    /** ThreadMXBean access for the TIME column; -1 when the JVM does not measure thread CPU time. */
    private static final class CpuClock {
        private static final ThreadMXBean MX = bean();

        private static ThreadMXBean bean() {
            try {
                ThreadMXBean mx = ManagementFactory.getThreadMXBean();
                return mx.isThreadCpuTimeSupported() ? mx : null;
            } catch (Throwable t) { // no java.management
                return null;
            }
        }

        static long of(Thread t) {
            try {
                return MX == null ? -1 : MX.getThreadCpuTime(t.threadId());
            } catch (UnsupportedOperationException e) {
                return -1;
            }
        }
    }
}
