package io.kdrv.drivers.ledsgpio.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BlinkPatternTest {
    private static Duration ms(long ms) {
        return Duration.ofMillis(ms);
    }

    @Test
    void timerIsOnThenOff() {
        BlinkPattern p = BlinkPattern.timer(ms(100), ms(300));
        assertEquals(ms(400), p.period());
        assertEquals(List.of(new BlinkPattern.Segment(true, ms(0), ms(100)),
                new BlinkPattern.Segment(false, ms(100), ms(300))), p.segments());
        assertEquals(1, p.flashesPerCycle());
        assertTrue(p.onAt(ms(0)));
        assertTrue(p.onAt(ms(99)));
        assertFalse(p.onAt(ms(100)));
        assertFalse(p.onAt(ms(399)));
        assertTrue(p.onAt(ms(400)));   // next cycle
        assertTrue(p.onAt(ms(4050)));  // 4050 % 400 = 50
    }

    @Test
    void heartbeatIsLinuxDoubleBlink() {
        BlinkPattern p = BlinkPattern.heartbeat(ms(1000));
        // on 70, off 250-70, on 70, off 1000-250-70
        assertEquals(List.of(new BlinkPattern.Segment(true, ms(0), ms(70)),
                new BlinkPattern.Segment(false, ms(70), ms(180)),
                new BlinkPattern.Segment(true, ms(250), ms(70)),
                new BlinkPattern.Segment(false, ms(320), ms(680))), p.segments());
        assertEquals(ms(1000), p.period());
        assertEquals(2, p.flashesPerCycle());
        assertTrue(p.onAt(ms(10)));
        assertFalse(p.onAt(ms(100)));
        assertTrue(p.onAt(ms(260)));
        assertFalse(p.onAt(ms(500)));
    }

    @Test
    void heartbeatDefaultPeriodMatchesLinuxAtZeroLoad() {
        assertEquals(1260, LedsGpioDriver.DEFAULT_HEARTBEAT_MS);
        BlinkPattern p = BlinkPattern.heartbeat(ms(LedsGpioDriver.DEFAULT_HEARTBEAT_MS));
        assertEquals(ms(1260), p.period());
        assertEquals(ms(315), p.segments().get(2).offset()); // second beat at a quarter period
    }

    @Test
    void rejectsDegeneratePatterns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BlinkPattern.heartbeat(ms(280)));
        assertTrue(e.getMessage().contains("280"), e.getMessage());
        BlinkPattern.heartbeat(ms(284)); // quarter = 71 ms > 70 ms: fine
        assertThrows(IllegalArgumentException.class, () -> BlinkPattern.timer(ms(0), ms(10)));
        assertThrows(IllegalArgumentException.class, () -> BlinkPattern.timer(ms(10), ms(-1)));
    }

    @Test
    void triggerNamesAreCaseInsensitiveAndListed() {
        assertEquals(Trigger.HEARTBEAT, Trigger.byName(" HeartBeat ").orElseThrow());
        assertEquals(Trigger.DEFAULT_ON, Trigger.byName("default-on").orElseThrow());
        assertTrue(Trigger.byName("disco").isEmpty());
        assertEquals("none, default-on, timer, heartbeat", Trigger.allowed());
    }
}
