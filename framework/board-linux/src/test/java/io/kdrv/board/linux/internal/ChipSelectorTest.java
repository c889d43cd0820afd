package io.kdrv.board.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.linux.ChipInfo;
import io.kdrv.board.linux.LinuxPlatforms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chip choice in a fake /dev: labels come from a map instead of the kernel. */
class ChipSelectorTest {
    @TempDir
    Path dev;

    private ChipSelector selector(Map<String, String> labels) throws Exception {
        for (String name : labels.keySet()) {
            Files.createFile(dev.resolve(name));
        }
        return new ChipSelector("raspberrypi", dev, p -> {
            String label = labels.get(p.getFileName().toString());
            return label == null ? Optional.empty()
                    : Optional.of(new ChipInfo(p, p.getFileName().toString(), label, 54));
        });
    }

    @Test
    void aPi5IsFoundByItsRp1LabelWhateverItsNumber() throws Exception {
        ChipSelector s = selector(Map.of("gpiochip0", "gpio-brcmstb@107d508500", "gpiochip4", "pinctrl-rp1",
                "gpiochip10", "gpio-brcmstb@107d517c00"));
        assertEquals(dev.resolve("gpiochip4"), s.byLabel(LinuxPlatforms.RASPBERRY_PI_LABELS, ""));
    }

    @Test
    void labelsArePreferredInListOrderNotChipOrder() throws Exception {
        ChipSelector s = selector(Map.of("gpiochip0", "pinctrl-bcm2835", "gpiochip1", "pinctrl-bcm2711"));
        assertEquals(dev.resolve("gpiochip1"), s.byLabel(LinuxPlatforms.RASPBERRY_PI_LABELS, ""));
    }

    @Test
    void noMatchingLabelNamesWhatWasAskedAndWhatIsThere() throws Exception {
        ChipSelector s = selector(Map.of("gpiochip0", "gpio-sim.0-node0", "gpiochip1", "INT34C5:00"));
        BoardException e = assertThrows(BoardException.class,
                () -> s.byLabel(LinuxPlatforms.RASPBERRY_PI_LABELS, " (model: 'QEMU')"));
        assertEquals("platform raspberrypi: no GPIO chip labelled pinctrl-rp1 or pinctrl-bcm2711 or pinctrl-bcm2835"
                + " (model: 'QEMU'); chips here: " + dev.resolve("gpiochip0") + " [gpio-sim.0-node0] (54 lines), "
                + dev.resolve("gpiochip1") + " [INT34C5:00] (54 lines)", e.getMessage());
    }

    @Test
    void configurationNamesAPathANameOrALabel() throws Exception {
        ChipSelector s = selector(Map.of("gpiochip0", "gpio-sim.0-node0", "gpiochip3", "pinctrl-bcm2711"));
        assertEquals(dev.resolve("gpiochip3"), s.select(dev.resolve("gpiochip3").toString()));
        assertEquals(dev.resolve("gpiochip3"), s.select("gpiochip3"));
        assertEquals(dev.resolve("gpiochip0"), s.select("gpio-sim.0-node0"));
        assertEquals("platform raspberrypi: GPIO chip " + dev.resolve("gpiochip9") + " does not exist; chips here: "
                        + dev.resolve("gpiochip0") + " [gpio-sim.0-node0] (54 lines), " + dev.resolve("gpiochip3")
                        + " [pinctrl-bcm2711] (54 lines)",
                assertThrows(BoardException.class, () -> s.select("gpiochip9")).getMessage());
        assertThrows(BoardException.class, () -> s.select("/nonexistent/gpiochip0"));
        assertThrows(BoardException.class, () -> s.select("no-such-label"));
        assertThrows(BoardException.class, () -> s.select(" "));
    }

    @Test
    void anEmptyDevDirectorySaysSo() throws Exception {
        ChipSelector s = selector(Map.of());
        assertEquals("platform raspberrypi: no GPIO chip labelled pinctrl-rp1 or pinctrl-bcm2711 or pinctrl-bcm2835;"
                + " chips here: none in " + dev, assertThrows(BoardException.class,
                        () -> s.byLabel(LinuxPlatforms.RASPBERRY_PI_LABELS, "")).getMessage());
    }

    @Test
    void platformsFailClearlyWhenTheirChipCannotBeOpened() throws Exception {
        Path model = dev.resolve("model");
        Files.writeString(model, "Raspberry Pi 4 Model B Rev 1.4\0");
        BoardPlatform rpi = LinuxPlatforms.raspberryPi(dev, model);
        assertEquals("raspberrypi", rpi.name());
        assertEquals(0, rpi.lineCount()); // no chip yet: nothing to count
        BoardException e = assertThrows(BoardException.class, rpi::newContext);
        assertEquals("platform raspberrypi: no GPIO chip labelled pinctrl-rp1 or pinctrl-bcm2711 or pinctrl-bcm2835"
                + " (model: 'Raspberry Pi 4 Model B Rev 1.4'); chips here: none in " + dev, e.getMessage());

        Files.createFile(dev.resolve("gpiochip0")); // exists, but is no character device
        BoardPlatform linux = LinuxPlatforms.chip("linux", "gpiochip0", dev);
        BoardException notAChip = assertThrows(BoardException.class, linux::newContext);
        assertEquals("platform linux: ENOTTY (not a GPIO/I2C character device (wrong ioctl for this file)): "
                + dev.resolve("gpiochip0") + " is not a GPIO character device (GPIO_GET_CHIPINFO_IOCTL failed)",
                notAChip.getMessage());
    }

    @Test
    void theLinuxComponentTakesConfigurationThenFrameworkPropertyThenGpiochip0() {
        assertEquals("gpio-sim.0-node0", LinuxPlatformComponent.chipSpec(" gpio-sim.0-node0 ", "gpiochip2"));
        assertEquals("gpiochip2", LinuxPlatformComponent.chipSpec("", "gpiochip2"));
        assertEquals("gpiochip0", LinuxPlatformComponent.chipSpec(null, null));
    }
}
