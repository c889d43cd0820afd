package io.kdrv.hwtest.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import io.kdrv.board.BoardException;
import io.kdrv.board.linux.GpioChip;
import io.kdrv.board.linux.GpioLineInfo;
import io.kdrv.board.linux.LineConfig;
import io.kdrv.board.linux.LineRequest;
import io.kdrv.hwtest.Rig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bias, drive, active-low and outputs, read back from line info and from gpio-sim. Lines 2, 3, 4, 9, 10, 11, 12. */
class LineConfigTest {
    @Test
    void biasIsAppliedAndReadBack() throws Exception {
        Rig.SimChip a = Rig.chipA();
        try (GpioChip chip = GpioChip.open(a.dev())) {
            try (LineRequest up = chip.request(2, LineConfig.input().withBias(LineConfig.Bias.PULL_UP), "hwtest-bias")) {
                assertEquals(LineConfig.Bias.PULL_UP, chip.lineInfo(2).bias());
                Rig.await(Duration.ofSeconds(10), "pull-up read as 1", up::getValue);
                assertEquals(1, a.value(2));
                up.reconfigure(up.config().withBias(LineConfig.Bias.PULL_DOWN));
                assertEquals(LineConfig.Bias.PULL_DOWN, chip.lineInfo(2).bias());
                Rig.await(Duration.ofSeconds(10), "pull-down read as 0", () -> !up.getValue());
            }
            try (LineRequest off = chip.request(3, LineConfig.input().withBias(LineConfig.Bias.DISABLED), "hwtest-bias")) {
                assertEquals(LineConfig.Bias.DISABLED, chip.lineInfo(3).bias());
            }
        }
    }

    @Test
    void outputValuesAreVisibleInGpioSim200Of200() {
        Rig.SimChip a = Rig.chipA();
        Context ctx = LinuxRig.chipAPlatform().newContext();
        try {
            DigitalOutput out = LinuxRig.output(ctx, 4, DigitalState.LOW);
            assertEquals(0, a.value(4));
            int seen = 0;
            for (int i = 0; i < 200; i++) {
                boolean high = i % 2 == 0;
                out.state(high ? DigitalState.HIGH : DigitalState.LOW);
                if (a.value(4) == (high ? 1 : 0)) {
                    seen++;
                }
            }
            assertEquals(200, seen);
            System.out.println("hwtest: output values visible in gpio-sim " + seen + "/200");
            try (GpioChip chip = GpioChip.open(a.dev())) {
                GpioLineInfo info = chip.lineInfo(4);
                assertEquals(LineConfig.Direction.OUTPUT, info.direction());
                assertEquals("hwtest-out4", info.consumer());
            }
        } finally {
            ctx.shutdown();
        }
    }

    @Test
    void driveAndOutputInitialValueAreRequested() {
        Rig.SimChip a = Rig.chipA();
        try (GpioChip chip = GpioChip.open(a.dev())) {
            try (LineRequest r = chip.request(11, LineConfig.output(true).withDrive(LineConfig.Drive.OPEN_SOURCE),
                    "hwtest-drive")) {
                assertEquals(LineConfig.Drive.OPEN_SOURCE, chip.lineInfo(11).drive());
                assertEquals(1, a.value(11)); // requested high: no glitch through low needed
                r.setValue(false);
            }
            try (LineRequest r = chip.request(11, LineConfig.output(false).withDrive(LineConfig.Drive.OPEN_DRAIN),
                    "hwtest-drive")) {
                assertEquals(LineConfig.Drive.OPEN_DRAIN, chip.lineInfo(11).drive());
            }
        }
    }

    @Test
    void activeLowInvertsValuesBothWays() throws Exception {
        Rig.SimChip a = Rig.chipA();
        try (GpioChip chip = GpioChip.open(a.dev())) {
            a.pull(9, true);
            try (LineRequest in = chip.request(9, LineConfig.input().withActiveLow(true), "hwtest-al")) {
                assertTrue(chip.lineInfo(9).activeLow());
                Rig.await(Duration.ofSeconds(10), "pulled up, active-low reads 0", () -> !in.getValue());
                a.pull(9, false);
                Rig.await(Duration.ofSeconds(10), "pulled down, active-low reads 1", in::getValue);
            }
            try (LineRequest out = chip.request(10, LineConfig.output(true).withActiveLow(true), "hwtest-al")) {
                assertEquals(0, a.value(10)); // logical 1 on an active-low line drives the wire low
                out.setValue(false);
                assertEquals(1, a.value(10));
            }
        }
    }

    @Test
    void aLineHeldElsewhereGivesTheClearEbusyError() throws Exception {
        Rig.SimChip a = Rig.chipA();
        // this process
        try (GpioChip chip = GpioChip.open(a.dev()); LineRequest held = chip.request(12, LineConfig.input(), "gpio-keys")) {
            BoardException e = assertThrows(BoardException.class,
                    () -> chip.request(12, LineConfig.input(), "hwtest"));
            assertEquals("platform linux: EBUSY: GPIO 12 on " + a.name() + " (pinctrl-bcm2711) is used by "
                    + "\"gpio-keys\" (this process)", e.getMessage());
        }
        // another process: libgpiod's gpioset holds the line until signalled
        Path log = Rig.tempFile();
        Process p = Rig.start(log, "gpioset", "--mode=signal", a.name(), "12=1");
        try (GpioChip chip = GpioChip.open(a.dev())) {
            Rig.await(Duration.ofSeconds(30), "gpioset holds GPIO 12", () -> chip.lineInfo(12).used());
            BoardException e = assertThrows(BoardException.class,
                    () -> chip.request(12, LineConfig.input(), "hwtest"));
            assertEquals("platform linux: EBUSY: GPIO 12 on " + a.name() + " (pinctrl-bcm2711) is used by "
                    + "\"gpioset\" (another process)", e.getMessage());
            System.out.println("hwtest: " + e.getMessage());
        } finally {
            p.destroy();
            p.waitFor();
        }
        try (GpioChip chip = GpioChip.open(a.dev())) {
            Rig.await(Duration.ofSeconds(30), "GPIO 12 free again", () -> !chip.lineInfo(12).used());
            assertFalse(chip.lineInfo(12).used());
        }
    }
}
