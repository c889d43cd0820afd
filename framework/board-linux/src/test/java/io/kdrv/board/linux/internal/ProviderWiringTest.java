package io.kdrv.board.linux.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.IOType;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalInputConfig;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.io.i2c.I2C;
import io.kdrv.board.BoardException;
import io.kdrv.board.linux.LineConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderWiringTest {
    @TempDir
    Path dev;

    private Context context() {
        SharedChip noChip = new SharedChip(null, 2);
        return Pi4J.newContextBuilder().noAutoDetect().disableShutdownHook()
                .add(new LinuxDigitalInputProvider("linux", noChip), new LinuxDigitalOutputProvider("linux", noChip),
                        new LinuxI2CProvider("linux", dev.toString()))
                .build();
    }

    @Test
    void theContextHasOneKdrvProviderPerIoType() {
        Context ctx = context();
        try {
            assertInstanceOf(LinuxDigitalInputProvider.class, ctx.providers().get(IOType.DIGITAL_INPUT));
            assertInstanceOf(LinuxDigitalOutputProvider.class, ctx.providers().get(IOType.DIGITAL_OUTPUT));
            assertInstanceOf(LinuxI2CProvider.class, ctx.providers().get(IOType.I2C));
            assertEquals("linux-digital-input", ctx.providers().get(IOType.DIGITAL_INPUT).id());
        } finally {
            ctx.shutdown();
        }
    }

    @Test
    void anI2cDeviceOnAMissingBusFailsNamingIt() {
        Context ctx = context();
        try {
            LinuxI2CProvider p = ctx.providers().get(IOType.I2C);
            BoardException e = assertThrows(BoardException.class,
                    () -> p.create(I2C.newConfigBuilder(ctx).id("x").bus(3).device(0x76).build()));
            assertEquals("platform linux: ENOENT (no such file): I2C bus 3 address 0x76: cannot open " + dev + "/i2c-3",
                    e.getMessage());
        } finally {
            ctx.shutdown();
        }
    }

    @Test
    void pi4jPullAndDebounceBecomeKernelBiasAndDebounceAndLinuxKeysWin() {
        Context ctx = context();
        try {
            DigitalInputConfig c = DigitalInput.newConfigBuilder(ctx).id("a").address(17)
                    .pull(PullResistance.PULL_UP).debounce(3000L).build();
            LineConfig lc = LinuxDigitalInput.baseConfig(c);
            assertEquals(LineConfig.Bias.PULL_UP, lc.bias());
            assertEquals(Duration.ofMillis(3), lc.debounce());

            DigitalInputConfig none = DigitalInput.newConfigBuilder(ctx).id("b").address(17).debounce(0L).build();
            assertEquals(LineConfig.Bias.AS_IS, LinuxDigitalInput.baseConfig(none).bias());
            assertEquals(Duration.ZERO, LinuxDigitalInput.baseConfig(none).debounce());
        } finally {
            ctx.shutdown();
        }
        LineConfig keyed = PropertyKeys.apply(LineConfig.input(), Map.of(PropertyKeys.BIAS, "pull-down",
                PropertyKeys.ACTIVE_LOW, "true", PropertyKeys.DEBOUNCE_US, "1500", PropertyKeys.EVENT_BUFFER_SIZE, "256"));
        assertEquals(LineConfig.input().withBias(LineConfig.Bias.PULL_DOWN).withActiveLow(true)
                .withDebounce(Duration.ofNanos(1_500_000)).withEventBufferSize(256), keyed);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PropertyKeys.apply(LineConfig.output(false), Map.of(PropertyKeys.DRIVE, "tri-state")));
        assertEquals("invalid linux.drive 'tri-state' (valid: push-pull, open-drain, open-source)", e.getMessage());
    }
}
