package io.kdrv.board.mock.internal;

import com.pi4j.io.exception.IOException;
import com.pi4j.io.i2c.I2CBase;
import com.pi4j.io.i2c.I2CBusBase;
import com.pi4j.io.i2c.I2CConfig;
import com.pi4j.io.i2c.I2CProvider;
import com.pi4j.io.i2c.I2C;
import io.kdrv.board.mock.RegisterChip;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * One I2C device handle on the mock board. Each transfer looks the chip up at the moment it happens, so a chip
 * attached or detached while a driver runs behaves like a device appearing on or leaving the bus: a transfer to an
 * empty address fails like a NACK, with a message naming bus and address.
 */
final class RegisterI2C extends I2CBase<RegisterI2C.Bus> {
    private final SimHooks hooks;

    RegisterI2C(I2CProvider provider, I2CConfig config, SimHooks hooks) {
        super(provider, config, new Bus(config));
        this.hooks = hooks;
    }

    private RegisterChip chip() {
        if (!isOpen) {
            throw new IOException(where() + " is closed");
        }
        RegisterChip chip = hooks.chip(bus(), device());
        if (chip == null) {
            throw new IOException(where() + ": no chip at this address (NACK)");
        }
        return chip;
    }

    private String where() {
        return "mock I2C bus " + bus() + " address " + String.format("0x%02x", device());
    }

    private static int reg8(byte[] register) {
        if (register == null || register.length != 1) {
            throw new IllegalArgumentException("RegisterChip models 8-bit register addresses; got a "
                    + (register == null ? 0 : register.length) + "-byte address");
        }
        return register[0] & 0xFF;
    }

    // ---- plain transfers: the first written byte is the register pointer

    @Override
    public int write(byte b) {
        return chip().write(new byte[] {b}, 0, 1);
    }

    @Override
    public int write(byte[] data, int offset, int length) {
        return chip().write(data, offset, length);
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        chip().readFromPointer(one, 0, 1);
        return one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        return chip().readFromPointer(buffer, offset, length);
    }

    // ---- register transfers

    @Override
    public int readRegister(int register) {
        byte[] one = new byte[1];
        chip().readRegisters(register, one, 0, 1);
        return one[0] & 0xFF;
    }

    @Override
    public int readRegister(int register, byte[] buffer, int offset, int length) {
        return chip().readRegisters(register, buffer, offset, length);
    }

    @Override
    public int readRegister(byte[] register, byte[] buffer, int offset, int length) {
        return chip().readRegisters(reg8(register), buffer, offset, length);
    }

    @Override
    public int writeRegister(int register, byte b) {
        return chip().writeRegisters(register, new byte[] {b}, 0, 1);
    }

    @Override
    public int writeRegister(int register, byte[] data, int offset, int length) {
        return chip().writeRegisters(register, data, offset, length);
    }

    @Override
    public int writeRegister(byte[] register, byte[] data, int offset, int length) {
        return chip().writeRegisters(reg8(register), data, offset, length);
    }

    /** Per-handle bus lock (Pi4J's I2CBase runs {@link I2C#execute} under it). */
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
