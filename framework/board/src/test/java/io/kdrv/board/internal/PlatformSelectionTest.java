package io.kdrv.board.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.Boards;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlatformSelectionTest {
    @TempDir
    Path dir;

    private Path model(String content) throws Exception {
        Path p = dir.resolve("model");
        Files.writeString(p, content);
        return p;
    }

    @Test
    void autoDetectsARaspberryPiFromTheDeviceTreeModel() throws Exception {
        assertEquals("raspberrypi", Boards.detectPlatform(model("Raspberry Pi 4 Model B Rev 1.4\0")));
        assertEquals("mock", Boards.detectPlatform(model("Generic x86 desktop")));
        assertEquals("mock", Boards.detectPlatform(dir.resolve("missing")));
    }

    @Test
    void theFirstNonAutoSettingWinsElseDetection() throws Exception {
        Path pi = model("Raspberry Pi 5 Model B Rev 1.0\0");
        assertEquals("mock", Boards.resolvePlatform(pi, "mock", "raspberrypi"));
        assertEquals("raspberrypi", Boards.resolvePlatform(pi, "auto", null));
        assertEquals("mock", Boards.resolvePlatform(pi, "auto", " MOCK "));
        assertEquals("raspberrypi", Boards.resolvePlatform(pi));
        assertEquals("mock", Boards.resolvePlatform(dir.resolve("missing"), "", "auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Boards.resolvePlatform(pi, "rasp berry"));
        assertEquals("kdrv board: invalid platform 'rasp berry' (expected auto, mock or raspberrypi)", e.getMessage());
    }

    @Test
    void missingMockPlatformNamesTheBundleAndProvider() {
        String msg = BoardComponent.missingPlatformMessage("mock");
        assertTrue(msg.contains("platform mock is not available"), msg);
        assertTrue(msg.contains("com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider"), msg);
        assertTrue(msg.contains("kdrv-board-mock"), msg);
        assertTrue(BoardComponent.missingPlatformMessage("beaglebone").contains("platform beaglebone is not available"));
    }

    @Test
    void missingRealPlatformsNameTheLinuxBoardBundle() {
        // raspberrypi and linux come only from kdrv-board-linux (no Pi4J gpiod fallback any more)
        String msg = BoardComponent.missingPlatformMessage(Boards.RASPBERRY_PI);
        assertTrue(msg.contains("platform raspberrypi is not available"), msg);
        assertTrue(msg.contains("kdrv-board-linux"), msg);
        assertTrue(BoardComponent.missingPlatformMessage("linux").contains("kdrv-board-linux"));
    }

    @Test
    void fifoCapacityMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Boards.open(TestSupport.pi4jMock(28), 0));
        assertEquals("kdrv board: IRQ FIFO capacity must be at least 1, got 0", e.getMessage());
    }
}
