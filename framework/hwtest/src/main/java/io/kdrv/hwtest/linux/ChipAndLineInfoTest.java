package io.kdrv.hwtest.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import io.kdrv.board.BoardException;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.linux.ChipInfo;
import io.kdrv.board.linux.GpioChip;
import io.kdrv.board.linux.GpioLineInfo;
import io.kdrv.board.linux.LineConfig;
import io.kdrv.board.linux.LineRequest;
import io.kdrv.board.linux.LinuxPlatforms;
import io.kdrv.hwtest.Rig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Chip info, line names, label-based platform choice, closed lines are unused, bad chips fail clearly. */
class ChipAndLineInfoTest {
    @Test
    void chipInfoAndLineNamesComeFromTheKernel() {
        Rig.SimChip a = Rig.chipA();
        try (GpioChip chip = GpioChip.open(a.dev())) {
            ChipInfo info = chip.info();
            assertEquals(a.name(), info.name());
            assertEquals("pinctrl-bcm2711", info.label());
            assertEquals(28, info.lines());
            for (int i = 0; i < 28; i++) {
                assertEquals("GPIO" + i, chip.lineInfo(i).name());
            }
            assertThrows(IllegalArgumentException.class, () -> chip.lineInfo(28));
        }
        Rig.SimChip b = Rig.chipB();
        try (GpioChip chip = GpioChip.open(b.dev())) {
            assertEquals("kdrv-sim-b", chip.info().label());
            assertEquals(8, chip.info().lines());
            assertEquals("B3", chip.lineInfo(3).name());
            assertEquals("", chip.lineInfo(4).name());
        }
    }

    @Test
    void theRaspberryPiPlatformFindsTheChipLabelledLikeAPi4() {
        BoardPlatform rpi = LinuxPlatforms.raspberryPi();
        Context ctx = rpi.newContext();
        try {
            assertEquals(28, rpi.lineCount());
            assertTrue(rpi.toString().contains(Rig.chipA().dev().toString()), rpi.toString());
        } finally {
            ctx.shutdown();
        }
        BoardPlatform byLabel = LinuxPlatforms.chip("kdrv-sim-b");
        assertEquals(8, byLabel.lineCount());
    }

    @Test
    void closedLinesShowAsUnused() {
        try (GpioChip chip = GpioChip.open(Rig.chipA().dev())) {
            LineRequest r = chip.request(13, LineConfig.input(), "hwtest-closed");
            GpioLineInfo held = chip.lineInfo(13);
            assertTrue(held.used());
            assertEquals("hwtest-closed", held.consumer());
            r.close();
            GpioLineInfo free = chip.lineInfo(13);
            assertFalse(free.used());
            assertEquals("", free.consumer());
        }
        // Lines of a Pi4J context are released when it shuts down.
        Context ctx = LinuxRig.chipAPlatform().newContext();
        LinuxRig.input(ctx, 13);
        LinuxRig.output(ctx, 14, com.pi4j.io.gpio.digital.DigitalState.LOW);
        try (GpioChip chip = GpioChip.open(Rig.chipA().dev())) {
            assertTrue(chip.lineInfo(13).used());
            assertEquals("hwtest-in13", chip.lineInfo(13).consumer());
            ctx.shutdown();
            assertFalse(chip.lineInfo(13).used());
            assertFalse(chip.lineInfo(14).used());
        }
    }

    @Test
    void aChipThatDoesNotExistOrALabelNobodyHasFailsNamingWhatWasAsked() {
        BoardException e = assertThrows(BoardException.class,
                () -> LinuxPlatforms.chip("linux", "gpiochip9", Path.of("/dev")).newContext());
        assertTrue(e.getMessage().startsWith("platform linux: GPIO chip /dev/gpiochip9 does not exist; chips here: "
                + "/dev/gpiochip0 [pinctrl-bcm2711] (28 lines)"), e.getMessage());
        BoardException l = assertThrows(BoardException.class, () -> LinuxPlatforms.chip("no-such-label").newContext());
        assertTrue(l.getMessage().contains("no GPIO chip labelled no-such-label"), l.getMessage());
        System.out.println("hwtest: " + e.getMessage());
    }
}
