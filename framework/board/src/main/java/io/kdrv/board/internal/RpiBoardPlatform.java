package io.kdrv.board.internal;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider;
import com.pi4j.plugin.raspberrypi.platform.RaspberryPiPlatform;
import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.Boards;
import java.nio.file.Path;

/**
 * The Raspberry Pi: GPIO through Pi4J's gpiod provider (libgpiod, native library shipped inside the bundle for
 * armhf/aarch64), I2C through Pi4J's linuxfs provider ({@code /dev/i2c-N}). The Pi4J plugins have no OSGi
 * manifest, so their classes are inlined into this bundle; everything is wired explicitly, without ServiceLoader.
 */
public final class RpiBoardPlatform implements BoardPlatform {
    /** Header lines GPIO 0..27 (BCM): what every 40-pin Raspberry Pi exposes. */
    static final int LINES = 28;

    static final String INPUT_PROVIDER = "com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider";
    static final String OUTPUT_PROVIDER = "com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider";
    static final String I2C_PROVIDER = "com.pi4j.plugin.linuxfs.provider.i2c.LinuxFsI2CProvider";
    static final String PLATFORM_CLASS = "com.pi4j.plugin.raspberrypi.platform.RaspberryPiPlatform";

    private final ClassLoader loader;
    private final Path modelFile;

    public RpiBoardPlatform() {
        this(RpiBoardPlatform.class.getClassLoader(), Path.of(Boards.DEVICE_TREE_MODEL));
    }

    /** For tests: where provider classes are looked up and where the board model is read. */
    public RpiBoardPlatform(ClassLoader loader, Path modelFile) {
        this.loader = loader;
        this.modelFile = modelFile;
    }

    @Override
    public String name() {
        return Boards.RASPBERRY_PI;
    }

    @Override
    public int lineCount() {
        return LINES;
    }

    @Override
    public Context newContext() {
        ProviderCheck.require(name(), loader, INPUT_PROVIDER, OUTPUT_PROVIDER, I2C_PROVIDER, PLATFORM_CLASS);
        String model = Boards.readModel(modelFile);
        if (!model.contains("Raspberry Pi")) {
            // Pi4J's gpiod context picks the GPIO chip from the board model; off a Pi it only logs a warning and
            // every line request later fails with "No gpio chip yet initialized!". Fail now, clearly.
            throw new BoardException(name(), "this machine is not a Raspberry Pi (" + modelFile + ": "
                    + (model.isEmpty() ? "missing" : "'" + model + "'") + "), so Pi4J provider " + INPUT_PROVIDER
                    + " has no GPIO chip; use platform 'mock' on a desktop");
        }
        try {
            return Pi4J.newContextBuilder()
                    .noAutoDetect()
                    .disableShutdownHook() // the board closes the context; a JVM hook would pin this bundle's loader
                    .add(new RaspberryPiPlatform())
                    .add(GpioDDigitalInputProvider.newInstance(), GpioDDigitalOutputProvider.newInstance(),
                            LinuxFsI2CProvider.newInstance())
                    .build();
        } catch (RuntimeException | LinkageError e) {
            throw new BoardException(name(), "cannot build the Pi4J context with providers " + INPUT_PROVIDER + ", "
                    + OUTPUT_PROVIDER + ", " + I2C_PROVIDER + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "BoardPlatform[raspberrypi]";
    }
}
