package io.kdrv.board.mock;

import java.util.Objects;

/**
 * Base class for simulated I2C chips with an 8-bit register file, attached to a {@link MockBoard} with
 * {@link MockBoard#attach(int, int, RegisterChip)}. Drivers reach it through the ordinary Pi4J {@code I2C} API.
 *
 * <h2>Protocol model (like most I2C sensors)</h2>
 * <ul>
 *   <li>256 registers {@code 0x00..0xFF}, each 8 bits, initially 0.</li>
 *   <li>A register pointer: a plain write's first byte sets it (Pi4J {@code write(byte)} /
 *       {@code write(byte[])}); the remaining bytes are written from there on. A plain read
 *       ({@code read()} / {@code read(byte[])}) reads from the pointer.</li>
 *   <li>Register transfers ({@code readRegister(reg, ...)}, {@code writeRegister(reg, ...)}) set the pointer to
 *       {@code reg} first; block transfers auto-increment with {@link #nextRegister(int)} (default: +1, wrapping
 *       at 0xFF), and the pointer is left after the last register touched.</li>
 *   <li>Every byte read goes through {@link #onRead(int)}, every byte written through {@link #onWrite(int, int)}:
 *       override them to model read-only or self-clearing registers, commands, measurements, FIFOs.</li>
 * </ul>
 *
 * <h2>Thread-safety</h2>
 * All methods are synchronized on the chip; hooks run with that lock held, on the thread doing the I2C transfer
 * (usually a driver kthread). {@link #peek}/{@link #poke} bypass the hooks and are meant for the model itself and
 * for tests.
 */
public abstract class RegisterChip {
    private final String name;
    private final int[] registers = new int[256];
    private int pointer;
    private long bytesRead;
    private long bytesWritten;

    /** @param name a short chip name used in errors and {@link #toString()}, e.g. {@code bme280} */
    protected RegisterChip(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** @return the chip name */
    public final String name() {
        return name;
    }

    // ------------------------------------------------------------------------------------------ model access

    /** @return register {@code reg} (0..255) without running {@link #onRead} */
    public final synchronized int peek(int reg) {
        return registers[checkReg(reg)];
    }

    /** Sets register {@code reg} to the low 8 bits of {@code value}, without running {@link #onWrite}. */
    public final synchronized void poke(int reg, int value) {
        registers[checkReg(reg)] = value & 0xFF;
    }

    /** Sets consecutive registers from {@code reg} on (no wrap), without hooks. */
    public final synchronized void poke(int reg, byte... values) {
        checkReg(reg);
        if (reg + values.length > 256) {
            throw new IllegalArgumentException(name + ": " + values.length + " bytes from register "
                    + hex(reg) + " run past 0xff");
        }
        for (int i = 0; i < values.length; i++) {
            registers[reg + i] = values[i] & 0xFF;
        }
    }

    /** @return the register pointer (the next register a plain read or write touches) */
    public final synchronized int pointer() {
        return pointer;
    }

    /** @return bytes read by the I2C master so far */
    public final synchronized long bytesRead() {
        return bytesRead;
    }

    /** @return bytes written by the I2C master so far (register-address bytes of plain writes excluded) */
    public final synchronized long bytesWritten() {
        return bytesWritten;
    }

    // ------------------------------------------------------------------------------------------ hooks

    /**
     * The value the master reads from {@code reg}. Default: the register's content. Runs with the chip lock held.
     *
     * @return a value whose low 8 bits are sent
     */
    protected int onRead(int reg) {
        return registers[reg];
    }

    /**
     * The master writes {@code value} (0..255) to {@code reg}. Default: store it. Override to ignore writes to
     * read-only registers or to act on commands. Runs with the chip lock held.
     */
    protected void onWrite(int reg, int value) {
        registers[reg] = value;
    }

    /**
     * The first byte of a plain write, which this model takes as the register pointer (already set when this runs).
     * Default: nothing. Chips without a register file (a PCF8574's port byte) override it to act on the byte as
     * data. Runs with the chip lock held.
     */
    protected void onPlainWriteFirstByte(int value) {
    }

    /** The register after {@code reg} in a block transfer. Default {@code (reg + 1) & 0xFF}. */
    protected int nextRegister(int reg) {
        return (reg + 1) & 0xFF;
    }

    // ------------------------------------------------------------------------------------------ transfers

    /** Block read of {@code len} bytes starting at register {@code reg}. @return {@code len} */
    public final synchronized int readRegisters(int reg, byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        pointer = checkReg(reg);
        return readFromPointer(buffer, offset, length);
    }

    /** Block write of {@code len} bytes starting at register {@code reg}. @return {@code len} */
    public final synchronized int writeRegisters(int reg, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        pointer = checkReg(reg);
        return writeFromPointer(data, offset, length);
    }

    /** Plain read: {@code len} bytes from the register pointer on. @return {@code len} */
    public final synchronized int readFromPointer(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        for (int i = 0; i < length; i++) {
            buffer[offset + i] = (byte) onRead(pointer);
            pointer = nextRegister(pointer);
        }
        bytesRead += length;
        return length;
    }

    /** Plain write: the first byte sets the register pointer, the rest are written from there. @return {@code len} */
    public final synchronized int write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (length == 0) {
            return 0;
        }
        pointer = data[offset] & 0xFF;
        onPlainWriteFirstByte(pointer);
        writeFromPointer(data, offset + 1, length - 1);
        return length;
    }

    private int writeFromPointer(byte[] data, int offset, int length) {
        for (int i = 0; i < length; i++) {
            onWrite(pointer, data[offset + i] & 0xFF);
            pointer = nextRegister(pointer);
        }
        bytesWritten += length;
        return length;
    }

    private int checkReg(int reg) {
        if (reg < 0 || reg > 0xFF) {
            throw new IllegalArgumentException(name + ": register " + reg + " out of range 0x00..0xff");
        }
        return reg;
    }

    static String hex(int v) {
        return String.format("0x%02x", v);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + "]";
    }
}
