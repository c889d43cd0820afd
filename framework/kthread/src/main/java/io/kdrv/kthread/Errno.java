package io.kdrv.kthread;

/**
 * The Linux errno values kdrv uses as (negated) exit codes, e.g. {@code return -Errno.ENODEV;}.
 * The numbers are the Linux ones, so they read the same as in kernel logs.
 */
public final class Errno {
    /** Interrupted system call; also the exit code of a kthread stopped before its function ran. */
    public static final int EINTR = 4;
    /** I/O error; also the exit code of a kthread whose function threw. */
    public static final int EIO = 5;
    /** Out of memory; also the exit code when the JVM cannot start the thread. */
    public static final int ENOMEM = 12;
    /** Device or resource busy. */
    public static final int EBUSY = 16;
    /** No such device. */
    public static final int ENODEV = 19;
    /** Invalid argument. */
    public static final int EINVAL = 22;
    /** Connection (or operation) timed out. */
    public static final int ETIMEDOUT = 110;
    /** Driver requests probe retry (kernel-internal errno). */
    public static final int EPROBE_DEFER = 517;

    private Errno() {
    }

    /**
     * The symbolic name of an errno value, for log messages: {@code name(-5)} and {@code name(5)} are both
     * {@code "EIO"}; unknown values give their number ({@code "42"}).
     *
     * @param errno an errno value, negated or not
     * @return its symbolic name
     */
    public static String name(int errno) {
        return switch (Math.abs(errno)) {
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENOMEM -> "ENOMEM";
            case EBUSY -> "EBUSY";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ETIMEDOUT -> "ETIMEDOUT";
            case EPROBE_DEFER -> "EPROBE_DEFER";
            default -> Integer.toString(errno);
        };
    }
}
