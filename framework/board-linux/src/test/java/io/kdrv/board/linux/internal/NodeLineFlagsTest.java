package io.kdrv.board.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import io.kdrv.board.LineProperties;
import io.kdrv.board.linux.LineConfig;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Line flags from a node key ({@code gpio-flags}) reach the GPIO v2 request: the board sends them as
 * {@link LineProperties}, the provider turns them into request flags and the debounce attribute.
 */
class NodeLineFlagsTest {

    private static long encodedFlags(LineConfig lc, int[] debounceOut) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cfg = arena.allocate(Uapi.LINE_CONFIG);
            Uapi.encodeConfig(cfg, lc.flags(), lc.direction() == LineConfig.Direction.OUTPUT
                    ? (lc.initialValue() ? 1 : 0) : -1, lc.debounceMicros());
            int n = cfg.get(ValueLayout.JAVA_INT, Uapi.CFG_NUM_ATTRS);
            for (int i = 0; i < n; i++) {
                long a = Uapi.CFG_ATTRS + 24L * i;
                if (cfg.get(ValueLayout.JAVA_INT, a) == Uapi.ATTR_ID_DEBOUNCE) {
                    debounceOut[0] = cfg.get(ValueLayout.JAVA_INT, a + 8);
                }
            }
            return cfg.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    @Test
    void inputFlagsBecomeBiasActiveLowAndDebounceAttribute() {
        Context ctx = Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook().build();
        try {
            io.kdrv.driver.LineConfig node = io.kdrv.driver.LineConfig.parse("pull-up|active-low|debounce-us=2500");
            DigitalInputConfig c = DigitalInput.newConfigBuilder(ctx).id("k").address(17).debounce(0L)
                    .load(LineProperties.toProperties(node)).build();
            LineConfig lc = LinuxDigitalInput.baseConfig(c);
            int[] debounce = {-1};
            assertEquals(Uapi.FLAG_INPUT | Uapi.FLAG_BIAS_PULL_UP | Uapi.FLAG_ACTIVE_LOW, encodedFlags(lc, debounce));
            assertEquals(2500, debounce[0]);

            DigitalInputConfig off = DigitalInput.newConfigBuilder(ctx).id("d").address(18).debounce(0L)
                    .load(LineProperties.toProperties(io.kdrv.driver.LineConfig.parse("bias-disabled"))).build();
            assertEquals(Uapi.FLAG_INPUT | Uapi.FLAG_BIAS_DISABLED, encodedFlags(LinuxDigitalInput.baseConfig(off),
                    new int[1]));
        } finally {
            ctx.shutdown();
        }
    }

    @Test
    void outputFlagsBecomeDriveBiasAndActiveLow() {
        io.kdrv.driver.LineConfig node = io.kdrv.driver.LineConfig.parse("open-drain|pull-up|active-low");
        LineConfig lc = PropertyKeys.apply(LineConfig.output(false), LineProperties.toProperties(node));
        assertEquals(Uapi.FLAG_OUTPUT | Uapi.FLAG_OPEN_DRAIN | Uapi.FLAG_BIAS_PULL_UP | Uapi.FLAG_ACTIVE_LOW,
                encodedFlags(lc, new int[1]));
        LineConfig source = PropertyKeys.apply(LineConfig.output(true),
                LineProperties.toProperties(io.kdrv.driver.LineConfig.parse("open-source|pull-down")));
        assertEquals(Uapi.FLAG_OUTPUT | Uapi.FLAG_OPEN_SOURCE | Uapi.FLAG_BIAS_PULL_DOWN,
                encodedFlags(source, new int[1]));
    }

    @Test
    void linuxKeysWinOverTheBoardsKeys() {
        LineConfig lc = PropertyKeys.apply(LineConfig.input(), Map.of(LineProperties.BIAS, "pull-up",
                PropertyKeys.BIAS, "pull-down"));
        assertEquals(LineConfig.Bias.PULL_DOWN, lc.bias());
    }
}
