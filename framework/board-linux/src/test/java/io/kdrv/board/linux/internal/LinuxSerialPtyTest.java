package io.kdrv.board.linux.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.io.serial.DataBits;
import com.pi4j.io.serial.FlowControl;
import com.pi4j.io.serial.Parity;
import com.pi4j.io.serial.Serial;
import com.pi4j.io.serial.SerialProvider;
import com.pi4j.io.serial.StopBits;
import io.kdrv.board.BoardException;
import io.kdrv.kthread.Completion;
import io.kdrv.kthread.Kthread;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Linux serial provider on a real tty: a pseudo-terminal pair from the host kernel (posix_openpt through FFM).
 * The pty keeps what termios sets (speed, stop bits, flow control, raw flags), except that Linux's pty driver
 * forces CS8 and clears PARENB (pty_set_termios): data bits and parity are checked on the flags we compute instead.
 */
@Timeout(60)
class LinuxSerialPtyTest {
    private final Context ctx = Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
            .add(new LinuxSerialProvider("linux")).build();
    private final SerialProvider provider = ctx.providers().get(IOType.SERIAL);

    @AfterEach
    void shutdown() {
        ctx.shutdown();
    }

    private Serial open(String path, int baud, StopBits stop, FlowControl flow, long readTimeoutMs) {
        return provider.create(Serial.newConfigBuilder(ctx).id("test-serial-" + System.nanoTime()).device(path)
                .baud(baud).dataBits(DataBits._8).parity(Parity.NONE).stopBits(stop).flowControl(flow)
                .load(Map.of(io.kdrv.driver.spi.SerialSettings.READ_TIMEOUT_PROPERTY, Long.toString(readTimeoutMs))).build());
    }

    @Test
    void bytesTravelBothWaysUntranslated() throws Throwable {
        try (Pty pty = new Pty()) {
            Serial port = open(pty.slavePath(), 115200, StopBits._1, FlowControl.NONE, 5000);
            byte[] out = {'A', 'T', '\r', '\n', 0x00, (byte) 0xFF, 0x03, 0x7F}; // CR/LF, NUL, ^C, DEL: all raw
            assertEquals(out.length, port.write(out, 0, out.length));
            assertArrayEquals(out, pty.receive(out.length, Duration.ofSeconds(10)));

            byte[] in = {'O', 'K', '\r', '\n', 0x04, 0x1A, (byte) 0x80};
            pty.send(in);
            byte[] got = new byte[in.length];
            int n = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (n < in.length && System.nanoTime() - deadline < 0) {
                n += port.read(got, n, in.length - n);
            }
            assertArrayEquals(in, got, "no echo, no canonical mode, no CR/LF mapping, ^D/^Z are data");
            assertEquals(0, port.available());
            port.close();
            assertFalse(port.isOpen());
        }
    }

    @Test
    void baudAndFramingAreAppliedAndReadBack() throws Throwable {
        try (Pty pty = new Pty()) {
            Serial port = open(pty.slavePath(), 57600, StopBits._2, FlowControl.HARDWARE, 100);
            Pty.Attrs a = pty.attrs();
            assertEquals(57600, a.baud());
            assertEquals(Termios.CSTOPB, a.cflag() & Termios.CSTOPB, "2 stop bits");
            assertEquals(Termios.CRTSCTS, a.cflag() & Termios.CRTSCTS, "RTS/CTS");
            assertEquals(Termios.CREAD | Termios.CLOCAL, a.cflag() & (Termios.CREAD | Termios.CLOCAL));
            assertEquals(0, a.lflag() & (Termios.ICANON | Termios.ECHO | Termios.ISIG), "raw: no line discipline");
            assertEquals(0, a.oflag() & Termios.OPOST, "raw: no output processing");
            assertEquals(0, a.vmin());
            assertEquals(0, a.vtime());
            port.close();

            port = open(pty.slavePath(), 9600, StopBits._1, FlowControl.SOFTWARE, 100);
            a = pty.attrs();
            assertEquals(9600, a.baud());
            assertEquals(0, a.cflag() & (Termios.CSTOPB | Termios.CRTSCTS));
            assertEquals(Termios.IXON | Termios.IXOFF, a.iflag() & (Termios.IXON | Termios.IXOFF), "XON/XOFF");
            port.close();
        }
    }

    @Test
    void dataBitsAndParityBecomeTheRightCflagBits() {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            var slot = Sys.newErrnoSlot(arena);
            var t = Termios.allocate(arena);
            int speed = Termios.speedOf(19200);
            record Case(DataBits bits, Parity parity, int expected) {
            }
            for (Case c : new Case[] {
                new Case(DataBits._7, Parity.EVEN, Termios.CS7 | Termios.PARENB),
                new Case(DataBits._8, Parity.ODD, Termios.CS8 | Termios.PARENB | Termios.PARODD),
                new Case(DataBits._5, Parity.MARK, Termios.CS5 | Termios.PARENB | Termios.PARODD | Termios.CMSPAR),
                new Case(DataBits._6, Parity.SPACE, Termios.CS6 | Termios.PARENB | Termios.CMSPAR),
                new Case(DataBits._8, Parity.NONE, Termios.CS8)}) {
                assertEquals(0, Termios.makeRaw(slot, t, speed, c.bits(), c.parity(), StopBits._1, FlowControl.NONE));
                int cflag = t.get(java.lang.foreign.ValueLayout.JAVA_INT, Termios.C_CFLAG);
                assertEquals(c.expected(), cflag & (Termios.CSIZE | Termios.PARENB | Termios.PARODD | Termios.CMSPAR),
                        c.toString());
                assertEquals(speed, Termios.outputSpeed(slot, t));
            }
        }
    }

    @Test
    void readsAreBoundedAndEndWhenTheKthreadIsStopped() throws Throwable {
        try (Pty pty = new Pty()) {
            Serial port = open(pty.slavePath(), 9600, StopBits._1, FlowControl.NONE, 150);
            long t0 = System.nanoTime();
            assertEquals(0, port.read(new byte[4], 0, 4));
            long waited = System.nanoTime() - t0;
            assertTrue(waited >= Duration.ofMillis(140).toNanos(), "waited its timeout: " + waited);
            assertEquals(-1, port.read());
            port.close();

            // A long read timeout, but the reading kthread is stopped: the read returns within a poll slice.
            Serial slow = open(pty.slavePath(), 9600, StopBits._1, FlowControl.NONE, 60_000);
            AtomicInteger result = new AtomicInteger(-2);
            Completion reading = new Completion();
            Kthread reader = Kthread.run(p -> {
                reading.complete();
                result.set(p.read(new byte[4], 0, 4));
                return 0;
            }, slow, "serial-test-reader");
            assertTrue(reading.waitForCompletionTimeout(Duration.ofSeconds(20)));
            long s0 = System.nanoTime();
            assertEquals(0, reader.stop(Duration.ofSeconds(20)));
            assertEquals(0, result.get());
            assertTrue(System.nanoTime() - s0 < Duration.ofSeconds(20).toNanos());
            slow.close();
        }
    }

    @Test
    void openErrorsNameTheNodeAndTheFix() {
        BoardException missing = assertThrows(BoardException.class,
                () -> open("/dev/ttyKDRVNOPE0", 9600, StopBits._1, FlowControl.NONE, 10));
        assertTrue(missing.getMessage().contains("/dev/ttyKDRVNOPE0") && missing.getMessage().contains("ENOENT")
                && missing.getMessage().contains("enable_uart=1"), missing.getMessage());
        BoardException notTty = assertThrows(BoardException.class,
                () -> open("/dev/null", 9600, StopBits._1, FlowControl.NONE, 10));
        assertTrue(notTty.getMessage().contains("/dev/null") && notTty.getMessage().contains("not a terminal"),
                notTty.getMessage());
        String eacces = LinuxSerial.openError("/dev/ttyAMA0", Errno.EACCES);
        assertTrue(eacces.contains("/dev/ttyAMA0") && eacces.contains("dialout"), eacces);
        String ebusy = LinuxSerial.openError("/dev/serial0", Errno.EBUSY);
        assertTrue(ebusy.contains("console"), ebusy);
        assertInstanceOf(LinuxSerialProvider.class, provider);
    }

    @Test
    void writesAreBoundedWhenFlowControlHoldsThePortBack() throws Throwable {
        try (Pty pty = new Pty()) {
            // Nobody reads the master: the pty's buffers fill and the write must give up, naming the port.
            Serial port = open(pty.slavePath(), 4000000, StopBits._1, FlowControl.NONE, 10);
            byte[] chunk = new byte[64 * 1024];
            com.pi4j.io.exception.IOException e = assertThrows(com.pi4j.io.exception.IOException.class, () -> {
                for (int i = 0; i < 64; i++) {
                    port.write(chunk, 0, chunk.length);
                }
            });
            assertTrue(e.getMessage().contains(pty.slavePath()) && e.getMessage().contains("timed out"),
                    e.getMessage());
            port.close();
        }
    }
}
