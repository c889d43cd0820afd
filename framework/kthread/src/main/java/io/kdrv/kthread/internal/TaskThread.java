package io.kdrv.kthread.internal;

/**
 * The platform thread behind a kthread. It carries the kthread's {@link Task} so that
 * {@link Task#current()} and {@code Kthread.current()} are a type test and a field load, not a
 * thread-local lookup.
 *
 * <p>Internal: not part of the exported API.
 */
public final class TaskThread extends Thread {
    private final Task task;
    private final Object owner;

    /**
     * @param body  what the thread runs
     * @param name  the Java thread name; HotSpot copies it into the native name (comm, cut to 15 chars) at start
     * @param owner the kthread object this thread belongs to
     */
    public TaskThread(Runnable body, String name, Object owner) {
        // No inherited InheritableThreadLocals: a kthread must not capture its creator's context.
        super(null, body, name, 0, false);
        this.task = new Task(this);
        this.owner = owner;
        // Like Linux kthreads, a forgotten kthread must not keep the JVM from shutting down.
        setDaemon(true);
    }

    public Task task() {
        return task;
    }

    public Object owner() {
        return owner;
    }
}
