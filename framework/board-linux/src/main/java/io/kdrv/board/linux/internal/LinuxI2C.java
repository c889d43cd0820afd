package io.kdrv.board.linux.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CBase;
import com.pi4j.io.i2c.I2CBusBase;
import com.pi4j.io.i2c.I2CConfig;
import com.pi4j.io.i2c.I2CProvider;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * A Pi4J I2C device on {@code /dev/i2c-N} (see {@link I2cDev} for how transfers map to I2C or SMBus). Register
 * addresses are 8-bit: a multi-byte register address needs plain I2C.
 */
final class LinuxI2C extends I2CBase<LinuxI2C.Bus> {
    private final I2cDev dev;

    LinuxI2C(I2CProvider provider, I2CConfig config, I2cDev dev) {
        super(provider, config, new Bus(config));
        this.dev = dev;
    }

    I2cDev dev() {
        return dev;
    }

    @Override
    public int write(byte b) {
        dev.write(new byte[] {b}, 0, 1);
        return 1;
    }

    @Override
    public int write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        dev.write(data, offset, length);
        return length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        dev.read(one, 0, 1);
        return one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        dev.read(buffer, offset, length);
        return length;
    }

    @Override
    public int readRegister(int register) {
        byte[] one = new byte[1];
        dev.readRegister(register, one, 0, 1);
        return one[0] & 0xFF;
    }

    @Override
    public int readRegister(int register, byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        dev.readRegister(register, buffer, offset, length);
        return length;
    }

    @Override
    public int readRegister(byte[] register, byte[] buffer, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, buffer.length);
        if (register.length == 1) {
            return readRegister(register[0] & 0xFF, buffer, offset, length);
        }
        if (!dev.plainI2c()) {
            throw new com.pi4j.io.exception.IOException(dev + ": a " + register.length
                    + "-byte register address needs plain I2C (I2C_FUNC_I2C); this adapter is SMBus-only");
        }
        byte[] w = register.clone();
        dev.write(w, 0, w.length); // NOTE: not one transaction on every controller; fine for auto-increment chips
        dev.read(buffer, offset, length);
        return length;
    }

    @Override
    public int writeRegister(int register, byte b) {
        dev.writeRegister(register, new byte[] {b}, 0, 1);
        return 1;
    }

    @Override
    public int writeRegister(int register, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        dev.writeRegister(register, data, offset, length);
        return length;
    }

    @Override
    public int writeRegister(byte[] register, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (register.length == 1) {
            return writeRegister(register[0] & 0xFF, data, offset, length);
        }
        byte[] w = new byte[register.length + length];
        System.arraycopy(register, 0, w, 0, register.length);
        System.arraycopy(data, offset, w, register.length, length);
        dev.write(w, 0, w.length);
        return length;
    }

    @Override
    public int writeReadRegisterWord(int register, int word) {
        return dev.processCall(register, word);
    }

    @Override
    public void close() {
        super.close();
        dev.close();
    }

    @Override
    public I2C shutdown(Context context) throws ShutdownException {
        try {
            return super.shutdown(context);
        } finally {
            dev.close();
        }
    }

    /** Per-handle lock for {@link I2C#execute} (the kernel serialises the adapter itself). */
    static final class Bus extends I2CBusBase {
        Bus(I2CConfig config) {
            super(config);
        }

        @Override
        public <R> R execute(I2C i2c, Callable<R> action) {
            return _execute(Objects.requireNonNull(i2c, "i2c"), action);
        }
    }
}
