package io.kdrv.board.linux.internal;

/**
 * Linux errno numbers (asm-generic, the same on x86, arm and arm64) and their names for error messages, with a
 * short explanation for the ones a GPIO or I2C user meets.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EINVAL = 22;
    public static final int ENOTTY = 25;
    public static final int ENOSYS = 38;
    public static final int EPROTO = 71;
    public static final int EBADMSG = 74;
    public static final int EOPNOTSUPP = 95;
    public static final int ETIMEDOUT = 110;
    public static final int EREMOTEIO = 121;
    /** Kernel-internal "operation not supported" (returned e.g. for an unsupported bias by some drivers). */
    public static final int ENOTSUPP = 524;

    private Errno() {
    }

    /** @return the symbolic name of {@code errno} (sign ignored), or {@code "errno N"} */
    public static String name(int errno) {
        return switch (Math.abs(errno)) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case E2BIG -> "E2BIG";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case ENODEV -> "ENODEV";
            case ENOTDIR -> "ENOTDIR";
            case EINVAL -> "EINVAL";
            case ENOTTY -> "ENOTTY";
            case ENOSYS -> "ENOSYS";
            case EPROTO -> "EPROTO";
            case EBADMSG -> "EBADMSG";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            case ETIMEDOUT -> "ETIMEDOUT";
            case EREMOTEIO -> "EREMOTEIO";
            case ENOTSUPP -> "ENOTSUPP";
            default -> "errno " + Math.abs(errno);
        };
    }

    /** @return what the errno usually means for a GPIO/I2C user, or "" when the name says enough */
    public static String hint(int errno) {
        return switch (Math.abs(errno)) {
            case ENOENT -> "no such file";
            case EACCES, EPERM -> "permission denied (add the user to the gpio/i2c group, or run as root)";
            case ENXIO -> "no device answered at this address (NACK)";
            case EREMOTEIO -> "the device did not acknowledge (NACK)";
            case EOPNOTSUPP, ENOTSUPP -> "the adapter or chip does not support this operation";
            case ENOTTY -> "not a GPIO/I2C character device (wrong ioctl for this file)";
            case ETIMEDOUT -> "the bus timed out";
            default -> "";
        };
    }

    /** {@code "NAME"} or {@code "NAME (hint)"}. */
    public static String describe(int errno) {
        String hint = hint(errno);
        return hint.isEmpty() ? name(errno) : name(errno) + " (" + hint + ")";
    }
}
