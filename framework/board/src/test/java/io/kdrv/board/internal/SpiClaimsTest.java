package io.kdrv.board.internal;

import static io.kdrv.board.internal.TestSupport.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.spi.Spi;
import com.pi4j.plugin.mock.provider.spi.MockSpiProvider;
import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.SpiInfo;
import io.kdrv.driver.spi.Board.Handle;
import io.kdrv.driver.spi.SpiSettings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** SPI claims of the board with Pi4J's own mock SPI provider, and on a platform that has none. */
@ExtendWith(TestSupport.NoKthreadLeaks.class)
@Timeout(30)
class SpiClaimsTest {
    private static BoardPlatform platform(boolean withSpi) {
        return withSpi ? TestSupport.pi4jMock(28, MockSpiProvider.newInstance()) : TestSupport.pi4jMock(28);
    }

    @Test
    void claimsAreExclusiveListedAndPassTheSettingsToPi4j() {
        try (PinBoard board = PinBoard.open(platform(true), 1024)) {
            Handle<Spi> h = board.openSpi(device("adc0"), new SpiSettings(0, 1, 3, 2_000_000));
            Spi spi = h.get();
            assertEquals(0, spi.config().bus().getBus());
            assertEquals(1, spi.config().address());
            assertEquals(3, spi.config().mode().getMode());
            assertEquals(2_000_000, spi.config().baud());
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> board.openSpi(device("adc1"), new SpiSettings(0, 1, 0, 1_000_000)));
            assertEquals("SPI bus 0 chip select 1 is already claimed by device adc0", e.getMessage());
            assertEquals(List.of(new SpiInfo(0, 1, 3, 2_000_000, "adc0")), board.spiDevices());
            String list = new GpioCommands(board, null).list();
            assertTrue(list.contains("spi0.1 mode 3 2000000 Hz adc0\n"), list);

            h.close();
            assertEquals(List.of(), board.spiDevices());
            assertTrue(!board.pi4j().registry().exists("kdrv-spi-0-1"), "Pi4J device shut down");
            board.openSpi(device("adc1"), new SpiSettings(0, 1, 0, 1_000_000)); // free again; released by close
        }
    }

    @Test
    void aPlatformWithoutSpiStillRunsGpioAndOnlyOpenSpiFails() {
        try (PinBoard board = PinBoard.open(platform(false), 1024)) {
            board.openOutput(device("led0"), 18);
            BoardException e = assertThrows(BoardException.class,
                    () -> board.openSpi(device("adc0"), new SpiSettings(0, 0, 0, 1_000_000)));
            assertTrue(e.getMessage().contains("platform mock") && e.getMessage().contains("no SPI provider"),
                    e.getMessage());
            assertEquals(1, board.lines().size());
        }
    }
}
