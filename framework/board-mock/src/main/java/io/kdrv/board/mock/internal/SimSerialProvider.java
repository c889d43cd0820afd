package io.kdrv.board.mock.internal;

import com.pi4j.io.serial.Serial;
import com.pi4j.io.serial.SerialConfig;
import com.pi4j.io.serial.SerialProviderBase;
import io.kdrv.driver.spi.SerialSettings;
import java.util.function.Function;

/** Pi4J serial provider of the mock board: each port talks to the peer on its device path. */
public final class SimSerialProvider extends SerialProviderBase {
    public static final String ID = "kdrv-sim-serial";

    private final Function<String, SimSerial.Far> peers;

    /** @param peers the peer of a device path, or null when none is attached there */
    public SimSerialProvider(Function<String, SimSerial.Far> peers) {
        super(ID, "kdrv mock serial (scripted peer)");
        this.peers = peers;
    }

    @Override
    public int getPriority() {
        return 1000;
    }

    @Override
    public Serial create(SerialConfig config) {
        SimSerial.Far far = peers.apply(config.device());
        if (far == null) {
            throw new IllegalArgumentException("mock board: no serial device " + config.device()
                    + " (no peer attached: MockBoard.serialPeer(\"" + config.device() + "\"))");
        }
        SimSerial port = new SimSerial(this, config, far, SerialSettings.readTimeout(config.properties()));
        try {
            context.registry().add(port);
        } catch (RuntimeException e) {
            port.close();
            throw e;
        }
        return port;
    }
}
