package io.kdrv.kthread.internal;

/**
 * Thrown by {@code Kthread.exit(code)} to unwind the thread function, the Java stand-in for {@code do_exit()}.
 * It is an {@link Error} so that ordinary {@code catch (Exception e)} blocks in driver code let it through;
 * kdrv code that catches {@code Throwable} around foreign callbacks (the worker loop) must re-throw it.
 * It has no stack trace: it is control flow, not a failure.
 *
 * <p>Internal: not part of the exported API.
 */
public final class KthreadExit extends Error {
    private static final long serialVersionUID = 1L;
    private final int code;

    public KthreadExit(int code) {
        super("Kthread.exit(" + code + ")", null, false, false);
        this.code = code;
    }

    public int code() {
        return code;
    }
}
