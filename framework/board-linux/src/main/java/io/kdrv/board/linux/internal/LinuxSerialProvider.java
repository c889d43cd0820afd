package io.kdrv.board.linux.internal;

import com.pi4j.io.serial.Serial;
import com.pi4j.io.serial.SerialConfig;
import com.pi4j.io.serial.SerialProviderBase;
import java.time.Duration;

/** Pi4J serial provider on Linux ttys with termios through FFM (id {@value #ID}). */
public final class LinuxSerialProvider extends SerialProviderBase {
    public static final String ID = "linux-serial";
    /** Same key as the board's {@code PinBoard.SERIAL_READ_TIMEOUT_MS}. */
    static final String READ_TIMEOUT_MS = "kdrv.read-timeout-ms";
    private static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(1);

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
        String t = config.properties().get(READ_TIMEOUT_MS);
        Duration timeout = t == null ? DEFAULT_READ_TIMEOUT : Duration.ofMillis(Long.parseLong(t));
        LinuxSerial port = LinuxSerial.open(this, config, platform, timeout);
        try {
            context.registry().add(port);
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
        return port;
    }
}
