package io.kdrv.board.linux.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.DigitalInputProvider;
import com.pi4j.io.gpio.digital.DigitalInputProviderBase;

/** Pi4J digital input provider on the GPIO character device (id {@value #ID}). */
public final class LinuxDigitalInputProvider extends DigitalInputProviderBase {
    public static final String ID = "linux-digital-input";
    private final String platform;
    private final SharedChip chip;

    public LinuxDigitalInputProvider(String platform, SharedChip chip) {
        super(ID, "kdrv Linux GPIO v2 digital input");
        this.platform = platform;
        this.chip = chip;
    }

    @Override
    public int getPriority() {
        return 1000;
    }

    @Override
    public DigitalInput create(DigitalInputConfig config) {
        LinuxDigitalInput input = new LinuxDigitalInput(this, config, platform, chip.chip());
        try {
            context.registry().add(input);
        } catch (RuntimeException e) {
            input.releaseQuietly();
            throw e;
        }
        return input;
    }

    @Override
    public DigitalInputProvider shutdown(Context context) throws ShutdownException {
        try {
            return super.shutdown(context);
        } finally {
            chip.release();
        }
    }
}
