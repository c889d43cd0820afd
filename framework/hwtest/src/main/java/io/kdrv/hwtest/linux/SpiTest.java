package io.kdrv.hwtest.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.io.spi.Spi;
import com.pi4j.io.spi.SpiBus;
import com.pi4j.io.spi.SpiChipSelect;
import com.pi4j.io.spi.SpiMode;
import com.pi4j.io.spi.SpiProvider;
import io.kdrv.board.BoardException;
import io.kdrv.board.linux.internal.SpiDev;
import io.kdrv.board.linux.internal.SpiUapi;
import io.kdrv.board.linux.internal.Sys;
import io.kdrv.hwtest.Rig;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SPI through spidev on a real kernel SPI controller: spi-lm70llp on qemu's parallel port (bus 0, chip select 0).
 * Nothing is wired to the port, so the bytes read back are not asserted; what is asserted is what the kernel holds
 * and counts: the mode and clock spidev keeps for the device (read back on a second descriptor), and the SPI core's
 * per-device statistics (messages, bytes out and in) for every transfer Pi4J made.
 *
 * <p>The controller bit-bangs with {@code udelay(500000000 / hz)} per half clock (in microseconds, a quirk of the
 * driver) and takes SPI mode 0 only: the tests clock at {@link #FAST} so 4 KiB take well under a second, and mode 3
 * is the refused setting.
 */
class SpiTest {
    /** 50 MHz asked: the driver's half-clock delay becomes 10 us. */
    private static final int FAST = 50_000_000;

    private Context ctx;

    @BeforeEach
    void open() {
        ctx = LinuxRig.chipAPlatform().newContext();
    }

    @AfterEach
    void close() {
        ctx.shutdown();
    }

    private Spi spi(String id, SpiMode mode, int hz) {
        SpiProvider p = ctx.providers().get(IOType.SPI);
        return p.create(Spi.newConfigBuilder(ctx).id(id).bus(SpiBus.getByNumber(Rig.spiBus()))
                .chipSelect(SpiChipSelect.getByNumber(Rig.spiChipSelect())).mode(mode).baud(hz).build());
    }

    /** A counter of the SPI core's {@code statistics/} for this device. */
    private static long stat(String name) throws IOException {
        return Long.parseLong(Files.readString(Rig.spiSys().resolve("statistics").resolve(name)).trim());
    }

    /** The mode and clock the kernel holds for the device, read on a descriptor of our own. */
    private static int[] kernelModeAndSpeed() {
        int fd = Sys.open(Rig.spiDev().toString(), Sys.O_RDWR);
        assertTrue(fd >= 0, "open " + Rig.spiDev() + ": " + fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = Sys.newErrnoSlot(arena);
            MemorySegment u8 = arena.allocate(ValueLayout.JAVA_BYTE);
            MemorySegment u32 = arena.allocate(ValueLayout.JAVA_INT);
            assertEquals(0, Sys.ioctl(slot, fd, SpiUapi.SPI_IOC_RD_MODE, u8), "SPI_IOC_RD_MODE");
            assertEquals(0, Sys.ioctl(slot, fd, SpiUapi.SPI_IOC_RD_MAX_SPEED_HZ, u32), "SPI_IOC_RD_MAX_SPEED_HZ");
            return new int[] {u8.get(ValueLayout.JAVA_BYTE, 0) & 0xFF, u32.get(ValueLayout.JAVA_INT, 0)};
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void pi4jTransfersAreMessagesOfTheKernelsSpiCore() throws Exception {
        Spi dev = spi("spi-counted", SpiMode.MODE_0, FAST);
        int[] held = kernelModeAndSpeed();
        assertEquals(0, held[0], "SPI mode 0, and the controller's 3-wire default cleared: full duplex");
        assertEquals(FAST, held[1], "max_speed_hz");
        long messages = stat("messages");
        long out = stat("bytes_tx");
        long in = stat("bytes_rx");
        long errors = stat("errors");

        byte[] rx = new byte[4096];
        for (int len : new int[] {1, 3, 17, 4096}) {
            byte[] tx = new byte[len];
            for (int i = 0; i < len; i++) {
                tx[i] = (byte) (i * 7 + 1);
            }
            assertEquals(len, dev.transfer(tx, 0, rx, 0, len), "transfer of " + len + " bytes");
        }
        dev.write(new byte[] {0x12, 0x34}, 0, 2); // write only: bytes still clocked in (and dropped)
        dev.read(rx, 0, 5);                       // read only: zeros clocked out

        int moved = 1 + 3 + 17 + 4096 + 2 + 5;
        assertEquals(messages + 6, stat("messages"), "one SPI message per Pi4J call");
        assertEquals(out + moved, stat("bytes_tx"), "bytes out");
        assertEquals(in + moved, stat("bytes_rx"), "bytes in: full duplex");
        assertEquals(errors, stat("errors"), "no transfer failed");
        ctx.shutdown(dev);
    }

    @Test
    void eachOpenSetsTheKernelsClockAndARefusedModeNamesTheSetting() {
        // spidev keeps the clock while a descriptor is open and resets it when the last one closes
        Spi slow = spi("spi-1mhz", SpiMode.MODE_0, 1_000_000);
        assertEquals(1_000_000, kernelModeAndSpeed()[1], "max_speed_hz of the first open");
        ctx.shutdown(slow); // closes the descriptor and frees address (chip select) 0 in the registry
        Spi dev = spi("spi-2mhz", SpiMode.MODE_0, 2_000_000);
        assertEquals(2_000_000, kernelModeAndSpeed()[1], "max_speed_hz of the second open");
        ctx.shutdown(dev);

        // a device that wants mode 3 on a controller that only does mode 0: spi_setup() refuses it
        BoardException e = assertThrows(BoardException.class, () -> spi("spi-mode3", SpiMode.MODE_3, FAST));
        String m = e.getMessage();
        for (String part : new String[] {"EINVAL", Rig.spiDev().toString(), "SPI_IOC_WR_MODE 3",
                "the controller refuses this setting"}) {
            assertTrue(m.contains(part), "'" + part + "' in: " + m);
        }
        System.out.println("hwtest: " + m);
        assertEquals(0, kernelModeAndSpeed()[0] & 0x3, "spidev kept the previous mode");
    }

    @Test
    void aMessageLongerThanSpidevsBufferNamesTheNodeAndTheFix() throws Exception {
        Spi dev = spi("spi-long", SpiMode.MODE_0, FAST);
        long errors = stat("errors");
        byte[] big = new byte[4097];
        BoardException e = assertThrows(BoardException.class, () -> dev.transfer(big, 0, big, 0, big.length));
        String m = e.getMessage();
        for (String part : new String[] {"EMSGSIZE", Rig.spiDev().toString(), "4097 bytes", "spidev.bufsiz"}) {
            assertTrue(m.contains(part), "'" + part + "' in: " + m);
        }
        assertEquals(errors, stat("errors"), "spidev refused it before the SPI core");
        assertEquals(1, dev.transfer(new byte[1], 0, new byte[1], 0, 1), "the device still works");
        System.out.println("hwtest: " + m);
        ctx.shutdown(dev);
    }

    @Test
    void aMissingChipSelectNamesTheNodeAndHowToEnableIt() {
        String dir = Rig.spiDev().getParent().toString();
        BoardException missing = assertThrows(BoardException.class,
                () -> SpiDev.open("linux", dir, Rig.spiBus(), 3, 0, FAST));
        String m = missing.getMessage();
        assertTrue(m.contains("ENOENT") && m.contains(Path.of(dir, "spidev" + Rig.spiBus() + ".3").toString())
                && m.contains("dtparam=spi=on"), m);
        System.out.println("hwtest: " + m);
    }
}
