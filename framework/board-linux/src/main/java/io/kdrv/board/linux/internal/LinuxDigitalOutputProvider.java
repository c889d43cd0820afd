package io.kdrv.board.linux.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalOutputConfig;
import com.pi4j.io.gpio.digital.DigitalOutputProvider;
import com.pi4j.io.gpio.digital.DigitalOutputProviderBase;

/** Pi4J digital output provider on the GPIO character device (id {@value #ID}). */
public final class LinuxDigitalOutputProvider extends DigitalOutputProviderBase {
    public static final String ID = "linux-digital-output";
    private final String platform;
    private final SharedChip chip;

    public LinuxDigitalOutputProvider(String platform, SharedChip chip) {
        super(ID, "kdrv Linux GPIO v2 digital output");
        this.platform = platform;
        this.chip = chip;
    }

    @Override
    public int getPriority() {
        return 1000;
    }

    @Override
    public DigitalOutput create(DigitalOutputConfig config) {
        LinuxDigitalOutput output = new LinuxDigitalOutput(this, config, platform, chip.chip());
        try {
            context.registry().add(output); // initialises it: drives the initial state
        } catch (RuntimeException e) {
            output.releaseQuietly();
            throw e;
        }
        return output;
    }

    @Override
    public DigitalOutputProvider shutdown(Context context) throws ShutdownException {
        try {
            return super.shutdown(context);
        } finally {
            chip.release();
        }
    }
}
