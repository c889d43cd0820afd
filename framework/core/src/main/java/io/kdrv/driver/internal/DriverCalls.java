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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded driver calls: each probe, remove and devres release runs under a time bound, so the probe worker is never
 * held hostage by one driver.
 *
 * <p>On the probe worker, {@link #callInline} runs the call right there, as Linux runs probe in the caller's
 * context: no hand-off to another kthread and back (two wake-ups per call, most of a bind's cost in benchmark 7).
 * The bound is kept by the watchdog kthread {@code kdrv-watchdog}: the worker publishes the call and its deadline
 * (a volatile write, plus a wake-up only when the watchdog sleeps without a deadline); the watchdog sleeps until
 * the deadline of the call it sees, and after a call stays on watch for one more bound, so a burst of calls does not
 * wake it at all. When a call overruns, the watchdog reports it (device, driver, call, the kthread's stack), marks
 * the kthread on the device so its late resource requests are refused, and has {@link ProbeQueue#takeOver} start a
 * fresh worker, which runs the call's repair ({@link Abandoned}: the device FAILED or UNBOUND, its resources
 * released) and then the stuck item again. The abandoned worker leaves once the driver returns.
 *
 * <p>Off the probe worker (or before the queue is attached), calls go to a standby call kthread instead:
 * <p>Why a standby kthread: starting and reaping a short-lived kthread per call cost 230-290 us each, three per
 * device lifecycle (benchmark 7). One call kthread {@code kdrv-call/<n>} waits on standby and runs the calls one
 * after the other. When a call does not return in time it is abandoned: the caller moves on, the stuck call is
 * reported by device, driver and call (log and {@link #stuckThreads()}), and a fresh standby kthread takes over the
 * next call. The abandoned kthread exits by itself once the driver code returns. While it runs a call the kthread's
 * owner label names the device ({@code kthread:ps}), as for the device's own kthreads.
 *
 * <p>Standby calls are started by one thread at a time; inline calls by the probe worker only; {@link #isCallThread}
 * and the reports are thread-safe.
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

    /**
     * What becomes of the device when its call is abandoned: runs on the fresh probe worker before the stuck item
     * runs again (inline calls), or on the caller right after the timeout (standby calls).
     */
    @FunctionalInterface
    interface Abandoned {
        /** @param thread the name of the abandoned kthread, for the device's reason */
        void repair(String thread);
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

    /** A driver call running on the probe worker, as the watchdog sees it. */
    private record InlineCall(DeviceImpl dev, String what, long timeoutNanos, long deadline, Kthread worker,
            Abandoned onAbandoned) {
    }

    /** {@link #watchdogWakeAt} when the watchdog sleeps until the next call wakes it. */
    private static final long UNTIL_WOKEN = Long.MAX_VALUE;

    private volatile ProbeQueue queue;
    private final AtomicReference<InlineCall> inline = new AtomicReference<>(); // the call the worker runs now
    private final WaitQueue watch = new WaitQueue();
    private volatile Kthread watchdog;
    private volatile long watchdogWakeAt = UNTIL_WOKEN;   // when the watchdog looks next
    private volatile long lingerHint;                     // the bound of the call that woke the watchdog
    private final Set<Kthread> abandonedWorkers = ConcurrentHashMap.newKeySet();

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

    /** From now on, calls made on {@code q}'s worker run inline there. Once, by the core. */
    void useQueue(ProbeQueue q) {
        this.queue = q;
    }

    /**
     * Runs {@code body} for device {@code dev} bounded by {@code timeout}: inline when called on the probe worker,
     * else on the standby call kthread ({@link #call}). On timeout {@code onAbandoned} runs (see {@link Abandoned})
     * and, for an inline call, this method never returns on the abandoned worker: it throws
     * {@link ProbeQueue.RunnerAbandoned} once the driver returns.
     */
    Outcome callInline(DeviceImpl dev, String what, Duration timeout, Body body, Abandoned onAbandoned) {
        Kthread self = worker();
        if (self == null) {
            Outcome o = call(dev, what, timeout, body);
            if (o.timedOut()) {
                onAbandoned.repair(o.thread());
            }
            return o;
        }
        InlineCall c = arm(dev, what, timeout, self, onAbandoned);
        self.owner("device " + dev.name()); // as the device's own kthreads, while it runs driver code
        Throwable err = Call.step(body);
        Thread.interrupted(); // a driver's stray interrupt must not leak into the core
        disarm(c, null);
        self.owner(IDLE_OWNER);
        return new Outcome(true, err, self.name());
    }

    /**
     * {@link #callInline} of {@code body}, then, if it returned in time, of {@code then} (remove, then the devres
     * release). {@code onAbandoned} repairs a hung {@code body}, {@code onThenAbandoned} a hung {@code then}; the
     * second outcome is null when the first call timed out.
     */
    Outcomes callThenInline(DeviceImpl dev, String what, Duration timeout, Body body, Abandoned onAbandoned,
            String thenWhat, Duration thenTimeout, Body then, Abandoned onThenAbandoned) {
        Kthread self = worker();
        if (self == null) {
            Outcomes o = callThen(dev, what, timeout, body, thenWhat, thenTimeout, then);
            if (o.first().timedOut()) {
                onAbandoned.repair(o.first().thread());
            } else if (o.second().timedOut()) {
                onThenAbandoned.repair(o.second().thread());
            }
            return o;
        }
        InlineCall c = arm(dev, what, timeout, self, onAbandoned);
        self.owner("device " + dev.name());
        Throwable err = Call.step(body);
        Thread.interrupted();
        InlineCall c2 = new InlineCall(dev, thenWhat, thenTimeout.toNanos(), System.nanoTime() + thenTimeout.toNanos(),
                self, onThenAbandoned);
        disarm(c, c2);
        Throwable thenErr = Call.step(then);
        Thread.interrupted();
        disarm(c2, null);
        self.owner(IDLE_OWNER);
        return new Outcomes(new Outcome(true, err, self.name()), new Outcome(true, thenErr, self.name()));
    }

    /** The calling thread's kthread if it is the live probe worker, else null. */
    private Kthread worker() {
        ProbeQueue q = queue;
        return q != null && q.isWorkerThread(Thread.currentThread()) ? Kthread.current() : null;
    }

    private InlineCall arm(DeviceImpl dev, String what, Duration timeout, Kthread self, Abandoned onAbandoned) {
        if (watchdog == null) {
            startWatchdog();
        }
        Thread.interrupted(); // an interrupt kept by an earlier wait is nobody's business in driver code
        long t = timeout.toNanos();
        InlineCall c = new InlineCall(dev, what, t, System.nanoTime() + t, self, onAbandoned);
        inline.set(c);
        nudge(c);
        return c;
    }

    /**
     * The call {@code c} returned: hands over to {@code next} (null: none). Whoever moves {@link #inline} off
     * {@code c} first, the worker here or the watchdog at the deadline, decides whether the call returned in time.
     */
    private void disarm(InlineCall c, InlineCall next) {
        if (!inline.compareAndSet(c, next)) {
            throw new ProbeQueue.RunnerAbandoned(); // too late: a fresh worker has taken over
        }
        if (next != null) {
            nudge(next);
        }
    }

    /** Wakes the watchdog only if it would otherwise look later than {@code c}'s deadline. */
    private void nudge(InlineCall c) {
        long at = watchdogWakeAt;
        if (at == UNTIL_WOKEN || c.deadline() - at < 0) {
            lingerHint = c.timeoutNanos(); // even if c has returned by the time the watchdog runs, it stays on watch
            watch.wakeUp();
        }
    }

    private synchronized void startWatchdog() {
        if (watchdog == null) {
            Kthread k = Kthread.create(DriverCalls::watch, this, "kdrv-watchdog").owner(IDLE_OWNER);
            k.wakeUp();
            watchdog = k;
        }
    }

    /** The watchdog kthread: sleeps until the deadline of the inline call it sees, abandons it if still running. */
    private static int watch(DriverCalls self) {
        long linger = 0;
        while (!Kthread.shouldStop()) {
            InlineCall c = self.inline.get();
            long now = System.nanoTime();
            long until;
            if (c != null) {
                if (now - c.deadline() >= 0) {
                    if (self.inline.compareAndSet(c, null)) {
                        self.abandonInline(c);
                    }
                    continue;
                }
                until = c.deadline();
                linger = c.timeoutNanos();
            } else if (linger > 0 || (linger = self.lingerHint) > 0) {
                // on watch for one more bound: calls starting meanwhile have later deadlines and need no wake-up
                until = now + linger;
                linger = 0;
                self.lingerHint = 0;
            } else {
                until = UNTIL_WOKEN;
            }
            self.watchdogWakeAt = until;
            long u = until;
            BooleanSupplier earlier = () -> Kthread.shouldStop() || earlierThan(self.inline.get(), u);
            if (until == UNTIL_WOKEN) {
                self.watch.waitEvent(earlier);
            } else {
                self.watch.waitEventTimeout(earlier, Duration.ofNanos(until - now));
            }
        }
        return 0;
    }

    private static boolean earlierThan(InlineCall c, long until) {
        return c != null && (until == UNTIL_WOKEN || c.deadline() - until < 0);
    }

    /** The watchdog gives up the probe worker stuck in {@code c}: report, mark, and a fresh worker takes over. */
    private void abandonInline(InlineCall c) {
        Kthread t = c.worker();
        abandonedWorkers.add(t);
        c.dev().abandon(t.javaThread());
        Throwable stack = stackOf(t, "kthread " + t.name() + " stuck in " + c.what() + " of device " + c.dev().name());
        // reported before the take-over: whoever sees the repair's outcome (the device FAILED) sees the report
        report(StuckThreadReport.of(c.dev().name(), t.name(), c.what(), stack));
        String fresh = queue.takeOver(t, () -> c.onAbandoned().repair(t.name()));
        LOG.error("device {}: {} did not return within {} ms; probe worker {} abandoned, {} takes over (the stuck "
                + "kthread's stack follows)", c.dev().name(), c.what(), c.timeoutNanos() / 1_000_000, t.name(), fresh,
                stack);
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
        for (Kthread w : abandonedWorkers) {
            if (w.javaThread() == t) {
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
        abandonedWorkers.removeIf(w -> w.state() == Kthread.State.EXITED);
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
        Kthread w = watchdog;
        if (w != null) {
            stopReporting(w, "driver call watchdog", stopTimeout);
        }
        for (Kthread a : abandonedWorkers) { // the same one bound as the abandoned call kthreads
            if (a.state() != Kthread.State.EXITED) {
                long left = Math.max(1_000_000L, end - System.nanoTime());
                stopReporting(a, "abandoned probe worker", Duration.ofNanos(left));
            }
        }
        abandonedWorkers.clear();
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
