package io.kdrv.board.linux.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.W1Slave;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sysfs 1-Wire provider on a temporary tree shaped like {@code /sys/bus/w1/devices} (the VM's Debian kernel has
 * the w1 core, w1_therm and the w1-gpio/ds2482/ds2490 masters, but no simulated master, so there is no real slave
 * to test against): masters {@code w1_bus_masterN/} with their slaves below them and linked from the root.
 */
@Timeout(30)
class SysfsW1Test {
    @TempDir
    Path root;

    private Path slave(String master, String id) throws IOException {
        Path dir = Files.createDirectories(root.resolve(master).resolve(id));
        Files.createSymbolicLink(root.resolve(id), dir);
        return dir;
    }

    @Test
    void findsSlavesOnTheirMasterAndReadsTheKernelFiles() throws Exception {
        Path therm = slave("w1_bus_master1", "28-00000abcdef0");
        Files.writeString(therm.resolve("w1_slave"), "72 01 4b 46 7f ff 0e 10 57 : crc=57 YES\n"
                + "72 01 4b 46 7f ff 0e 10 57 t=23125\n");
        Files.writeString(therm.resolve("resolution"), "12\n");
        slave("w1_bus_master2", "28-000000000002");
        SysfsW1 w1 = new SysfsW1("linux", root);

        assertEquals(List.of("w1_bus_master1/28-00000abcdef0", "w1_bus_master2/28-000000000002"), w1.slaves());
        W1Slave s = w1.find(null, "28-00000abcdef0");
        assertEquals("w1_bus_master1", s.master());
        assertEquals(0x28, s.family());
        assertFalse(s.supportsTransactions(), "w1_therm owns it: no rw file");
        assertTrue(s.readAttribute("w1_slave").orElseThrow().contains("t=23125"));
        assertEquals(Optional.empty(), s.readAttribute("temperature"), "not offered by this kernel");
        s.writeAttribute("resolution", "9\n");
        assertEquals("9\n", Files.readString(therm.resolve("resolution")));
        IOException noFile = assertThrows(IOException.class, () -> s.writeAttribute("alarms", "1 2"));
        assertTrue(noFile.getMessage().contains("28-00000abcdef0") && noFile.getMessage().contains("alarms"));
        UnsupportedOperationException raw = assertThrows(UnsupportedOperationException.class,
                () -> s.transaction(new byte[] {(byte) 0x44}, 0));
        assertTrue(raw.getMessage().contains("w1_therm"), raw.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.readAttribute("../w1_bus_master1"));

        assertEquals("w1_bus_master2", w1.find("w1_bus_master2", "28-000000000002").master());
        IllegalArgumentException wrongMaster = assertThrows(IllegalArgumentException.class,
                () -> w1.find("w1_bus_master2", "28-00000abcdef0"));
        assertTrue(wrongMaster.getMessage().contains("28-00000abcdef0")
                && wrongMaster.getMessage().contains("w1_bus_master2")
                && wrongMaster.getMessage().contains("w1_bus_master1/28-00000abcdef0"), wrongMaster.getMessage());
    }

    @Test
    void rawTransactionsGoThroughTheRwFile() throws Exception {
        Path dir = slave("w1_bus_master1", "3a-0000001234ab");
        // A regular file stands in for the kernel's rw attribute: what is written is what a read returns.
        Files.write(dir.resolve("rw"), new byte[0]);
        W1Slave s = new SysfsW1("linux", root).find(null, "3a-0000001234ab");
        assertTrue(s.supportsTransactions());
        byte[] got = s.transaction(new byte[] {(byte) 0xF5, 0x11, 0x22}, 3);
        assertArrayEquals(new byte[] {(byte) 0xF5, 0x11, 0x22}, got);
        assertArrayEquals(new byte[] {(byte) 0xF5, 0x11, 0x22}, Files.readAllBytes(dir.resolve("rw")));
        IOException shortRead = assertThrows(IOException.class, () -> s.transaction(new byte[0], 8));
        assertTrue(shortRead.getMessage().contains("3a-0000001234ab") && shortRead.getMessage().contains("short"),
                shortRead.getMessage());
    }

    @Test
    void aMissingBusOrSlaveIsNamedWithTheFix() throws Exception {
        IllegalArgumentException noBus = assertThrows(IllegalArgumentException.class,
                () -> new SysfsW1("raspberrypi", root.resolve("nope")).find(null, "28-00000abcdef0"));
        assertTrue(noBus.getMessage().contains("dtoverlay=w1-gpio") && noBus.getMessage().contains("28-00000abcdef0"),
                noBus.getMessage());
        Files.createDirectories(root.resolve("w1_bus_master1"));
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> new SysfsW1("linux", root).find(null, "28-00000abcdef0"));
        assertTrue(none.getMessage().contains("not found") && none.getMessage().contains("pull-up"), none.getMessage());

        Path dir = slave("w1_bus_master1", "28-0000000000aa");
        W1Slave s = new SysfsW1("linux", root).find(null, "28-0000000000aa");
        Files.delete(root.resolve("28-0000000000aa"));
        Files.delete(dir); // the kernel removed the slave (it stopped answering searches)
        IOException gone = assertThrows(IOException.class, () -> s.readAttribute("w1_slave"));
        assertTrue(gone.getMessage().contains("gone"), gone.getMessage());
        IOException goneRaw = assertThrows(IOException.class, () -> s.transaction(new byte[] {1}, 0));
        assertTrue(goneRaw.getMessage().contains("28-0000000000aa"), goneRaw.getMessage());
    }
}
