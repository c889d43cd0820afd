package io.kdrv.driver.internal;

import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import io.kdrv.kthread.WaitQueue;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serial probe worker ({@code kdrv-probe}, Linux's deferred-probe and driver-attach work) and its operations:
 * every change of the device model is one work item, run one at a time in submission order.
 *
 * <p>Three ways in, named for what they do with errors and waiting:
 * <ul>
 *   <li>{@link #queue}: asynchronous; any failure of the item is logged (nobody else would see it);</li>
 *   <li>{@link #runAndWait}: the caller waits (bounded) and gets the result or the exception; expected misuse
 *       errors (IllegalArgument/IllegalState) are not logged, they are the caller's to report;</li>
 *   <li>{@link #queueShutdown}: like {@code queue}, but still accepted after {@link #closeInputs()}.</li>
 * </ul>
 *
 * <p>Driver calls run on the worker itself, as Linux runs probe in the caller's context
 * ({@link DriverCalls#callInline}): no hand-off to another kthread and back (benchmark 7). When a call overruns
 * its bound, {@link DriverCalls}' watchdog gives the worker up: {@link #takeOver} starts a fresh worker kthread
 * ({@code kdrv-probe/<n>}) that first runs the watchdog's repair of the stuck call (the device FAILED or UNBOUND,
 * its resources released), then runs the stuck item again from its start, then the rest of the queue in order.
 * Items are therefore written to be re-runnable: they derive what to do from the device model (a device already
 * moved on is skipped, {@link #abandonedInCurrent} skips a probe that hung in this very item) and keep any list
 * they build in {@link #itemState}. The abandoned kthread leaves as soon as the driver returns, without touching
 * the model again ({@link RunnerAbandoned} unwinds it: no {@code finally} on the worker's path may touch the model).
 * Thread-safe.
 */
final class ProbeQueue {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeQueue.class);

    /** An item on its way through the worker: callers may wait for it. */
    static class Pending {
        final Completion done = new Completion();

        /**
         * Waits (bounded, uninterruptible: an interrupt stays pending) until the item ran.
         *
         * @return false on timeout
         */
        boolean awaitDone(Duration timeout) {
            return done.waitForCompletionTimeout(timeout); // completed with completeAll: any number of waiters
        }
    }

    /**
     * Unwinds a worker kthread that the watchdog gave up on, once the driver call it was stuck in returns: a fresh
     * worker has re-run its item meanwhile, so it must leave without touching the device model.
     */
    static final class RunnerAbandoned extends Error {
        private static final long serialVersionUID = 1L;

        RunnerAbandoned() {
            super("probe worker abandoned after a driver call timeout", null, false, false);
        }
    }

    private final class Op<T> extends Pending implements Runnable {
        private final String what;
        private final boolean logExpectedErrors;
        private final Callable<T> body;
        private volatile T result;
        private volatile Throwable error;
        // Survive a re-run after a take-over; touched by the worker only.
        private Set<Object> abandonedIn;
        private Object state;

        Op(String what, boolean logExpectedErrors, Callable<T> body) {
            this.what = what;
            this.logExpectedErrors = logExpectedErrors;
            this.body = body;
        }

        @Override
        public void run() {
            try {
                result = body.call();
            } catch (RunnerAbandoned a) {
                throw a; // not finished: the fresh worker runs this item again
            } catch (Throwable t) {
                error = t;
                boolean expected = t instanceof IllegalArgumentException || t instanceof IllegalStateException;
                if (logExpectedErrors || !expected) {
                    LOG.error("kdrv core: {} failed", what, t);
                }
            }
            finish();
        }

        void refuse() {
            error = new IllegalStateException("kdrv core is shut down: " + what + " ignored");
            finish();
        }

        private void finish() {
            done.completeAll();
            if (pendingOps.decrementAndGet() == 0) {
                idle.wakeUpAll();
            }
        }

        T get(Duration timeout) {
            if (!awaitDone(timeout)) {
                throw new IllegalStateException("kdrv core: " + what + " did not finish within " + timeout.toMillis()
                        + " ms (the probe worker is busy or a driver call hangs; see the log)");
            }
            Throwable t = error;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            if (t != null) {
                throw new IllegalStateException("kdrv core: " + what + " failed: " + t, t);
            }
            return result;
        }
    }

    /** One worker kthread; replaced when the watchdog gives it up inside a driver call. */
    private final class Runner {
        final Kthread thread;
        final Op<?> resume;       // the item the previous worker was stuck in: repaired, then run again first
        final Runnable repair;

        Runner(String name, Op<?> resume, Runnable repair) {
            this.resume = resume;
            this.repair = repair;
            this.thread = Kthread.create(ProbeQueue.this::loop, this, "%s", name).owner(owner);
        }
    }

    private final String name;
    private final String owner;
    private final ConcurrentLinkedQueue<Op<?>> ops = new ConcurrentLinkedQueue<>();
    private final WaitQueue work = new WaitQueue();
    private final AtomicInteger generation = new AtomicInteger(1);
    private final AtomicInteger pendingOps = new AtomicInteger();
    private final WaitQueue idle = new WaitQueue();
    private volatile Runner runner;
    private volatile Op<?> current;  // the item the worker runs; written by the worker (and a take-over) only
    private volatile boolean closed;
    private volatile boolean stopping;

    /** Starts the worker kthread {@code name}. */
    ProbeQueue(String name, String owner) {
        this.name = name;
        this.owner = owner;
        Runner r = new Runner(name, null, null);
        this.runner = r;
        r.thread.wakeUp();
    }

    /** A worker kthread: the item it resumes after a take-over, if any, then the queue in order. */
    private int loop(Runner self) {
        ProbeQueue q = this;
        if (self.resume != null) {
            q.current = self.resume;
            try {
                self.repair.run();
            } catch (RunnerAbandoned a) {
                return 0; // stuck again, in the repair: another worker has taken over
            } catch (Throwable t) {
                LOG.error("kdrv core: repair after an abandoned driver call in {} failed", self.resume.what, t);
            }
            try {
                self.resume.run();
            } catch (RunnerAbandoned a) {
                return 0;
            }
            q.current = null;
        }
        for (;;) {
            Op<?> op = q.ops.poll();
            if (op == null) {
                if (Kthread.shouldStop()) {
                    return 0; // destroy(): the queue is drained
                }
                q.work.waitEvent(() -> !q.ops.isEmpty() || Kthread.shouldStop());
                continue;
            }
            q.current = op;
            try {
                op.run();
            } catch (RunnerAbandoned a) {
                return 0;
            }
            q.current = null;
            Thread.interrupted(); // a driver's stray interrupt must not leak into the next item
        }
    }
    /** Queues {@code body}; its failure is logged. Refused (a no-op) once inputs are closed. */
    Pending queue(String what, Runnable body) {
        return submit(new Op<Void>(what, true, () -> {
            body.run();
            return null;
        }), false);
    }

    /**
     * Queues {@code action} to run on the worker once it is the only item left: while anything else is pending
     * (nodes still arriving, a deferred device's retry queued by a bind) it queues itself again behind it. A failure
     * is logged; refused (never run) once inputs are closed.
     */
    void queueWhenIdle(String what, Runnable action) {
        queue(what, () -> {
            if (pendingOps.get() > 1) {
                queueWhenIdle(what, action);
            } else {
                action.run();
            }
        });
    }

    /** Like {@link #queue}, accepted even after {@link #closeInputs()}: the shutdown item itself. */
    Pending queueShutdown(String what, Runnable body) {
        return submit(new Op<Void>(what, true, () -> {
            body.run();
            return null;
        }), true);
    }

    /**
     * Runs {@code body} on the worker and waits for it (bounded, not interruptible).
     *
     * @throws IllegalStateException on timeout, after {@link #closeInputs()}, or what the body threw
     */
    <T> T runAndWait(String what, Callable<T> body, Duration timeout) {
        Op<T> op = new Op<>(what, false, body);
        submit(op, false);
        return op.get(timeout);
    }

    private <T> Op<T> submit(Op<T> op, boolean evenIfClosed) {
        pendingOps.incrementAndGet();
        if (closed && !evenIfClosed) {
            LOG.debug("kdrv core closed: ignoring {}", op.what);
            op.refuse();
            return op;
        }
        if (stopping) {
            op.refuse();
            return op;
        }
        ops.offer(op);
        if (stopping && ops.remove(op)) {
            op.refuse(); // destroy() drained the queue before this offer
            return op;
        }
        work.wakeUp();
        return op;
    }

    /**
     * From now on only {@link #queueShutdown} is accepted.
     *
     * @return false if inputs were already closed
     */
    synchronized boolean closeInputs() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /** Whether {@link #closeInputs()} was called: queued probes become no-ops. */
    boolean closed() {
        return closed;
    }

    /** Waits until nothing is queued or running; interruptible. */
    boolean awaitIdleInterruptible(Duration timeout) throws InterruptedException {
        return idle.waitEventInterruptibleTimeout(() -> pendingOps.get() == 0, timeout) > 0;
    }

    /** Whether {@code t} is the live worker kthread (abandoned ones are {@link DriverCalls}' to know). */
    boolean isWorkerThread(Thread t) {
        return t == runner.thread.javaThread();
    }

    /** The live worker kthread. */
    Kthread thread() {
        return runner.thread;
    }

    /**
     * Gives up the worker kthread {@code stuck}, which hangs in a driver call of the current item: a fresh worker
     * runs {@code repair}, then the current item again from its start, then the queue. Called by the watchdog
     * only; {@code stuck} leaves by itself once the driver returns ({@link RunnerAbandoned}).
     *
     * @return the fresh worker's name, or null if {@code stuck} is not the live worker (nothing done)
     */
    synchronized String takeOver(Kthread stuck, Runnable repair) {
        Runner r = runner;
        if (r.thread != stuck) {
            return null;
        }
        Runner fresh = new Runner(name + "/" + generation.incrementAndGet(), current, repair);
        runner = fresh;
        fresh.thread.wakeUp();
        return fresh.thread.name();
    }

    /**
     * Marks that the probe of {@code dev} was abandoned in the current item, so its re-run does not call the hung
     * driver again. Worker only.
     */
    void markAbandonedInCurrent(Object dev) {
        Op<?> op = current;
        if (op != null) {
            if (op.abandonedIn == null) {
                op.abandonedIn = new HashSet<>();
            }
            op.abandonedIn.add(dev);
        }
    }

    /** Whether the probe of {@code dev} was abandoned earlier in the current item (it runs again). Worker only. */
    boolean abandonedInCurrent(Object dev) {
        Op<?> op = current;
        return op != null && op.abandonedIn != null && op.abandonedIn.contains(dev);
    }

    /**
     * State of the current item that survives its re-run after a take-over (e.g. the devices it unbound and must
     * probe again): created by {@code initial} on first use. Worker only.
     */
    @SuppressWarnings("unchecked")
    <S> S itemState(Supplier<S> initial) {
        Op<?> op = current;
        if (op == null) {
            return initial.get();
        }
        if (op.state == null) {
            op.state = initial.get();
        }
        return (S) op.state;
    }

    /** Destroys the worker: it runs what is queued, then ends; returns once it has (at once when it is idle). */
    void destroy() {
        stopping = true;
        runner.thread.stop();
        for (Op<?> op; (op = ops.poll()) != null;) {
            op.refuse(); // queued after the worker's last look
        }
    }
}
