package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.LineConfig;
import io.kdrv.driver.LineConfig.Bias;
import io.kdrv.driver.LineConfig.Drive;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Line flags in node keys: {@link LineConfig#parse} and {@link DeviceImpl#gpioConfig}. */
class GpioConfigTest {

    private static DeviceImpl device(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "keys0");
        m.put("compatible", "gpio-keys");
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return new DeviceImpl(NodeData.of("pid0", m), () -> null, () -> Duration.ofSeconds(1), r -> { });
    }

    @Test
    void parsesEveryFlagWord() {
        assertEquals(LineConfig.DEFAULT, LineConfig.parse(""));
        assertEquals(new LineConfig(Bias.PULL_UP, Drive.PUSH_PULL, true, Duration.ZERO),
                LineConfig.parse("pull-up|active-low"));
        assertEquals(new LineConfig(Bias.DISABLED, Drive.OPEN_DRAIN, false, Duration.ofMillis(2)),
                LineConfig.parse(" BIAS-DISABLED + open-drain debounce-us=2000 "));
        assertEquals(Bias.PULL_DOWN, LineConfig.parse("pull-down | open-source").bias());
        assertEquals(Drive.OPEN_SOURCE, LineConfig.parse("pull-down | open-source").drive());
        LineConfig c = LineConfig.parse("pull-down|open-source|active-low|debounce-us=5");
        assertEquals(c, LineConfig.parse(c.toFlags()));
    }

    @Test
    void rejectsUnknownAndConflictingWords() {
        assertEquals("flags 'pull-up|pullup': unknown flag 'pullup' (valid: pull-up, pull-down, bias-disabled, "
                + "push-pull, open-drain, open-source, active-low, active-high, debounce-us=<n>)",
                assertThrows(IllegalArgumentException.class, () -> LineConfig.parse("pull-up|pullup")).getMessage());
        assertEquals("flags 'pull-up|pull-down': pull-up conflicts with pull-down",
                assertThrows(IllegalArgumentException.class, () -> LineConfig.parse("pull-up|pull-down")).getMessage());
        assertEquals("flags 'open-drain open-source': open-drain conflicts with open-source",
                assertThrows(IllegalArgumentException.class,
                        () -> LineConfig.parse("open-drain open-source")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> LineConfig.parse("active-low|active-high"));
        assertThrows(IllegalArgumentException.class, () -> LineConfig.parse("debounce-us=x"));
        assertThrows(IllegalArgumentException.class, () -> LineConfig.parse("debounce-us=1 debounce-us=2"));
    }

    @Test
    void flagsKeyFollowsTheLinesKey() {
        assertEquals("gpio-flags", LineConfig.flagsKey("gpios"));
        assertEquals("reset-gpio-flags", LineConfig.flagsKey("reset-gpios"));
        assertEquals("line-flags", LineConfig.flagsKey("line"));
    }

    @Test
    void oneEntryPerLineOrOneForAll() {
        DeviceImpl each = device("gpios", new int[] {17, 27}, "gpio-flags", new String[] {"pull-up|active-low", ""});
        assertEquals(LineConfig.parse("pull-up|active-low"), each.gpioConfig("gpios", 0));
        assertEquals(LineConfig.DEFAULT, each.gpioConfig("gpios", 1));
        // Configuration Admin may hold a single String: one entry for all lines
        DeviceImpl all = device("gpios", new int[] {17, 27}, "gpio-flags", "pull-down");
        assertEquals(Bias.PULL_DOWN, all.gpioConfig("gpios", 1).bias());
        assertEquals(LineConfig.DEFAULT, device("gpios", 4).gpioConfig("gpios", 0));
    }

    @Test
    void badFlagsNameDeviceAndKey() {
        DeviceConfigException e = assertThrows(DeviceConfigException.class,
                () -> device("gpios", 17, "gpio-flags", "pull-up|pull-down").gpioConfig("gpios", 0));
        assertEquals("keys0", e.device());
        assertEquals("gpio-flags", e.key());
        assertEquals("device keys0: key 'gpio-flags': flags 'pull-up|pull-down': pull-up conflicts with pull-down",
                e.getMessage());
        DeviceConfigException count = assertThrows(DeviceConfigException.class,
                () -> device("gpios", new int[] {1, 2, 3}, "gpio-flags", new String[] {"pull-up", "pull-down"})
                        .gpioConfig("gpios", 0));
        assertEquals("device keys0: key 'gpio-flags': 2 entries for 3 lines of 'gpios' (give one entry per line, "
                + "or one for all)", count.getMessage());
    }
}
