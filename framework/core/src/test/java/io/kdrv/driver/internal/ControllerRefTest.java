package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.Binding;
import io.kdrv.driver.ControllerRef;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.NodeKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The "<controller>:<n>" reference form: parsing, the board-file object form, getters and the binding check. */
class ControllerRefTest {

    @Test
    void parsesTheStoredForm() {
        assertEquals(new ControllerRef("expander0", 3), ControllerRef.parse("expander0:3"));
        assertEquals(new ControllerRef("pwm-ctl_1", 15), ControllerRef.parse(" pwm-ctl_1:15 "));
        assertEquals("expander0:3", new ControllerRef("expander0", 3).toString());
        assertEquals(Optional.empty(), ControllerRef.of("17"));
        assertEquals(Optional.empty(), ControllerRef.of(17));
        assertEquals(Optional.of(new ControllerRef("x", 0)), ControllerRef.of("x:0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ControllerRef.of("Exp:3"));
        assertEquals("'Exp:3' is not a controller reference of the form <controller>:<n> (e.g. expander0:3)",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ControllerRef.parse("expander0:-1"));
        assertThrows(IllegalArgumentException.class, () -> ControllerRef.parse("expander0:"));
        assertThrows(IllegalArgumentException.class, () -> new ControllerRef("expander0", -1));
    }

    private static BoardFile.Result load(String json) {
        return BoardFile.parse("test.json", json);
    }

    @Test
    void boardFileObjectsBecomeStrings() {
        BoardFile.Result r = load("""
                {"devices": [
                  {"name": "keys", "compatible": "gpio-keys",
                   "gpios": [17, {"controller": "expander0", "line": 3}], "gpio-flags": ["", "active-low"]},
                  {"name": "fan", "compatible": "pwm-fan", "pwms": [{"controller": "pwm0", "channel": 1}]}
                ]}
                """);
        assertEquals(List.of(), r.errors());
        assertArrayEquals(new String[] {"17", "expander0:3"}, (String[]) r.nodes().get(0).properties().get("gpios"));
        assertArrayEquals(new String[] {"pwm0:1"}, (String[]) r.nodes().get(1).properties().get("pwms"));
    }

    @Test
    void boardFileReferenceErrorsNameKeyAndEntry() {
        BoardFile.Result r = load("""
                {"devices": [
                  {"name": "a", "compatible": "x", "gpios": [{"controller": "e0", "line": 3, "flags": ["active-low"]}]},
                  {"name": "b", "compatible": "x", "gpios": [{"controller": "e0"}]},
                  {"name": "c", "compatible": "x", "gpios": [{"controller": "e0", "line": -1}]},
                  {"name": "d", "compatible": "x", "gpios": [{"line": 2}]}
                ]}
                """);
        assertEquals(0, r.nodes().size());
        String all = String.join("\n", r.errors());
        assertTrue(all.contains("devices[0] 'a': key 'gpios': entry 0: controller reference: unknown key 'flags'"), all);
        assertTrue(all.contains("devices[1] 'b': key 'gpios': entry 0: controller reference: give exactly one of"), all);
        assertTrue(all.contains("devices[2] 'c': key 'gpios': entry 0: controller reference: \"line\" must be an integer >= 0"), all);
        assertTrue(all.contains("devices[3] 'd': key 'gpios': entry 0: controller reference: \"controller\" must be"), all);
    }

    private static DeviceImpl device(Object gpios) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "keys");
        m.put("compatible", "gpio-keys");
        m.put("gpios", gpios);
        DeviceImpl d = new DeviceImpl(NodeData.of("pid0", m), () -> null, () -> Duration.ofSeconds(1), r -> { });
        d.controllers(new GpioControllers(n -> n.equals("expander0")));
        return d;
    }

    @Test
    void intArrayGetterNumbersReferences() {
        DeviceImpl d = device(new String[] {"17", "expander0:3", "expander1:0", "expander0:15"});
        // Bases by first use: expander0 -> 512, expander1 -> 768 (Linux-style global numbers).
        assertArrayEquals(new int[] {17, 515, 768, 527}, d.getIntArray("gpios"));
        assertArrayEquals(new int[] {515}, device(new String[] {"expander0:3"}).getIntArray("gpios"));
        DeviceConfigException e = assertThrows(DeviceConfigException.class,
                () -> device(new String[] {"17", "expander0:x"}).getIntArray("gpios"));
        assertEquals("device keys: key 'gpios': entry 1: 'expander0:x' is not a controller reference of the form "
                + "<controller>:<n> (e.g. expander0:3)", e.getMessage());
    }

    @Test
    void gpioNameIsTheBoardFileFormNotTheGlobalNumber() {
        DeviceImpl d = device(new String[] {"17", "expander0:3", "expander1:0"});
        assertEquals(List.of("17", "expander0:3", "expander1:0"),
                List.of(d.gpioName("gpios", 0), d.gpioName("gpios", 1), d.gpioName("gpios", 2)));
        assertEquals("4", device(new int[] {4, 5}).gpioName("gpios", 0), "no reference: the SoC number");
        DeviceConfigException range = assertThrows(DeviceConfigException.class, () -> d.gpioName("gpios", 3));
        assertEquals("device keys: key 'gpios': index 3 out of range: the key has 3 entries", range.getMessage());
    }

    @Test
    void bindingCheckAcceptsReferencesAndStillChecksSocLines() {
        Binding b = Binding.of(NodeKey.ofIntArray("gpios").required().min(0));
        assertEquals(List.of(), BindingCheck.check("keys", Map.of("gpios", new String[] {"17", "e0:3"}), b));
        List<DeviceConfigException> p = BindingCheck.check("keys", Map.of("gpios", new String[] {"-1", "e0:3"}), b);
        assertEquals("device keys: key 'gpios': entry 0 must be >= 0, got -1", p.get(0).getMessage());
        p = BindingCheck.check("keys", Map.of("gpios", new String[] {"e0:3", "nope"}), b);
        assertEquals("device keys: key 'gpios': entry 1: expected an integer (decimal or 0x hex), got String \"nope\"",
                p.get(0).getMessage());
    }
}
