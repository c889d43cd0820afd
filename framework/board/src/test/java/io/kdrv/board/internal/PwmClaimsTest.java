package io.kdrv.board.internal;

import static io.kdrv.board.internal.TestSupport.device;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pi4j.io.pwm.Pwm;
import com.pi4j.io.pwm.PwmPolarity;
import com.pi4j.plugin.mock.provider.pwm.MockPwmProvider;
import io.kdrv.board.BoardPlatform;
import io.kdrv.board.PwmInfo;
import io.kdrv.board.PwmProperties;
import io.kdrv.driver.PwmState;
import io.kdrv.driver.spi.Board.Handle;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** PWM claims of the board with Pi4J's own mock PWM provider, and on a platform that has none. */
@ExtendWith(TestSupport.NoKthreadLeaks.class)
@Timeout(30)
class PwmClaimsTest {
    private static BoardPlatform platform(boolean withPwm) {
        return withPwm ? TestSupport.pi4jMock(28, MockPwmProvider.newInstance()) : TestSupport.pi4jMock(28);
    }

    @Test
    void claimsAreExclusiveListedAndPassChipAndSettingsToPi4j() {
        try (PinBoard board = PinBoard.open(platform(true), 1024)) {
            Handle<Pwm> h = board.openPwm(device("fan0"), 1, 3, new PwmState(false, 25_000, 40, PwmPolarity.INVERSED));
            Pwm pwm = h.get();
            assertEquals(3, pwm.config().address());
            assertEquals(1, PwmProperties.chip(pwm.config()));
            assertEquals(25_000, pwm.config().frequency());
            assertEquals(40, pwm.config().dutyCycle());
            assertEquals(PwmPolarity.INVERSED, pwm.config().polarity());
            assertEquals(0, pwm.config().shutdownValue(), "off on release");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> board.openPwm(device("fan1"), 1, 3, new PwmState(false, 50, 0, PwmPolarity.NORMAL)));
            assertEquals("PWM chip 1 channel 3 is already claimed by device fan0", e.getMessage());
            pwm.on();
            assertEquals(List.of(new PwmInfo(1, 3, "fan0", true, 25_000, 40)), board.pwmChannels());
            String list = new GpioCommands(board, null).list();
            assertTrue(list.contains("pwm1:3 on 25000 Hz 40 % fan0\n"), list);

            h.close();
            assertFalse(pwm.isOn(), "turned off on release");
            assertEquals(List.of(), board.pwmChannels());
            assertFalse(board.pi4j().registry().exists("kdrv-pwm-1-3"), "Pi4J channel shut down");
            board.openPwm(device("fan1"), 1, 3, new PwmState(false, 50, 0, PwmPolarity.NORMAL)); // free again
        }
    }

    @Test
    void aPlatformWithoutPwmStillRunsGpioAndOnlyOpenPwmFailsNamingIt() {
        try (PinBoard board = PinBoard.open(platform(false), 1024)) {
            board.openOutput(device("led0"), 18);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> board.openPwm(device("fan0"), 0, 0, new PwmState(false, 50, 0, PwmPolarity.NORMAL)));
            assertTrue(e.getMessage().contains("platform mock has no PWM"), e.getMessage());
            assertEquals(1, board.lines().size());
        }
    }
}
