package io.kdrv.board.mock;

import static io.kdrv.board.mock.Support.device;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.spi.Spi;
import io.kdrv.board.KdrvBoard;
import io.kdrv.driver.spi.Board.Handle;
import io.kdrv.driver.spi.SpiSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** SPI on the mock board through the board's claims and Pi4J's Spi: chip models, recording, ownership. */
@ExtendWith(Support.NoKthreadLeaks.class)
@Timeout(30)
class MockSpiTest {
    /** Echoes the previous transfer's first byte, then the bitwise complement of what it is sent (a shift register). */
    static final class EchoChip implements SpiChip {
        final List<Integer> modes = new ArrayList<>();
        int last;

        @Override
        public void transfer(int mode, int speedHz, byte[] mosi, byte[] miso) {
            modes.add(mode);
            for (int i = 0; i < mosi.length; i++) {
                miso[i] = (byte) (i == 0 ? last : ~mosi[i - 1]);
            }
            last = mosi.length > 0 ? mosi[0] : last;
        }
    }

    private final MockBoard mock = new MockBoard();
    private final KdrvBoard board = mock.open();

    @AfterEach
    void close() {
        board.close();
    }

    @Test
    void aTransferReachesTheChipFullDuplexAndIsRecorded() {
        EchoChip chip = mock.attachSpi(0, 1, new EchoChip());
        Handle<Spi> h = board.openSpi(device("adc0"), new SpiSettings(0, 1, 3, 500_000));
        Spi spi = h.get();
        byte[] rx = new byte[3];
        assertEquals(3, spi.transfer(new byte[] {0x11, 0x22, 0x33}, rx));
        assertArrayEquals(new byte[] {0, ~0x11, ~0x22}, rx);
        spi.transfer(new byte[] {0x44}, rx, 1);
        assertEquals(0x11, rx[0], "the chip kept state across chip-select cycles");
        assertEquals(List.of(3, 3), chip.modes);

        List<SpiTransfer> log = mock.spiTransfers(0, 1);
        assertEquals(2, log.size());
        assertArrayEquals(new byte[] {0x11, 0x22, 0x33}, log.get(0).mosi());
        assertArrayEquals(new byte[] {0, ~0x11, ~0x22}, log.get(0).miso());
        assertEquals(500_000, log.get(0).speedHz());
        assertEquals(3, log.get(0).mode());
        assertTrue(log.get(1).nanoTime() >= log.get(0).nanoTime());
        assertEquals(2, mock.spiTransferCount(0, 1));
        h.close();
    }

    @Test
    void withoutAChipMisoFloatsToZerosAndWritesAreRecorded() {
        Handle<Spi> h = board.openSpi(device("x"), new SpiSettings(1, 0, 0, 1_000_000));
        assertEquals(0, h.get().read());
        h.get().write(new byte[] {5, 6}, 0, 2);
        assertArrayEquals(new byte[] {5, 6}, mock.spiTransfers(1, 0).get(1).mosi());
        assertArrayEquals(new byte[] {0, 0}, mock.spiTransfers(1, 0).get(1).miso());
        mock.clearSpiTransfers(1, 0);
        assertEquals(List.of(), mock.spiTransfers(1, 0));
        assertEquals(2, mock.spiTransferCount(1, 0));
        h.close();
    }

    @Test
    void oneClaimantPerBusAndChipSelectAndTheErrorNamesTheOwner() {
        Handle<Spi> h = board.openSpi(device("adc0"), new SpiSettings(0, 0, 0, 1_000_000));
        assertTrue(mock.isSpiOpen(0, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> board.openSpi(device("adc1"), new SpiSettings(0, 0, 0, 1_000_000)));
        assertTrue(e.getMessage().contains("SPI bus 0 chip select 0") && e.getMessage().contains("adc0"),
                e.getMessage());
        Handle<Spi> other = board.openSpi(device("adc1"), new SpiSettings(0, 1, 0, 1_000_000));
        assertEquals(List.of(new io.kdrv.board.SpiInfo(0, 0, 0, 1_000_000, "adc0"),
                new io.kdrv.board.SpiInfo(0, 1, 0, 1_000_000, "adc1")), board.spiDevices());
        h.close();
        h.close(); // idempotent
        assertFalse(mock.isSpiOpen(0, 0));
        assertEquals(List.of("adc1"), board.spiDevices().stream().map(io.kdrv.board.SpiInfo::owner).toList());
        Handle<Spi> again = board.openSpi(device("adc1"), new SpiSettings(0, 0, 0, 1_000_000));
        assertTrue(mock.isSpiOpen(0, 0));
        again.close();
        other.close();
    }

    @Test
    void closingTheBoardReleasesEverySpiDevice() {
        board.openSpi(device("adc0"), new SpiSettings(0, 0, 0, 1_000_000));
        board.openSpi(device("adc1"), new SpiSettings(2, 3, 1, 1_000_000));
        board.close();
        assertFalse(mock.isSpiOpen(0, 0));
        assertFalse(mock.isSpiOpen(2, 3));
        assertThrows(IllegalStateException.class,
                () -> board.openSpi(device("adc2"), new SpiSettings(0, 0, 0, 1_000_000)));
    }

    @Test
    void attachAndDetachAreCheckedAndTakeEffectOnTheNextTransfer() {
        Handle<Spi> h = board.openSpi(device("adc0"), new SpiSettings(0, 0, 0, 1_000_000));
        mock.attachSpi(0, 0, (mode, hz, mosi, miso) -> java.util.Arrays.fill(miso, (byte) 0xFF));
        assertEquals(0xFF, h.get().read());
        assertThrows(IllegalStateException.class, () -> mock.attachSpi(0, 0, new EchoChip()));
        mock.detachSpi(0, 0);
        assertEquals(0, h.get().read());
        assertThrows(IllegalArgumentException.class, () -> mock.detachSpi(0, 0));
        assertThrows(IllegalArgumentException.class, () -> mock.attachSpi(7, 0, new EchoChip()));
        assertThrows(IllegalArgumentException.class, () -> mock.spiTransfers(0, 11));
        h.close();
    }
}
