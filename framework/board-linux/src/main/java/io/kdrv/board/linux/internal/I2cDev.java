package io.kdrv.board.linux.internal;

import io.kdrv.board.BoardException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One I2C device (bus + 7-bit address) through {@code /dev/i2c-N}: {@code I2C_FUNCS} at open, then plain
 * transfers with {@code I2C_RDWR} when the adapter has {@code I2C_FUNC_I2C}, else SMBus transfers
 * ({@code I2C_SMBUS}: byte, byte data, word data, I2C block data), so register reads and writes work on
 * SMBus-only adapters (and on {@code i2c-stub}) too.
 *
 * <p>Thread-safe: transfers are serialised per handle. The kernel serialises the adapter between handles and
 * processes. Errors are {@link BoardException}s naming bus, address, operation and errno; a device that does not
 * answer gives {@code ENXIO} or {@code EREMOTEIO} (NACK).
 */
public final class I2cDev implements AutoCloseable {
    private final String platform;
    private final int bus;
    private final int address;
    private final long funcs;
    private int fd; // guarded by this

    private I2cDev(String platform, int bus, int address, int fd, long funcs) {
        this.platform = platform;
        this.bus = bus;
        this.address = address;
        this.fd = fd;
        this.funcs = funcs;
    }

    /**
     * Opens {@code devDir/i2c-<bus>} and selects {@code address} ({@code I2C_SLAVE}).
     *
     * @throws BoardException naming the bus, the address and errno (ENOENT: no such bus; EBUSY: a kernel driver
     *                        owns the address)
     */
    public static I2cDev open(String platform, String devDir, int bus, int address) {
        String path = devDir + "/i2c-" + bus;
        String where = where(bus, address);
        int fd = Sys.open(path, Sys.O_RDWR);
        if (fd < 0) {
            throw new BoardException(platform, Errno.describe(fd) + ": " + where + ": cannot open " + path);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment f = arena.allocate(ValueLayout.JAVA_LONG);
            int r = Sys.ioctl(slot, fd, Uapi.I2C_FUNCS, f);
            if (r < 0) {
                Sys.close(fd);
                throw new BoardException(platform, Errno.describe(r) + ": " + where + ": " + path
                        + " is not an I2C adapter (I2C_FUNCS failed)");
            }
            // unsigned long: 4 bytes on 32-bit ABIs, read as such so the value is right on either
            long funcs = ValueLayout.ADDRESS.byteSize() == 8 ? f.get(ValueLayout.JAVA_LONG, 0)
                    : f.get(ValueLayout.JAVA_INT, 0) & 0xFFFF_FFFFL;
            r = Sys.ioctl(slot, fd, Uapi.I2C_SLAVE, (long) address);
            if (r < 0) {
                Sys.close(fd);
                throw new BoardException(platform, Errno.describe(r) + ": " + where + ": cannot select the address"
                        + (-r == Errno.EBUSY ? " (a kernel driver is bound to it)" : ""));
            }
            return new I2cDev(platform, bus, address, fd, funcs);
        }
    }

    static String where(int bus, int address) {
        return "I2C bus " + bus + " address " + String.format("0x%02x", address);
    }

    /** @return the adapter's {@code I2C_FUNCS} bits */
    public long funcs() {
        return funcs;
    }

    /** @return whether plain I2C transfers ({@code I2C_RDWR}) are available */
    public boolean plainI2c() {
        return (funcs & Uapi.I2C_FUNC_I2C) != 0;
    }

    private boolean has(long func) {
        return (funcs & func) != 0;
    }

    private int fd() {
        if (fd < 0) {
            throw new BoardException(platform, where(bus, address) + " is closed");
        }
        return fd;
    }

    private BoardException fail(int err, String op) {
        return new BoardException(platform, Errno.describe(err) + ": " + where(bus, address) + ": " + op + " failed");
    }

    private BoardException unsupported(String op) {
        return new BoardException(platform, "EOPNOTSUPP: " + where(bus, address) + ": " + op + " needs plain I2C "
                + "or an SMBus transfer this adapter lacks (I2C_FUNCS 0x" + Long.toHexString(funcs) + ")");
    }

    // ------------------------------------------------------------------------------------------ plain I2C

    /**
     * One {@code I2C_RDWR} transaction: write {@code wlen} bytes, then (repeated start) read {@code rlen} bytes;
     * either part may be empty.
     */
    private void rdwr(byte[] w, int woff, int wlen, byte[] r, int roff, int rlen, String op) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            int n = (wlen > 0 ? 1 : 0) + (rlen > 0 ? 1 : 0);
            MemorySegment msgs = arena.allocate(Uapi.I2C_MSG, Math.max(n, 1));
            MemorySegment wbuf = arena.allocate(Math.max(wlen, 1));
            MemorySegment rbuf = arena.allocate(Math.max(rlen, 1));
            int i = 0;
            if (wlen > 0) {
                MemorySegment.copy(w, woff, wbuf, ValueLayout.JAVA_BYTE, 0, wlen);
                msg(msgs, i++, 0, wlen, wbuf);
            }
            if (rlen > 0) {
                msg(msgs, i, Uapi.I2C_M_RD, rlen, rbuf);
            }
            MemorySegment data = arena.allocate(Uapi.I2C_RDWR_IOCTL_DATA);
            data.set(ValueLayout.ADDRESS, 0, msgs);
            data.set(ValueLayout.JAVA_INT, ValueLayout.ADDRESS.byteSize(), n);
            int res = Sys.ioctl(slot, fd(), Uapi.I2C_RDWR, data);
            if (res < 0) {
                throw fail(res, op);
            }
            if (rlen > 0) {
                MemorySegment.copy(rbuf, ValueLayout.JAVA_BYTE, 0, r, roff, rlen);
            }
        }
    }

    private void msg(MemorySegment msgs, int i, int flags, int len, MemorySegment buf) {
        long base = i * Uapi.I2C_MSG.byteSize();
        msgs.set(ValueLayout.JAVA_SHORT, base + Uapi.MSG_ADDR, (short) address);
        msgs.set(ValueLayout.JAVA_SHORT, base + Uapi.MSG_FLAGS, (short) flags);
        msgs.set(ValueLayout.JAVA_SHORT, base + Uapi.MSG_LEN, (short) len);
        msgs.set(ValueLayout.ADDRESS, base + Uapi.MSG_BUF, buf);
    }

    // ------------------------------------------------------------------------------------------ SMBus

    /** One {@code I2C_SMBUS} transfer; {@code data} is the 34-byte union. Returns nothing, throws on error. */
    private void smbus(Arena arena, byte readWrite, int command, int size, MemorySegment data, String op) {
        MemorySegment slot = Sys.newErrnoSlot(arena);
        MemorySegment args = arena.allocate(Uapi.I2C_SMBUS_IOCTL_DATA);
        args.set(ValueLayout.JAVA_BYTE, Uapi.SMBUS_READ_WRITE, readWrite);
        args.set(ValueLayout.JAVA_BYTE, Uapi.SMBUS_COMMAND, (byte) command);
        args.set(ValueLayout.JAVA_INT, Uapi.SMBUS_SIZE, size);
        args.set(ValueLayout.ADDRESS, Uapi.SMBUS_DATA, data);
        int res = Sys.ioctl(slot, fd(), Uapi.I2C_SMBUS, args);
        if (res < 0) {
            throw fail(res, op);
        }
    }

    private static String reg(int register) {
        return String.format("register 0x%02x", register & 0xFF);
    }

    // ------------------------------------------------------------------------------------------ operations

    /** Writes {@code len} raw bytes (one I2C write; on SMBus: byte, byte data or I2C block write). */
    public synchronized void write(byte[] data, int off, int len) {
        if (len == 0) {
            return;
        }
        if (plainI2c()) {
            rdwr(data, off, len, null, 0, 0, "write of " + len + " bytes");
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment d = arena.allocate(Uapi.I2C_SMBUS_DATA_SIZE);
            if (len == 1 && has(Uapi.I2C_FUNC_SMBUS_WRITE_BYTE)) {
                smbus(arena, Uapi.I2C_SMBUS_WRITE, data[off], Uapi.I2C_SMBUS_BYTE, MemorySegment.NULL,
                        "SMBus write byte");
            } else if (len == 2 && has(Uapi.I2C_FUNC_SMBUS_WRITE_BYTE_DATA)) {
                d.set(ValueLayout.JAVA_BYTE, 0, data[off + 1]);
                smbus(arena, Uapi.I2C_SMBUS_WRITE, data[off], Uapi.I2C_SMBUS_BYTE_DATA, d,
                        "SMBus write byte data (" + reg(data[off]) + ")");
            } else if (len > 2 && len - 1 <= Uapi.I2C_SMBUS_BLOCK_MAX && has(Uapi.I2C_FUNC_SMBUS_WRITE_I2C_BLOCK)) {
                d.set(ValueLayout.JAVA_BYTE, 0, (byte) (len - 1));
                MemorySegment.copy(data, off + 1, d, ValueLayout.JAVA_BYTE, 1, len - 1);
                smbus(arena, Uapi.I2C_SMBUS_WRITE, data[off], Uapi.I2C_SMBUS_I2C_BLOCK_DATA, d,
                        "SMBus write I2C block (" + reg(data[off]) + ", " + (len - 1) + " bytes)");
            } else {
                throw unsupported("a raw write of " + len + " bytes");
            }
        }
    }

    /** Reads {@code len} raw bytes (one I2C read; on SMBus: {@code len} receive-byte transfers). */
    public synchronized void read(byte[] buf, int off, int len) {
        if (len == 0) {
            return;
        }
        if (plainI2c()) {
            rdwr(null, 0, 0, buf, off, len, "read of " + len + " bytes");
            return;
        }
        if (!has(Uapi.I2C_FUNC_SMBUS_READ_BYTE)) {
            throw unsupported("a raw read");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment d = arena.allocate(Uapi.I2C_SMBUS_DATA_SIZE);
            for (int i = 0; i < len; i++) {
                smbus(arena, Uapi.I2C_SMBUS_READ, 0, Uapi.I2C_SMBUS_BYTE, d, "SMBus read byte");
                buf[off + i] = d.get(ValueLayout.JAVA_BYTE, 0);
            }
        }
    }

    /** Reads {@code len} bytes from {@code register} on (write register, repeated start, read). */
    public synchronized void readRegister(int register, byte[] buf, int off, int len) {
        if (len == 0) {
            return;
        }
        if (plainI2c()) {
            rdwr(new byte[] {(byte) register}, 0, 1, buf, off, len, "read of " + len + " bytes from " + reg(register));
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment d = arena.allocate(Uapi.I2C_SMBUS_DATA_SIZE);
            if (len > 1 && has(Uapi.I2C_FUNC_SMBUS_READ_I2C_BLOCK)) {
                for (int done = 0; done < len; ) {
                    int chunk = Math.min(Uapi.I2C_SMBUS_BLOCK_MAX, len - done);
                    int r = register + done;
                    d.set(ValueLayout.JAVA_BYTE, 0, (byte) chunk);
                    smbus(arena, Uapi.I2C_SMBUS_READ, r, Uapi.I2C_SMBUS_I2C_BLOCK_DATA, d,
                            "SMBus read I2C block (" + reg(r) + ", " + chunk + " bytes)");
                    int got = d.get(ValueLayout.JAVA_BYTE, 0) & 0xFF;
                    if (got < chunk) {
                        throw new BoardException(platform, "EIO: " + where(bus, address) + ": SMBus read I2C block ("
                                + reg(r) + ") returned " + got + " of " + chunk + " bytes");
                    }
                    MemorySegment.copy(d, ValueLayout.JAVA_BYTE, 1, buf, off + done, chunk);
                    done += chunk;
                }
            } else if (has(Uapi.I2C_FUNC_SMBUS_READ_BYTE_DATA)) {
                for (int i = 0; i < len; i++) {
                    smbus(arena, Uapi.I2C_SMBUS_READ, register + i, Uapi.I2C_SMBUS_BYTE_DATA, d,
                            "SMBus read byte data (" + reg(register + i) + ")");
                    buf[off + i] = d.get(ValueLayout.JAVA_BYTE, 0);
                }
            } else {
                throw unsupported("a register read");
            }
        }
    }

    /** Writes {@code len} bytes to {@code register} on (one write: register, then the data). */
    public synchronized void writeRegister(int register, byte[] data, int off, int len) {
        if (plainI2c()) {
            byte[] w = new byte[len + 1];
            w[0] = (byte) register;
            System.arraycopy(data, off, w, 1, len);
            rdwr(w, 0, w.length, null, 0, 0, "write of " + len + " bytes to " + reg(register));
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment d = arena.allocate(Uapi.I2C_SMBUS_DATA_SIZE);
            if (len == 0 && has(Uapi.I2C_FUNC_SMBUS_WRITE_BYTE)) {
                smbus(arena, Uapi.I2C_SMBUS_WRITE, register, Uapi.I2C_SMBUS_BYTE, MemorySegment.NULL,
                        "SMBus write byte (" + reg(register) + ")");
            } else if (len > 1 && has(Uapi.I2C_FUNC_SMBUS_WRITE_I2C_BLOCK)) {
                for (int done = 0; done < len; ) {
                    int chunk = Math.min(Uapi.I2C_SMBUS_BLOCK_MAX, len - done);
                    int r = register + done;
                    d.set(ValueLayout.JAVA_BYTE, 0, (byte) chunk);
                    MemorySegment.copy(data, off + done, d, ValueLayout.JAVA_BYTE, 1, chunk);
                    smbus(arena, Uapi.I2C_SMBUS_WRITE, r, Uapi.I2C_SMBUS_I2C_BLOCK_DATA, d,
                            "SMBus write I2C block (" + reg(r) + ", " + chunk + " bytes)");
                    done += chunk;
                }
            } else if (len >= 1 && has(Uapi.I2C_FUNC_SMBUS_WRITE_BYTE_DATA)) {
                for (int i = 0; i < len; i++) {
                    d.set(ValueLayout.JAVA_BYTE, 0, data[off + i]);
                    smbus(arena, Uapi.I2C_SMBUS_WRITE, register + i, Uapi.I2C_SMBUS_BYTE_DATA, d,
                            "SMBus write byte data (" + reg(register + i) + ")");
                }
            } else {
                throw unsupported("a register write of " + len + " bytes");
            }
        }
    }

    /**
     * Writes a 16-bit word to {@code register} and reads one back in the same transaction (SMBus process call;
     * on plain I2C: write register + word little-endian, repeated start, read 2 bytes).
     */
    public synchronized int processCall(int register, int word) {
        if (plainI2c()) {
            byte[] r = new byte[2];
            rdwr(new byte[] {(byte) register, (byte) word, (byte) (word >> 8)}, 0, 3, r, 0, 2,
                    "process call (" + reg(register) + ")");
            return (r[0] & 0xFF) | (r[1] & 0xFF) << 8;
        }
        if (!has(Uapi.I2C_FUNC_SMBUS_PROC_CALL)) {
            throw unsupported("a process call");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment d = arena.allocate(Uapi.I2C_SMBUS_DATA_SIZE);
            d.set(ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) word);
            smbus(arena, Uapi.I2C_SMBUS_WRITE, register, Uapi.I2C_SMBUS_PROC_CALL, d,
                    "SMBus process call (" + reg(register) + ")");
            return d.get(ValueLayout.JAVA_SHORT_UNALIGNED, 0) & 0xFFFF;
        }
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Sys.close(fd);
            fd = -1;
        }
    }

    @Override
    public String toString() {
        return "I2cDev[" + where(bus, address) + (plainI2c() ? ", I2C" : ", SMBus only") + "]";
    }
}
