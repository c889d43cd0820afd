package io.kdrv.board.linux.internal;

import com.pi4j.io.i2c.I2C;
import com.pi4j.io.i2c.I2CConfig;
import com.pi4j.io.i2c.I2CProviderBase;

/** Pi4J I2C provider on {@code /dev/i2c-N} (id {@value #ID}). */
public final class LinuxI2CProvider extends I2CProviderBase {
    public static final String ID = "linux-i2c";
    private final String platform;
    private final String devDir;

    public LinuxI2CProvider(String platform, String devDir) {
        super(ID, "kdrv Linux I2C character device");
        this.platform = platform;
        this.devDir = devDir;
    }

    @Override
    public int getPriority() {
        return 1000;
    }

    @Override
    public I2C create(I2CConfig config) {
        I2cDev dev = I2cDev.open(platform, devDir, config.bus(), config.device());
        LinuxI2C i2c = new LinuxI2C(this, config, dev);
        try {
            context.registry().add(i2c);
        } catch (RuntimeException e) {
            dev.close();
            throw e;
        }
        return i2c;
    }
}
