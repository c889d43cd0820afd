package io.kdrv.board.mock.internal;

import com.pi4j.context.Context;
import com.pi4j.exception.ShutdownException;
import com.pi4j.io.serial.Serial;
import com.pi4j.io.serial.SerialBase;
import com.pi4j.io.serial.SerialConfig;
import com.pi4j.io.serial.SerialProvider;
import java.time.Duration;
import java.util.Objects;

/** A Pi4J serial port whose far end is a scripted {@link io.kdrv.board.mock.SerialPeer}. */
public final class SimSerial extends SerialBase {
    /** The port side of a peer (the peer's package-private methods, reached through the board's hooks). */
    public interface Far {
        void opened(SerialConfig config);

        void closed();

        void fromDriver(byte[] data, int off, int len);

        int toDriver(byte[] buf, int off, int len, Duration timeout);

        int queued();
    }

    private final Far far;
    private final Duration readTimeout;

    SimSerial(SerialProvider provider, SerialConfig config, Far far, Duration readTimeout) {
        super(provider, config);
        this.far = far;
        this.readTimeout = readTimeout;
        far.opened(config);
        this.isOpen = true;
    }

    private void ensureOpen() {
        if (!isOpen) {
            throw new IllegalStateException("mock serial " + config.device() + " is closed");
        }
    }

    @Override
    public int available() {
        ensureOpen();
        return far.queued();
    }

    @Override
    public int write(byte b) {
        return write(new byte[] {b}, 0, 1);
    }

    @Override
    public int write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        ensureOpen();
        far.fromDriver(data, offset, length);
        return length;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) == 1 ? one[0] & 0xFF : -1;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        ensureOpen();
        return far.toDriver(buffer, offset, length, readTimeout);
    }

    @Override
    public void open() {
        // opened on creation; Pi4J's open() is a no-op here
    }

    @Override
    public synchronized void close() {
        if (isOpen) {
            isOpen = false;
            far.closed();
        }
    }

    @Override
    public Serial shutdown(Context context) throws ShutdownException {
        close();
        return super.shutdown(context);
    }
}
