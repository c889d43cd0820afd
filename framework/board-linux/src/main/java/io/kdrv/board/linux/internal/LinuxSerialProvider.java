package io.kdrv.board.linux.internal;

import com.pi4j.io.serial.Serial;
import com.pi4j.io.serial.SerialConfig;
import com.pi4j.io.serial.SerialProviderBase;
import io.kdrv.driver.spi.SerialSettings;

/** Pi4J serial provider on Linux ttys with termios through FFM (id {@value #ID}). */
public final class LinuxSerialProvider extends SerialProviderBase {
    public static final String ID = "linux-serial";

    private final String platform;

    public LinuxSerialProvider(String platform) {
        super(ID, "kdrv Linux serial (termios)");
        this.platform = platform;
    }

    @Override
    public int getPriority() {
        return 1000;
    }

    @Override
    public Serial create(SerialConfig config) {
        LinuxSerial port = LinuxSerial.open(this, config, platform,
                SerialSettings.readTimeout(config.properties()));
        try {
            context.registry().add(port);
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
        return port;
    }
}
