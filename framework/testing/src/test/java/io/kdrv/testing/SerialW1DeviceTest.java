package io.kdrv.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.serial.Parity;
import com.pi4j.io.serial.Serial;
import com.pi4j.io.serial.StopBits;
import io.kdrv.board.mock.SerialPeer;
import io.kdrv.board.mock.W1Model;
import io.kdrv.driver.Binding;
import io.kdrv.driver.Device;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.Driver;
import io.kdrv.driver.SerialKeys;
import io.kdrv.driver.W1Keys;
import io.kdrv.driver.W1Slave;
import io.kdrv.kthread.Kthread;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Device.serial() and Device.w1() end to end: node keys, claims naming the owner, devres on remove and failure. */
@Timeout(60)
class SerialW1DeviceTest {
    @RegisterExtension
    final KdrvTestBed bed = KdrvTestBed.create();

    /** A line-protocol driver: a reader kthread answers "PING" lines; probe fails when the node says so. */
    static final class EchoDriver implements Driver {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public Binding binding() {
            return Binding.of(SerialKeys.all());
        }

        @Override
        public void probe(Device dev) throws Exception {
            Serial port = dev.serial();
            port.write("HELLO\n".getBytes(StandardCharsets.US_ASCII));
            dev.kthreadRun(p -> {
                StringBuilder line = new StringBuilder();
                byte[] buf = new byte[64];
                while (!Kthread.shouldStop()) {
                    int n = p.read(buf, 0, buf.length); // bounded by read-timeout-ms, ends early on stop
                    for (int i = 0; i < n; i++) {
                        if (buf[i] == '\n') {
                            lines.add(line.toString());
                            line.setLength(0);
                        } else {
                            line.append((char) buf[i]);
                        }
                    }
                }
                return 0;
            }, port, "echo/%s", dev.name());
        }
    }

    @Test
    void aSerialDriverTalksToTheScriptedPeerAndItsPortIsClosedOnRemove() throws Exception {
        SerialPeer peer = bed.mock().serialPeer("/dev/ttyAMA0").expect("HELLO\n", "WELCOME\n");
        EchoDriver driver = new EchoDriver();
        String id = bed.register(driver, "acme,echo");
        DeviceInfo d = bed.addDevice("echo0", "acme,echo", "serial-device", "/dev/ttyAMA0", "baud", 115200,
                "parity", "even", "stop-bits", 2, "read-timeout-ms", 200);
        assertEquals(DeviceState.BOUND, d.state(), d.reason());
        assertEquals(115200, peer.config().orElseThrow().baud());
        assertEquals(Parity.EVEN, peer.config().orElseThrow().parity());
        assertEquals(StopBits._2, peer.config().orElseThrow().stopBits());
        io.kdrv.testing.await.Await.until("the reply line", () -> driver.lines.contains("WELCOME"),
                Duration.ofSeconds(20));
        peer.send("PING\n");
        io.kdrv.testing.await.Await.until("the sent line", () -> driver.lines.contains("PING"), Duration.ofSeconds(20));

        DeviceInfo other = bed.addDevice("echo1", "acme,echo", "serial-device", "/dev/ttyAMA0");
        assertEquals(DeviceState.FAILED, other.state());
        assertTrue(other.reason().contains("/dev/ttyAMA0") && other.reason().contains("echo0"), other.reason());

        bed.unregister(id);
        assertFalse(peer.isOpen(), "remove closed the port (devres)");
    }

    @Test
    void badSerialNodeValuesNameDeviceAndKey() {
        bed.mock().serialPeer("/dev/serial0");
        bed.register(new EchoDriver(), "acme,echo");
        DeviceInfo parity = bed.addDevice("p0", "acme,echo", "parity", "sometimes");
        assertEquals(DeviceState.FAILED, parity.state());
        assertTrue(parity.reason().contains("p0") && parity.reason().contains("'parity'"), parity.reason());
        DeviceInfo baud = bed.addDevice("b0", "acme,echo", "baud", 12345);
        assertTrue(baud.reason().contains("'baud'") && baud.reason().contains("standard"), baud.reason());
        DeviceInfo bits = bed.addDevice("d0", "acme,echo", "data-bits", 9);
        assertTrue(bits.reason().contains("'data-bits'"), bits.reason());
        DeviceInfo missing = bed.addDevice("m0", "acme,echo", "serial-device", "/dev/ttyUSB9");
        assertEquals(DeviceState.FAILED, missing.state());
        assertTrue(missing.reason().contains("/dev/ttyUSB9"), missing.reason());
        assertFalse(bed.mock().serialPeer("/dev/serial0").isOpen());
    }

    /** A slave that answers its family code to command 0x33-like reads, for the device-class test. */
    record Echo(String id) implements W1Model {
        @Override
        public byte[] transaction(byte[] write, int readLength) {
            byte[] r = new byte[readLength];
            for (int i = 0; i < readLength; i++) {
                r[i] = (byte) (write.length > 0 ? write[0] + i : 0xFF);
            }
            return r;
        }
    }

    /** Claims its slave, reads two bytes, then fails the probe when asked to: devres must release the slave. */
    static final class W1Driver implements Driver {
        volatile W1Slave last;

        @Override
        public Binding binding() {
            return Binding.of(W1Keys.ID, W1Keys.MASTER, io.kdrv.driver.NodeKey.ofBoolean("fail"));
        }

        @Override
        public void probe(Device dev) throws Exception {
            W1Slave s = dev.w1();
            last = s;
            assertArrayEquals(new byte[] {0x10, 0x11}, s.transaction(new byte[] {0x10}, 2));
            if (dev.getBoolean("fail", false)) {
                throw new IllegalStateException("asked to fail");
            }
        }
    }

    @Test
    void w1SlavesAreClaimedByIdAndReleasedOnFailureAndRemove() {
        bed.mock().attachW1(new Echo("28-00000abcdef0"));
        W1Driver driver = new W1Driver();
        bed.register(driver, "acme,w1");
        DeviceInfo failed = bed.addDevice("t0", "acme,w1", "w1-id", "28-00000abcdef0", "fail", true);
        assertEquals(DeviceState.FAILED, failed.state());
        assertTrue(failed.reason().contains("asked to fail"), failed.reason());
        DeviceInfo ok = bed.addDevice("t1", "acme,w1", "w1-id", "28-00000ABCDEF0", "w1-master", "w1_bus_master1");
        assertEquals(DeviceState.BOUND, ok.state(), "the failed probe released the slave: " + ok.reason());
        DeviceInfo dup = bed.addDevice("t2", "acme,w1", "w1-id", "28-00000abcdef0");
        assertTrue(dup.reason().contains("t1"), dup.reason());
        DeviceInfo bad = bed.addDevice("t3", "acme,w1", "w1-id", "28-xyz");
        assertTrue(bad.reason().contains("t3") && bad.reason().contains("'w1-id'"), bad.reason());
        DeviceInfo absent = bed.addDevice("t4", "acme,w1", "w1-id", "28-000000000099");
        assertTrue(absent.reason().contains("28-000000000099") && absent.reason().contains("not found"),
                absent.reason());
        W1Slave held = driver.last;
        bed.removeDevice("t1");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> held.transaction(new byte[] {1}, 1));
    }
}
