package io.kdrv.board.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.io.spi.Spi;
import io.kdrv.board.BoardException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spidev on the host: the uAPI encoding against {@code <linux/spi/spidev.h>} and the error paths against the real
 * kernel (there is no SPI controller here, nor in the VM rig's Debian 12 kernel, so no transfer reaches a chip).
 */
class SpiDevTest {
    @TempDir
    Path dev;

    private static long off(String f) {
        return SpiUapi.SPI_IOC_TRANSFER.byteOffset(MemoryLayout.PathElement.groupElement(f));
    }

    @Test
    void spiIocTransferHasTheHeadersLayout() {
        assertEquals(32, SpiUapi.SPI_IOC_TRANSFER.byteSize(), "the same on 32- and 64-bit user space");
        assertEquals(0, off("tx_buf"));
        assertEquals(8, off("rx_buf"));
        assertEquals(16, off("len"));
        assertEquals(20, off("speed_hz"));
        assertEquals(24, off("delay_usecs"));
        assertEquals(26, off("bits_per_word"));
        assertEquals(27, off("cs_change"));
        assertEquals(28, off("tx_nbits"));
        assertEquals(29, off("rx_nbits"));
        assertEquals(30, off("word_delay_usecs"));
        assertEquals(31, off("pad"));
    }

    @Test
    void ioctlNumbersAreTheHeadersMacros() {
        // _IOC(dir, 'k' = 0x6b, nr, size): dir << 30 | size << 16 | type << 8 | nr
        assertEquals(0x40016B01L, SpiUapi.SPI_IOC_WR_MODE);
        assertEquals(0x80016B01L, SpiUapi.SPI_IOC_RD_MODE);
        assertEquals(0x40016B03L, SpiUapi.SPI_IOC_WR_BITS_PER_WORD);
        assertEquals(0x40046B04L, SpiUapi.SPI_IOC_WR_MAX_SPEED_HZ);
        assertEquals(0x80046B04L, SpiUapi.SPI_IOC_RD_MAX_SPEED_HZ);
        assertEquals(0x40206B00L, SpiUapi.spiIocMessage(1));
        assertEquals(0x40406B00L, SpiUapi.spiIocMessage(2));
        assertEquals(0x7FE06B00L, SpiUapi.spiIocMessage(511), "511 * 32 = 16352 still fits");
        assertEquals(0x40006B00L, SpiUapi.spiIocMessage(512), "SPI_MSGSIZE is 0 when the size field overflows");
        assertThrows(IllegalArgumentException.class, () -> SpiUapi.spiIocMessage(0));
    }

    @Test
    void aTransferIsEncodedFullDuplexWithChipSelectHeld() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment xfers = arena.allocate(SpiUapi.SPI_IOC_TRANSFER, 2);
            xfers.fill((byte) 0x5A); // stale bytes must not survive: the header asks for zeroed structs
            MemorySegment tx = arena.allocate(4);
            MemorySegment rx = arena.allocate(4);
            SpiUapi.encode(xfers, 1, tx, rx, 4, 1_350_000, 8);
            long b = 32;
            assertEquals(tx.address(), xfers.get(ValueLayout.JAVA_LONG, b));
            assertEquals(rx.address(), xfers.get(ValueLayout.JAVA_LONG, b + 8));
            assertEquals(4, xfers.get(ValueLayout.JAVA_INT, b + 16));
            assertEquals(1_350_000, xfers.get(ValueLayout.JAVA_INT, b + 20));
            assertEquals(0, xfers.get(ValueLayout.JAVA_SHORT, b + 24), "no delay");
            assertEquals(8, xfers.get(ValueLayout.JAVA_BYTE, b + 26));
            assertEquals(0, xfers.get(ValueLayout.JAVA_BYTE, b + 27), "cs_change 0");
            for (int i = 28; i < 32; i++) {
                assertEquals(0, xfers.get(ValueLayout.JAVA_BYTE, b + i), "byte " + i);
            }
            assertEquals(0x5A, xfers.get(ValueLayout.JAVA_BYTE, 0), "transfer 0 untouched");
            SpiUapi.encode(xfers, 0, MemorySegment.NULL, rx, 4, 1, 8);
            assertEquals(0, xfers.get(ValueLayout.JAVA_LONG, 0), "no tx buffer: the kernel shifts out zeros");
        }
    }

    @Test
    void aMissingNodeSaysHowToEnableSpi() {
        BoardException e = assertThrows(BoardException.class,
                () -> SpiDev.open("raspberrypi", dev.toString(), 0, 0, 0, 1_000_000));
        String m = e.getMessage();
        assertTrue(m.startsWith("platform raspberrypi: ENOENT: cannot open " + dev + "/spidev0.0: "), m);
        assertTrue(m.contains("is SPI enabled?") && m.contains("dtparam=spi=on"), m);
    }

    @Test
    void aFileThatIsNotSpidevFailsAtTheFirstIoctlNamingIt() throws Exception {
        Path notSpi = Files.createFile(dev.resolve("spidev0.1"));
        BoardException e = assertThrows(BoardException.class,
                () -> SpiDev.open("linux", dev.toString(), 0, 1, 0, 1_000_000));
        assertEquals("platform linux: ENOTTY: " + notSpi + ": SPI_IOC_WR_MODE 0 failed (not an SPI device (spidev) "
                + "node)", e.getMessage());
    }

    @Test
    void permissionAndSizeErrorsNameTheFix() {
        // As root (CI) the kernel never answers EACCES, so the message itself is checked.
        assertEquals("EACCES: cannot open /dev/spidev0.0: permission denied (add the user to group spi, or run as "
                + "root)", SpiDev.openError("/dev/spidev0.0", -Errno.EACCES));
        String big = SpiDev.transferError("/dev/spidev0.0", -SpiDev.EMSGSIZE, 8192);
        assertTrue(big.startsWith("EMSGSIZE: /dev/spidev0.0: SPI_IOC_MESSAGE of 8192 bytes failed")
                && big.contains("spidev.bufsiz"), big);
        assertTrue(SpiDev.transferError("/dev/spidev0.0", -Errno.EIO, 3).startsWith("EIO: /dev/spidev0.0"));
    }

    @Test
    void thePi4jProviderOpensThroughSpidevAndFailsNamingTheNode() {
        Context ctx = Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
                .add(new LinuxSpiProvider("linux", dev.toString())).build();
        try {
            LinuxSpiProvider p = assertInstanceOf(LinuxSpiProvider.class, ctx.providers().get(IOType.SPI));
            BoardException e = assertThrows(BoardException.class, () -> p.create(Spi.newConfigBuilder(ctx).id("s")
                    .bus(1).address(2).mode(3).baud(500_000).build()));
            assertTrue(e.getMessage().contains(dev + "/spidev1.2"), e.getMessage());
            assertFalse(ctx.registry().exists("s"));
        } finally {
            ctx.shutdown();
        }
    }
}
