package io.kdrv.driver.internal;

import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.KthreadStopTimeoutException;
import io.kdrv.kthread.WaitQueue;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded driver calls: runs each probe, remove and devres release on a call kthread and waits for it with a
 * timeout (the watchdog), so the probe worker is never held hostage by one driver.
 *
 * <p>Why a standby kthread: starting and reaping a short-lived kthread per call cost 230-290 us each, three per
 * device lifecycle (benchmark 7). One call kthread {@code kdrv-call/<n>} waits on standby and runs the calls one
 * after the other. When a call does not return in time it is abandoned: the caller moves on, the stuck call is
 * reported by device, driver and call (log and {@link #stuckThreads()}), and a fresh standby kthread takes over the
 * next call. The abandoned kthread exits by itself once the driver code returns. While it runs a call the kthread's
 * owner label names the device ({@code kthread:ps}), as for the device's own kthreads.
 *
 * <p>Calls are started by the probe worker only, one at a time; {@link #isCallThread} and the reports are
 * thread-safe.
 */
final class DriverCalls {
    private static final Logger LOG = LoggerFactory.getLogger(DriverCalls.class);
    private static final int MAX_STUCK_REPORTS = 64;
    private static final String IDLE_OWNER = "kdrv core";

    /** The driver code to run; may throw anything. */
    @FunctionalInterface
    interface Body {
        void call() throws Exception;
    }

    /** How a call ended, as the waiting caller saw it. */
    record Outcome(boolean returned, Throwable error, String thread) {
        /** The call timed out and was abandoned. */
        boolean timedOut() {
            return !returned;
        }
    }

    /** Both outcomes of {@link #callThen}; {@code second} is null when the first call timed out. */
    record Outcomes(Outcome first, Outcome second) {
    }

    /** One call handed to a call kthread, optionally followed by a second step on the same kthread. */
    private static final class Call {
        final String owner;
        final Body body;
        final Body then;                                   // null: a single step
        final Completion done = new Completion();          // the first step returned
        final Completion thenDone = new Completion();      // the second step returned (or will not run)
        volatile Throwable error;
        volatile Throwable thenError;

        Call(String owner, Body body, Body then) {
            this.owner = owner;
            this.body = body;
            this.then = then;
        }

        void run(CallThread on) {
            on.thread.owner(owner);
            try {
                error = step(body);
                if (then != null) {
                    done.completeAll();
                    if (!on.abandoned) { // the core gave up on the first step: it releases on a fresh kthread
                        thenError = step(then);
                    }
                }
            } finally {
                if (!on.abandoned) {
                    on.thread.owner(IDLE_OWNER); // before completing: whoever sees the call done sees it idle
                }
                done.completeAll();
                thenDone.completeAll();
            }
        }

        private static Throwable step(Body b) {
            try {
                b.call();
                return null;
            } catch (Throwable t) { // everything, including Errors from driver code: the caller classifies it
                return t;
            }
        }
    }

    /** A call kthread: standby until handed a call, runs it, back to standby, until stopped or abandoned. */
    private static final class CallThread {
        final Kthread thread;
        final WaitQueue handoff = new WaitQueue();
        volatile Call next;
        volatile boolean abandoned;

        CallThread(String name) {
            this.thread = Kthread.create(CallThread::loop, this, "%s", name).owner(IDLE_OWNER);
        }

        private static int loop(CallThread self) {
            for (;;) {
                // uninterruptible: only stop(), abandonment or a new call end the standby
                self.handoff.waitEvent(() -> self.next != null || self.abandoned || Kthread.shouldStop());
                Call c = self.next;
                if (c == null) {
                    if (self.abandoned || Kthread.shouldStop()) {
                        return 0;
                    }
                    continue;
                }
                self.next = null;
                Thread.interrupted(); // an interrupt kept by the wait is nobody's business in driver code
                c.run(self);
                Thread.interrupted(); // a driver's stray interrupt must not leak into the next call
                if (self.abandoned) {
                    return 0; // the core gave up on this call and has another standby: leave
                }
            }
        }

        void hand(Call c) {
            next = c;
            handoff.wakeUp();
        }

        void abandon() {
            abandoned = true;
            handoff.wakeUp(); // a call that returned just after the timeout must not stay on standby
        }
    }

    private final AtomicInteger generation = new AtomicInteger();
    private volatile CallThread standby;       // replaced by the probe worker only
    private final Set<CallThread> abandoned = ConcurrentHashMap.newKeySet();
    private final Deque<StuckThreadReport> stuck = new ConcurrentLinkedDeque<>();

    /**
     * Runs {@code body} for device {@code dev} on the standby call kthread and waits at most {@code timeout}. On
     * timeout the call is abandoned and reported as "{@code what}" ("probe by driver x"), its kthread is marked
     * on the device so late resource requests from it are refused, and a fresh standby kthread is used next.
     */
    Outcome call(DeviceImpl dev, String what, Duration timeout, Body body) {
        CallThread t = standby();
        Call c = new Call("device " + dev.name(), body, null); // same owner label as the device's own kthreads
        t.hand(c);
        // bounded and uninterruptible; false also when the probe worker itself is being stopped
        if (c.done.waitForCompletionTimeout(timeout)) {
            return new Outcome(true, c.error, t.thread.name());
        }
        abandon(t, dev, what, timeout);
        return new Outcome(false, null, t.thread.name());
    }

    /**
     * Two calls in one hand-off: {@code body}, then, if it returned within {@code timeout}, {@code then} on the
     * same kthread, bounded by {@code thenTimeout} (remove, then the devres release: one hand-off instead of two,
     * benchmark 7). Each step is abandoned and reported like {@link #call}; when the first step times out the
     * second never runs on that kthread.
     */
    Outcomes callThen(DeviceImpl dev, String what, Duration timeout, Body body, String thenWhat,
            Duration thenTimeout, Body then) {
        CallThread t = standby();
        Call c = new Call("device " + dev.name(), body, then);
        t.hand(c);
        if (!c.done.waitForCompletionTimeout(timeout)) {
            abandon(t, dev, what, timeout);
            return new Outcomes(new Outcome(false, null, t.thread.name()), null);
        }
        Outcome first = new Outcome(true, c.error, t.thread.name());
        if (!c.thenDone.waitForCompletionTimeout(thenTimeout)) {
            abandon(t, dev, thenWhat, thenTimeout);
            return new Outcomes(first, new Outcome(false, null, t.thread.name()));
        }
        return new Outcomes(first, new Outcome(true, c.thenError, t.thread.name()));
    }

    /** Gives up on {@code t}: reported, marked on the device, replaced by a fresh standby for the next call. */
    private void abandon(CallThread t, DeviceImpl dev, String what, Duration timeout) {
        standby = null; // the next call gets a fresh kthread
        t.abandon();
        abandoned.add(t);
        dev.abandon(t.thread.javaThread());
        Throwable stack = stackOf(t.thread, "kthread " + t.thread.name() + " stuck in " + what + " of device "
                + dev.name());
        LOG.error("device {}: {} did not return within {} ms; kthread {} abandoned (its stack follows)",
                dev.name(), what, timeout.toMillis(), t.thread.name(), stack);
        report(StuckThreadReport.of(dev.name(), t.thread.name(), what, stack));
    }

    private CallThread standby() {
        CallThread t = standby;
        if (t == null) {
            t = new CallThread("kdrv-call/" + generation.incrementAndGet());
            t.thread.wakeUp();
            standby = t;
        }
        return t;
    }

    /** Whether {@code t} runs (or ran, and was abandoned in) a driver call: it must not call blocking methods. */
    boolean isCallThread(Thread t) {
        CallThread s = standby;
        if (s != null && s.thread.javaThread() == t) {
            return true;
        }
        for (CallThread a : abandoned) {
            if (a.thread.javaThread() == t) {
                return true;
            }
        }
        return false;
    }

    /** Kthreads the core gave up waiting for (most recent last, at most 64). */
    List<StuckThreadReport> stuckThreads() {
        return List.copyOf(stuck);
    }

    void report(StuckThreadReport r) {
        abandoned.removeIf(a -> a.thread.state() == Kthread.State.EXITED); // abandoned calls that returned since
        stuck.addLast(r);
        while (stuck.size() > MAX_STUCK_REPORTS) {
            stuck.pollFirst();
        }
    }

    /**
     * Stops the standby kthread and every abandoned call kthread still running, reporting those that do not stop.
     * The abandoned ones share one {@code stopTimeout} (not one each): they sit in driver code that already ignored
     * its timeout, and N of them must not add N bounds to the shutdown.
     */
    void close(Duration stopTimeout) {
        CallThread s = standby;
        standby = null;
        if (s != null) {
            stopReporting(s.thread, "driver call kthread", stopTimeout);
        }
        long end = System.nanoTime() + stopTimeout.toNanos();
        for (CallThread a : abandoned) {
            if (a.thread.state() != Kthread.State.EXITED) {
                long left = Math.max(1_000_000L, end - System.nanoTime()); // at least 1 ms: the stop request goes out
                stopReporting(a.thread, "abandoned driver call", Duration.ofNanos(left));
            }
        }
        abandoned.clear();
    }

    /** Bounded stop of a core kthread at shutdown; one that will not stop is reported and left behind. */
    void stopReporting(Kthread k, String what, Duration stopTimeout) {
        try {
            k.stop(stopTimeout);
        } catch (KthreadStopTimeoutException e) {
            LOG.error("kdrv core shutdown: {} {} did not stop within {} ms and is left behind; its stack follows",
                    what, k.name(), stopTimeout.toMillis(), e);
            report(StuckThreadReport.of(String.valueOf(k.owner()), k.name(), what + " stop at shutdown", e));
        }
    }

    /** An exception whose stack trace is the current stack of the stuck kthread, for the log. */
    private static Throwable stackOf(Kthread k, String message) {
        Throwable t = new StuckThread(message);
        StackTraceElement[] stack = k.javaThread().getStackTrace();
        if (stack.length > 0) {
            t.setStackTrace(stack);
        }
        return t;
    }

    /** Carries a stuck kthread's stack into the log. */
    static final class StuckThread extends Exception {
        private static final long serialVersionUID = 1L;

        StuckThread(String message) {
            super(message);
        }
    }
}
