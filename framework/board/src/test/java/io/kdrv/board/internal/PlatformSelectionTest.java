package io.kdrv.board.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.Boards;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
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
    void missingProviderClassesAreNamedWithThePlatform() throws Exception {
        // a loader that sees only the JDK: the inlined Pi4J plugins are "absent"
        try (URLClassLoader jdkOnly = new URLClassLoader(new URL[0], null)) {
            RpiBoardPlatform rpi = new RpiBoardPlatform(jdkOnly, model("Raspberry Pi 4 Model B\0"));
            BoardException e = assertThrows(BoardException.class, rpi::newContext);
            assertEquals("raspberrypi", e.platform());
            assertTrue(e.getMessage().startsWith("platform raspberrypi: Pi4J provider class "
                    + "com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider is not available"),
                    e.getMessage());
        }
    }

    @Test
    void raspberryPiOnADesktopFailsClearlyWhenOpened() throws Exception {
        RpiBoardPlatform rpi = new RpiBoardPlatform(getClass().getClassLoader(), model("QEMU Virtual Machine"));
        BoardException e = assertThrows(BoardException.class, () -> Boards.open(rpi));
        assertEquals("platform raspberrypi: this machine is not a Raspberry Pi (" + dir.resolve("model")
                + ": 'QEMU Virtual Machine'), so Pi4J provider "
                + "com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider has no GPIO chip; "
                + "use platform 'mock' on a desktop", e.getMessage());
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
    void aRaspberryPiPlatformServiceWinsOverTheBuiltInOne() {
        BoardPlatform builtIn = new RpiBoardPlatform();
        BoardPlatform service = TestSupport.pi4jMock(28);
        assertSame(builtIn, BoardComponent.choosePlatform(Boards.RASPBERRY_PI, Map.of(), builtIn));
        assertSame(service, BoardComponent.choosePlatform(Boards.RASPBERRY_PI,
                Map.of(Boards.RASPBERRY_PI, service), builtIn));
        assertSame(service, BoardComponent.choosePlatform("linux", Map.of("linux", service), builtIn));
        assertNull(BoardComponent.choosePlatform("linux", Map.of(), builtIn));
    }

    @Test
    void fifoCapacityMustBePositive() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Boards.open(TestSupport.pi4jMock(28), 0));
        assertEquals("kdrv board: IRQ FIFO capacity must be at least 1, got 0", e.getMessage());
    }
}
