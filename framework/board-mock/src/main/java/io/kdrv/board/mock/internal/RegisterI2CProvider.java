package io.kdrv.board.mock.internal;

import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CConfig;
import com.pi4j.io.i2c.I2CProviderBase;

/**
 * A Pi4J I2C provider whose devices talk to {@link io.kdrv.board.mock.RegisterChip} models attached to the mock
 * board (Pi4J's own MockI2C is only a byte FIFO per register, which cannot model a sensor).
 */
public final class RegisterI2CProvider extends I2CProviderBase {
    /** Provider id in the Pi4J context. */
    public static final String ID = "kdrv-register-i2c";
    private final SimHooks hooks;

    public RegisterI2CProvider(SimHooks hooks) {
        super(ID, "kdrv register-model I2C");
        this.hooks = hooks;
    }

    @Override
    public int getPriority() {
        return 1000;
    }

    @Override
    public I2C create(I2CConfig config) {
        RegisterI2C i2c = new RegisterI2C(this, config, hooks);
        context.registry().add(i2c);
        return i2c;
    }
}
