package io.kdrv.board.mock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.serial.Serial;
import io.kdrv.board.KdrvBoard;
import io.kdrv.driver.Device;
import io.kdrv.driver.W1Slave;
import io.kdrv.driver.spi.Board;
import io.kdrv.driver.spi.SerialSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The mock board's scripted serial peer and 1-Wire bus, through the board's claims. */
@Timeout(60)
class SerialW1MockTest {
    private final MockBoard mock = new MockBoard();
    private final KdrvBoard board = mock.open();
    private final Device gps = Support.device("gps0");
    private final Device other = Support.device("other");

    @AfterEach
    void close() {
        board.close();
    }

    private static SerialSettings settings(String path, int readTimeoutMs) {
        SerialSettings s = SerialSettings.of(path);
        return new SerialSettings(path, 115200, s.dataBits(), s.parity(), s.stopBits(), s.flowControl(),
                Duration.ofMillis(readTimeoutMs));
    }

    private static String readAll(Serial port, int expected) {
        byte[] buf = new byte[256];
        int n = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (n < expected && System.nanoTime() - deadline < 0) {
            n += port.read(buf, n, buf.length - n);
        }
        return new String(buf, 0, n, StandardCharsets.UTF_8);
    }

    @Test
    void scriptedPeerAnswersAndRecordsTraffic() throws Exception {
        SerialPeer peer = mock.serialPeer("/dev/ttyAMA0").expect("AT\r", "OK\r\n").always("V?\r", "v1.2\r\n");
        try (Board.Handle<Serial> h = board.openSerial(gps, settings("/dev/ttyAMA0", 2000))) {
            Serial port = h.get();
            assertTrue(peer.isOpen());
            assertEquals(115200, peer.config().orElseThrow().baud());
            port.write("AT\r".getBytes(StandardCharsets.US_ASCII));
            assertEquals("OK\r\n", readAll(port, 4));
            port.write("V?\rV?\r".getBytes(StandardCharsets.US_ASCII));
            assertEquals("v1.2\r\nv1.2\r\n", readAll(port, 12));
            port.write("XY".getBytes(StandardCharsets.US_ASCII));
            assertTrue(peer.awaitReceived(11, Duration.ofSeconds(5)));
            assertEquals("XY", new String(peer.unexpected(), StandardCharsets.US_ASCII));
            assertEquals("AT\rV?\rV?\rXY", new String(peer.received(), StandardCharsets.US_ASCII));
            assertEquals(0, peer.pendingRules());
            assertTrue(peer.traffic().get(0).toPeer());
            assertFalse(peer.traffic().get(1).toPeer());
            peer.send("$GPGGA\r\n");
            assertEquals(8, port.available());
        }
        assertFalse(peer.isOpen(), "closing the handle closes the port");
    }

    @Test
    void readsAreBoundedByTheReadTimeout() {
        mock.serialPeer("/dev/ttyS0");
        try (Board.Handle<Serial> h = board.openSerial(gps, settings("/dev/ttyS0", 50))) {
            long t0 = System.nanoTime();
            assertEquals(0, h.get().read(new byte[8], 0, 8));
            assertEquals(-1, h.get().read());
            assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(100).toNanos(), "both reads waited their timeout");
        }
    }

    @Test
    void aPortHasOneOwnerAndAMissingPathIsNamed() {
        mock.serialPeer("/dev/ttyAMA0");
        Board.Handle<Serial> h = board.openSerial(gps, settings("/dev/ttyAMA0", 10));
        assertEquals(java.util.List.of(new io.kdrv.board.PortInfo("serial", "/dev/ttyAMA0", "gps0")), board.ports());
        IllegalStateException busy = assertThrows(IllegalStateException.class,
                () -> board.openSerial(other, settings("/dev/ttyAMA0", 10)));
        assertTrue(busy.getMessage().contains("/dev/ttyAMA0") && busy.getMessage().contains("gps0"), busy.getMessage());
        h.close();
        assertTrue(board.ports().isEmpty());
        board.openSerial(other, settings("/dev/ttyAMA0", 10)).close(); // released: free again
        RuntimeException missing = assertThrows(RuntimeException.class,
                () -> board.openSerial(gps, settings("/dev/ttyUSB7", 10)));
        assertTrue(missing.getMessage().contains("/dev/ttyUSB7") && missing.getMessage().contains("gps0"),
                missing.getMessage());
    }

    /** Echoes the written bytes, inverted, into the read part of the transaction. */
    private static final class Inverter implements W1Model {
        private final String id;
        volatile boolean present = true;

        Inverter(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public boolean present() {
            return present;
        }

        @Override
        public byte[] transaction(byte[] write, int readLength) {
            byte[] r = new byte[readLength];
            Arrays.fill(r, (byte) 0xFF);
            for (int i = 0; i < Math.min(write.length, readLength); i++) {
                r[i] = (byte) ~write[i];
            }
            return r;
        }
    }

    @Test
    void w1SlavesAnswerTransactionsAndAreClaimedOnce() throws Exception {
        Inverter model = mock.attachW1(new Inverter("28-00000abcdef0"));
        Board.Handle<W1Slave> h = board.openW1(gps, null, "28-00000ABCDEF0");
        W1Slave s = h.get();
        assertEquals("28-00000abcdef0", s.id());
        assertEquals(0x28, s.family());
        assertEquals(MockBoard.DEFAULT_W1_MASTER, s.master());
        assertEquals(java.util.List.of(new io.kdrv.board.PortInfo("w1", "28-00000abcdef0", "gps0")), board.ports());
        assertArrayEquals(new byte[] {(byte) 0xFE, (byte) 0xFD, (byte) 0xFF}, s.transaction(new byte[] {1, 2}, 3));

        IllegalStateException busy = assertThrows(IllegalStateException.class,
                () -> board.openW1(other, null, "28-00000abcdef0"));
        assertTrue(busy.getMessage().contains("gps0"), busy.getMessage());
        IllegalArgumentException wrongMaster = assertThrows(IllegalArgumentException.class,
                () -> board.openW1(other, "w1_bus_master2", "28-00000abcdef1"));
        assertTrue(wrongMaster.getMessage().contains("28-00000abcdef1")
                && wrongMaster.getMessage().contains("w1_bus_master2"), wrongMaster.getMessage());

        model.present = false;
        IOException absent = assertThrows(IOException.class, () -> s.transaction(new byte[] {0x44}, 0));
        assertTrue(absent.getMessage().contains("28-00000abcdef0") && absent.getMessage().contains("presence"),
                absent.getMessage());

        h.close();
        assertThrows(IllegalStateException.class, () -> s.transaction(new byte[] {1}, 1), "released");
        board.openW1(other, MockBoard.DEFAULT_W1_MASTER, "28-00000abcdef0").close();
    }

    @Test
    void romCodeAndCrc8FollowTheDatasheet() {
        // Maxim AN27's example ROM: family 0x02, serial 0x1C B8 01 00 00 00, CRC 0xA2.
        byte[] rom = W1Slave.romCode("02-00000001b81c");
        assertArrayEquals(new byte[] {0x02, 0x1C, (byte) 0xB8, 0x01, 0, 0, 0, (byte) 0xA2}, rom);
        assertEquals(0, W1Slave.crc8(rom, 0, 8), "CRC over data and CRC is 0");
        assertThrows(IllegalArgumentException.class, () -> W1Slave.checkId("28-xyz"));
        assertThrows(IllegalArgumentException.class, () -> W1Slave.checkId("2800000abcdef0"));
    }
}
