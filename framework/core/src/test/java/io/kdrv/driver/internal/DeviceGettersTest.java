package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DeviceState;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Typed getters of {@link DeviceImpl}: accepted forms, defaults, and errors naming device and key. */
class DeviceGettersTest {

    private static DeviceImpl device(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "dev0");
        m.put("compatible", new String[] {"acme,thing", "thing"});
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return new DeviceImpl(NodeData.of("pid0", m), () -> null, () -> Duration.ofSeconds(1), r -> { });
    }

    private static void assertBad(String expected, Consumer<DeviceImpl> call, DeviceImpl dev) {
        DeviceConfigException e = assertThrows(DeviceConfigException.class, () -> call.accept(dev));
        assertEquals(expected, e.getMessage());
        assertEquals("dev0", e.device());
    }

    @Test
    void identity() {
        DeviceImpl d = device("service.pid", "kdrv.device~x", "component.id", 7L);
        assertEquals("dev0", d.name());
        assertEquals(List.of("acme,thing", "thing"), d.compatible());
        assertEquals(DeviceState.UNBOUND, d.state());
        assertTrue(d.driverName().isEmpty());
        assertFalse(d.properties().containsKey("service.pid"), "framework keys are not node keys");
        assertThrows(UnsupportedOperationException.class, () -> d.properties().put("x", 1));
    }

    @Test
    void intsAcceptNumbersDecimalAndHexStrings() {
        DeviceImpl d = device("reg", "0x76", "neg", "-0x10", "dec", " 42 ", "long", 5L, "whole", 3.0, "int", 7);
        assertEquals(0x76, d.getInt("reg"));
        assertEquals(-16, d.getInt("neg"));
        assertEquals(42, d.getInt("dec"));
        assertEquals(5, d.getInt("long"));
        assertEquals(3, d.getInt("whole"));
        assertEquals(7, d.getInt("int"));
        assertEquals(9, d.getInt("absent", 9));
        assertEquals(0x76L, d.getLong("reg", 0));
        assertEquals(11L, d.getLong("absent", 11));
    }

    @Test
    void intErrorsNameDeviceKeyAndValue() {
        DeviceImpl d = device("addr", "0xZZ", "half", 1.5, "big", 1L << 40, "list", new int[] {1}, "empty", "");
        assertBad("device dev0: key 'addr': expected an integer (decimal or 0x hex), got String \"0xZZ\"",
                x -> x.getInt("addr"), d);
        assertBad("device dev0: key 'half': expected an integer, got Double 1.5", x -> x.getInt("half"), d);
        assertBad("device dev0: key 'big': value 1099511627776 does not fit in an int", x -> x.getInt("big"), d);
        assertBad("device dev0: key 'list': expected an integer, got int[1]", x -> x.getInt("list"), d);
        assertBad("device dev0: key 'empty': expected an integer (decimal or 0x hex), got String \"\"",
                x -> x.getInt("empty"), d);
        assertBad("device dev0: key 'missing': missing", x -> x.getInt("missing"), d);
        assertBad("device dev0: key 'half': expected an integer, got Double 1.5", x -> x.getInt("half", 0), d);
    }

    @Test
    void intArraysFromArraysListsScalarsAndCommaStrings() {
        DeviceImpl d = device("a", new int[] {17, 27}, "b", new Integer[] {1, 2}, "c", List.of(3, "0x4"),
                "d", 5, "e", "6, 0x07 ,8", "f", new long[] {9L}, "g", new String[] {"10", "0xb"});
        assertArrayEquals(new int[] {17, 27}, d.getIntArray("a"));
        assertArrayEquals(new int[] {1, 2}, d.getIntArray("b"));
        assertArrayEquals(new int[] {3, 4}, d.getIntArray("c"));
        assertArrayEquals(new int[] {5}, d.getIntArray("d"));
        assertArrayEquals(new int[] {6, 7, 8}, d.getIntArray("e"));
        assertArrayEquals(new int[] {9}, d.getIntArray("f"));
        assertArrayEquals(new int[] {10, 11}, d.getIntArray("g"));
    }

    @Test
    void intArrayErrorsNameTheEntry() {
        DeviceImpl d = device("a", new String[] {"1", "x"}, "b", "1,,2", "c", true, "d", new double[] {1.0, 2.5});
        assertBad("device dev0: key 'a': entry 1: expected an integer (decimal or 0x hex), got String \"x\"",
                x -> x.getIntArray("a"), d);
        assertBad("device dev0: key 'b': empty entry in comma-separated list String \"1,,2\"",
                x -> x.getIntArray("b"), d);
        assertBad("device dev0: key 'c': entry 0: expected an integer, got Boolean true", x -> x.getIntArray("c"), d);
        assertBad("device dev0: key 'd': entry 1: expected an integer, got Double 2.5", x -> x.getIntArray("d"), d);
        assertBad("device dev0: key 'none': missing", x -> x.getIntArray("none"), d);
    }

    @Test
    void stringsBooleansDoubles() {
        DeviceImpl d = device("label", "Enter", "on", "TRUE", "off", false, "gain", "1.5", "ratio", 2,
                "names", "a, b", "list", List.of("x", "y"), "arr", new String[] {"p"});
        assertEquals("Enter", d.getString("label"));
        assertEquals("dflt", d.getString("absent", "dflt"));
        assertTrue(d.getBoolean("on", false));
        assertFalse(d.getBoolean("off", true));
        assertTrue(d.getBoolean("absent", true));
        assertEquals(1.5, d.getDouble("gain", 0));
        assertEquals(2.0, d.getDouble("ratio", 0));
        assertEquals(0.25, d.getDouble("absent", 0.25));
        assertArrayEquals(new String[] {"a", "b"}, d.getStringArray("names"));
        assertArrayEquals(new String[] {"x", "y"}, d.getStringArray("list"));
        assertArrayEquals(new String[] {"p"}, d.getStringArray("arr"));
        assertArrayEquals(new String[0], d.getStringArray("absent", new String[0]));
        assertBad("device dev0: key 'absent': missing", x -> x.getStringArray("absent"), d);
    }

    @Test
    void wrongTypesForStringsBooleansDoubles() {
        DeviceImpl d = device("n", 5, "yes", "yes", "gain", "fast", "mixed", new Object[] {"a", 1});
        assertBad("device dev0: key 'n': expected a String, got Integer 5", x -> x.getString("n"), d);
        assertBad("device dev0: key 'n': expected a String, got Integer 5", x -> x.getString("n", "d"), d);
        assertBad("device dev0: key 'yes': expected a boolean (true/false), got String \"yes\"",
                x -> x.getBoolean("yes", false), d);
        assertBad("device dev0: key 'gain': expected a number, got String \"fast\"", x -> x.getDouble("gain", 0), d);
        assertBad("device dev0: key 'mixed': entry 1: expected a String, got Integer 1",
                x -> x.getStringArray("mixed"), d);
        assertBad("device dev0: key 'missing': missing", x -> x.getString("missing"), d);
    }

    @Test
    void propertiesAreACopy() {
        int[] gpios = {17};
        DeviceImpl d = device("gpios", gpios);
        gpios[0] = 99;
        ((int[]) d.properties().get("gpios"))[0] = 98;
        assertArrayEquals(new int[] {17}, d.getIntArray("gpios"));
    }

    @Test
    void resourceMethodsOutsideProbeAreRefused() {
        DeviceImpl d = device("gpios", 17);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.gpioInput("gpios"));
        assertEquals("device dev0: gpioInput is only allowed while the device is probing or bound (state UNBOUND)",
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> d.createWorker("w"));
        assertThrows(IllegalStateException.class, () -> d.addAction(() -> { }));
    }
}
