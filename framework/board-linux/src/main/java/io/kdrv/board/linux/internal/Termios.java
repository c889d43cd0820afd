package io.kdrv.board.linux.internal;

import com.pi4j.io.serial.DataBits;
import com.pi4j.io.serial.FlowControl;
import com.pi4j.io.serial.Parity;
import com.pi4j.io.serial.StopBits;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * glibc's termios calls through the FFM linker ({@code tcgetattr}, {@code tcsetattr}, {@code cfmakeraw},
 * {@code cfsetispeed}, {@code cfsetospeed}, {@code cfgetospeed}, {@code tcflush}) and the flag values of Linux's
 * asm-generic {@code termbits.h} (x86, arm, arm64; octal as in the header).
 *
 * <p>{@code struct termios} (glibc, NCCS 32): {@code c_iflag} 0, {@code c_oflag} 4, {@code c_cflag} 8,
 * {@code c_lflag} 12, {@code c_line} 16, {@code c_cc[32]} 17, {@code c_ispeed} 52, {@code c_ospeed} 56; 60 bytes.
 * A segment of {@link #SIZE} bytes leaves room for libc to write all of it.
 */
public final class Termios {
    public static final long SIZE = 64;
    public static final long C_IFLAG = 0;
    public static final long C_OFLAG = 4;
    public static final long C_CFLAG = 8;
    public static final long C_LFLAG = 12;
    public static final long C_CC = 17;

    // c_iflag
    public static final int INPCK = 0000020;
    public static final int IXON = 0002000;
    public static final int IXOFF = 0010000;
    // c_lflag
    public static final int ISIG = 0000001;
    public static final int ICANON = 0000002;
    public static final int ECHO = 0000010;
    // c_oflag
    public static final int OPOST = 0000001;
    // c_cflag
    public static final int CBAUD = 0010017;
    public static final int CSIZE = 0000060;
    public static final int CS5 = 0000000;
    public static final int CS6 = 0000020;
    public static final int CS7 = 0000040;
    public static final int CS8 = 0000060;
    public static final int CSTOPB = 0000100;
    public static final int CREAD = 0000200;
    public static final int PARENB = 0000400;
    public static final int PARODD = 0001000;
    public static final int CLOCAL = 0004000;
    public static final int CMSPAR = 010000000000;
    public static final int CRTSCTS = 020000000000;
    // c_cc
    public static final int VTIME = 5;
    public static final int VMIN = 6;
    // tcsetattr / tcflush
    public static final int TCSANOW = 0;
    public static final int TCIOFLUSH = 2;
    /** {@code ioctl(fd, FIONREAD, int*)}: bytes waiting to be read. */
    public static final long FIONREAD = 0x541B;

    private static final int[] BAUDS = {0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200,
        38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600, 1000000, 1152000, 1500000, 2000000, 2500000,
        3000000, 3500000, 4000000};
    private static final int[] SPEEDS = {0, 01, 02, 03, 04, 05, 06, 07, 010, 011, 012, 013, 014, 015, 016, 017,
        0010001, 0010002, 0010003, 0010004, 0010005, 0010006, 0010007, 0010010, 0010011, 0010012, 0010013, 0010014,
        0010015, 0010016, 0010017};

    private static final MethodHandle TCGETATTR = Sys.handle("tcgetattr", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS), -1,
            int.class, MemorySegment.class);
    private static final MethodHandle TCSETATTR = Sys.handle("tcsetattr", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS), -1, int.class, int.class, MemorySegment.class);
    private static final MethodHandle CFMAKERAW = Sys.handle("cfmakeraw", void.class,
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS), -1, MemorySegment.class);
    private static final MethodHandle CFSETISPEED = Sys.handle("cfsetispeed", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), -1,
            MemorySegment.class, int.class);
    private static final MethodHandle CFSETOSPEED = Sys.handle("cfsetospeed", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), -1,
            MemorySegment.class, int.class);
    private static final MethodHandle CFGETOSPEED = Sys.handle("cfgetospeed", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS), -1, MemorySegment.class);
    private static final MethodHandle TCFLUSH = Sys.handle("tcflush", int.class,
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), -1,
            int.class, int.class);

    private Termios() {
    }

    /** @return the {@code Bnnn} speed constant of {@code baud}, or -1 when termios has none */
    public static int speedOf(int baud) {
        for (int i = 0; i < BAUDS.length; i++) {
            if (BAUDS[i] == baud) {
                return SPEEDS[i];
            }
        }
        return -1;
    }

    /** @return the baud rate of a {@code Bnnn} constant, or -1 */
    public static int baudOf(int speed) {
        for (int i = 0; i < SPEEDS.length; i++) {
            if (SPEEDS[i] == speed) {
                return BAUDS[i];
            }
        }
        return -1;
    }

    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(SIZE, 8);
    }

    /** {@code tcgetattr}; returns 0 or {@code -errno}. */
    public static int get(MemorySegment slot, int fd, MemorySegment t) {
        try {
            int r = (int) TCGETATTR.invokeExact(slot, fd, t);
            return r == 0 ? 0 : -Sys.errno(slot);
        } catch (Throwable e) {
            throw Sys.rethrow(e);
        }
    }

    /** {@code tcsetattr(fd, TCSANOW, t)}, retried on EINTR; returns 0 or {@code -errno}. */
    public static int set(MemorySegment slot, int fd, MemorySegment t) {
        try {
            while (true) {
                int r = (int) TCSETATTR.invokeExact(slot, fd, TCSANOW, t);
                if (r == 0) {
                    return 0;
                }
                int e = Sys.errno(slot);
                if (e != Errno.EINTR) {
                    return -e;
                }
            }
        } catch (Throwable e) {
            throw Sys.rethrow(e);
        }
    }

    /** {@code tcflush(fd, TCIOFLUSH)}: drops stale input and unsent output; returns 0 or {@code -errno}. */
    public static int flush(MemorySegment slot, int fd) {
        try {
            int r = (int) TCFLUSH.invokeExact(slot, fd, TCIOFLUSH);
            return r == 0 ? 0 : -Sys.errno(slot);
        } catch (Throwable e) {
            throw Sys.rethrow(e);
        }
    }

    /** {@code cfgetospeed}: the {@code Bnnn} constant in {@code t}. */
    public static int outputSpeed(MemorySegment slot, MemorySegment t) {
        try {
            return (int) CFGETOSPEED.invokeExact(slot, t);
        } catch (Throwable e) {
            throw Sys.rethrow(e);
        }
    }

    /**
     * Turns {@code t} (as read by {@link #get}) into a raw port with this framing: {@code cfmakeraw} (no echo, no
     * canonical mode, no signals, no CR/LF mapping, 8 bits), then data bits, parity (mark/space through
     * {@code CMSPAR}), stop bits, RTS/CTS or XON/XOFF, receiver on, modem lines ignored ({@code CLOCAL}), and
     * {@code VMIN = VTIME = 0}: the fd is non-blocking and reads are bounded by poll.
     *
     * @return 0, or {@code -errno} from cfset[io]speed
     */
    public static int makeRaw(MemorySegment slot, MemorySegment t, int speed, DataBits dataBits, Parity parity,
            StopBits stopBits, FlowControl flow) {
        try {
            CFMAKERAW.invokeExact(slot, t);
        } catch (Throwable e) {
            throw Sys.rethrow(e);
        }
        int c = t.get(ValueLayout.JAVA_INT, C_CFLAG);
        c &= ~(CSIZE | PARENB | PARODD | CMSPAR | CSTOPB | CRTSCTS);
        c |= switch (dataBits) {
            case _5 -> CS5;
            case _6 -> CS6;
            case _7 -> CS7;
            case _8 -> CS8;
        };
        c |= switch (parity) {
            case NONE -> 0;
            case EVEN -> PARENB;
            case ODD -> PARENB | PARODD;
            case MARK -> PARENB | CMSPAR | PARODD;
            case SPACE -> PARENB | CMSPAR;
        };
        if (stopBits == StopBits._2) {
            c |= CSTOPB;
        }
        if (flow == FlowControl.HARDWARE) {
            c |= CRTSCTS;
        }
        c |= CREAD | CLOCAL;
        t.set(ValueLayout.JAVA_INT, C_CFLAG, c);
        int i = t.get(ValueLayout.JAVA_INT, C_IFLAG) & ~(IXON | IXOFF | INPCK);
        if (flow == FlowControl.SOFTWARE) {
            i |= IXON | IXOFF;
        }
        if (parity != Parity.NONE) {
            i |= INPCK;
        }
        t.set(ValueLayout.JAVA_INT, C_IFLAG, i);
        t.set(ValueLayout.JAVA_BYTE, C_CC + VMIN, (byte) 0);
        t.set(ValueLayout.JAVA_BYTE, C_CC + VTIME, (byte) 0);
        try {
            int r = (int) CFSETISPEED.invokeExact(slot, t, speed);
            if (r != 0) {
                return -Sys.errno(slot);
            }
            r = (int) CFSETOSPEED.invokeExact(slot, t, speed);
            return r == 0 ? 0 : -Sys.errno(slot);
        } catch (Throwable e) {
            throw Sys.rethrow(e);
        }
    }
}
