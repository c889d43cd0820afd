package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kdrv.driver.Binding;
import io.kdrv.driver.DeviceConfigException;
import io.kdrv.driver.DeviceInfo;
import io.kdrv.driver.DeviceState;
import io.kdrv.driver.NodeKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Node keys declared by drivers ({@link Binding}): checked before probe, defaults, listing. */
@Timeout(60)
class BindingTest extends CoreTestBase {
    static final NodeKey GPIOS = NodeKey.ofIntArray("gpios").required().min(0).description("lines");
    static final NodeKey POLL_MS = NodeKey.ofInt("poll-ms").defaultValue(1000).min(1).description("poll period");
    static final NodeKey CPU = NodeKey.ofInt("cpu").min(0);
    static final NodeKey LABELS = NodeKey.ofStringArray("labels").defaultValue(new String[0]);
    static final Binding BINDING = Binding.of(GPIOS, POLL_MS, CPU, LABELS, NodeKey.REG, NodeKey.I2C_BUS);

    static Stream<Arguments> misfits() {
        return Stream.of(
                Arguments.of(GPIOS, "17,x", "entry 1: expected an integer (decimal or 0x hex), got String \"x\""),
                Arguments.of(GPIOS, new int[] {4, -1}, "entry 1 must be >= 0, got -1"),
                Arguments.of(NodeKey.REG, "0x7g", "expected an integer (decimal or 0x hex), got String \"0x7g\""),
                Arguments.of(NodeKey.I2C_BUS, -1, "must be >= 0, got -1"),
                Arguments.of(CPU, 1.5, "expected an integer, got Double 1.5"),
                Arguments.of(POLL_MS, 0, "must be >= 1, got 0"),
                Arguments.of(GPIOS, null, "missing (gpios int[] >= 0, required: lines)"));
    }

    @ParameterizedTest
    @MethodSource("misfits")
    void aValueThatDoesNotFitItsKeyIsOneProblemNamingTheKey(NodeKey key, Object value, String expected) {
        assertEquals(expected, BindingCheck.problem(key, value));
    }

    @Test
    void aMisfitNodeFailsNamingDeviceAndKeyWithoutCallingProbe() {
        TestDriver d = newDriver("d/keys");
        d.binding = BINDING;
        register(d, "k");
        core.nodeUpdated("p1", node("k0", "k", "gpios", "17, x", "reg", 0x76));
        idle();
        DeviceInfo i = info("k0");
        assertEquals(DeviceState.FAILED, i.state());
        assertEquals("device k0: key 'gpios': entry 1: expected an integer (decimal or 0x hex), got String \"x\"",
                i.reason());
        assertEquals(List.of(), logMatching("probe k0"), "probe was not called");

        core.nodeUpdated("p1", node("k0", "k", "gpios", "17", "reg", 0x76)); // fixed: probed
        idle();
        assertEquals(DeviceState.BOUND, info("k0").state());
    }

    @Test
    void gettersWithoutADefaultReturnTheDeclaredDefault() {
        AtomicReference<Object[]> seen = new AtomicReference<>();
        TestDriver d = newDriver("d/keys");
        d.binding = BINDING;
        d.onProbe = dev -> {
            seen.set(new Object[] {dev.getInt("poll-ms"), dev.getLong("poll-ms"), dev.getStringArray("labels"),
                    dev.has("poll-ms"), dev.getInt("poll-ms", 7)});
            assertThrows(DeviceConfigException.class, () -> dev.getInt("cpu"), "no default declared: missing");
        };
        register(d, "k");
        core.nodeUpdated("p1", node("k0", "k", "gpios", new int[] {17}, "reg", "0x76"));
        idle();
        assertEquals(DeviceState.BOUND, info("k0").state(), info("k0").reason());
        Object[] v = seen.get();
        assertEquals(1000, v[0]);
        assertEquals(1000L, v[1]);
        assertArrayEquals(new String[0], (String[]) v[2]);
        assertEquals(false, v[3], "has() does not count declared defaults");
        assertEquals(7, v[4], "an explicit default wins when the node lacks the key");
    }

    @Test
    void driversListTheirDeclaredKeys() {
        TestDriver d = newDriver("d/keys");
        d.binding = BINDING;
        register(d, "k");
        driver("d/plain", "p");
        idle();
        Map<String, List<NodeKey>> keys = new java.util.TreeMap<>();
        core.drivers().forEach(i -> keys.put(i.id(), i.keys()));
        assertEquals(BINDING.keys(), keys.get("d/keys"));
        assertEquals(List.of(), keys.get("d/plain"));
        assertEquals("poll-ms int >= 1, default 1000: poll period", POLL_MS.toString());
    }

    @Test
    void undeclaredDriversGetNodesUnchecked() {
        driver("d/plain", "p");
        core.nodeUpdated("p1", node("p0", "p", "gpios", "not numbers"));
        idle();
        assertEquals(DeviceState.BOUND, info("p0").state());
        assertNull(info("p0").reason());
    }

    @Test
    void keyDeclarationsAreCheckedWhenWritten() {
        assertThrows(IllegalArgumentException.class, () -> NodeKey.ofInt("x").defaultValue("5"));
        assertThrows(IllegalStateException.class, () -> NodeKey.ofString("x").min(0));
        assertThrows(IllegalStateException.class, () -> NodeKey.ofInt("x").defaultValue(1).required());
        assertThrows(IllegalArgumentException.class, () -> NodeKey.ofString("compatible"));
        assertThrows(IllegalArgumentException.class, () -> Binding.of(NodeKey.ofInt("a"), NodeKey.ofLong("a")));
    }
}
