package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The node validation corpus: every malformed node gets a specific message naming the key. */
class NodeParserTest {

    private static Map<String, Object> node(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "button0");
        m.put("compatible", new String[] {"gpio-keys"});
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                m.remove((String) kv[i]);
            } else {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    private static final String RULE = " does not match [a-z0-9][a-z0-9_-]* (lower-case letters, digits, '_' and '-', starting with a letter or digit; no dots)";

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(node("name", null), "key 'name': missing (every node needs a unique name)"),
                Arguments.of(node("name", ""), "key 'name': must not be empty"),
                Arguments.of(node("name", 17), "key 'name': must be a String, got Integer 17"),
                Arguments.of(node("name", "my button"), "key 'name': \"my button\"" + RULE),
                Arguments.of(node("name", "a/b"), "key 'name': \"a/b\"" + RULE),
                // Felix Configuration Admin turns every dot of a PID into a directory: x.y and x..y share a file.
                Arguments.of(node("name", "x.y"), "key 'name': \"x.y\"" + RULE),
                Arguments.of(node("name", "x..y"), "key 'name': \"x..y\"" + RULE),
                Arguments.of(node("name", "Button0"), "key 'name': \"Button0\"" + RULE),
                Arguments.of(node("name", "-x"), "key 'name': \"-x\"" + RULE),
                // Control characters are escaped so the message stays one line and cannot forge another.
                Arguments.of(node("name", "b0\n[main] INFO forged"), "key 'name': \"b0\\n[main] INFO forged\"" + RULE),
                Arguments.of(node("name", "b\u0000\u001b[2J"), "key 'name': \"b\\u0000\\u001b[2J\"" + RULE),
                Arguments.of(node("name", "a".repeat(65)), "key 'name': \"" + "a".repeat(80).substring(0, 65)
                        + "\" is 65 characters long, at most 64 allowed"),
                Arguments.of(node("name", "a".repeat(300)), "key 'name': \"" + "a".repeat(80)
                        + "\"... (300 characters) is 300 characters long, at most 64 allowed"),
                Arguments.of(node("name", new String[] {"x"}), "key 'name': must be a String, got String[1]"),
                Arguments.of(node("compatible", null),
                        "key 'compatible': missing (a String or String[] naming the device, most specific first)"),
                Arguments.of(node("compatible", ""), "key 'compatible': must not be empty"),
                Arguments.of(node("compatible", new String[0]), "key 'compatible': must list at least one compatible string"),
                Arguments.of(node("compatible", List.of()), "key 'compatible': must list at least one compatible string"),
                Arguments.of(node("compatible", new String[] {"a", " "}), "key 'compatible': entry 1 is empty"),
                Arguments.of(node("compatible", new Object[] {"a", 5}),
                        "key 'compatible': entry 1 must be a String, got Integer 5"),
                Arguments.of(node("compatible", Arrays.asList("a", null)),
                        "key 'compatible': entry 1 must be a String, got null"),
                Arguments.of(node("compatible", 42), "key 'compatible': must be a String or String[], got Integer 42"),
                Arguments.of(node("compatible", new int[] {1}), "key 'compatible': must be a String or String[], got int[1]"),
                Arguments.of(node("driver", 3), "key 'driver': must be a String (a driver id), got Integer 3"),
                Arguments.of(node("driver", "  "), "key 'driver': must not be empty (omit the key to match by compatible)"));

    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedNodeGetsASpecificProblem(Map<String, Object> node, String expected) {
        assertEquals(List.of(expected), NodeParser.problemsOf(node));
    }

    @Test
    void corpusHasManyDistinctMessages() {
        List<String> all = new ArrayList<>();
        malformed().forEach(a -> all.add((String) a.get()[1]));
        assertTrue(all.stream().distinct().count() >= 15, all.toString());
    }

    @Test
    void validNodesInAllAcceptedForms() {
        assertEquals(List.of(), NodeParser.problemsOf(node()));
        assertEquals(List.of(), NodeParser.problemsOf(node("compatible", "bosch,bme280", "reg", "0x76", "i2c-bus", 1)));
        assertEquals(List.of(), NodeParser.problemsOf(node("compatible", List.of("a", "b"), "gpios", "17, 27",
                "driver", "bundle/comp", "cpu", "0", "poll-ms", 1000L, "service.pid", "kdrv.device~x")));
        assertEquals(List.of(), NodeParser.problemsOf(node("name", "env_0-a-b", "gpios", new Integer[] {1})));
    }

    @Test
    void longestNameIsAccepted() {
        assertEquals(List.of(), NodeParser.problemsOf(node("name", "a".repeat(64))));
        assertEquals(List.of(), NodeParser.problemsOf(node("name", "0_x-9")));
    }

    @Test
    void severalProblemsAreAllReported() {
        Map<String, Object> m = new HashMap<>();
        m.put("driver", 1);
        assertEquals(List.of("key 'name': missing (every node needs a unique name)",
                "key 'compatible': missing (a String or String[] naming the device, most specific first)",
                "key 'driver': must be a String (a driver id), got Integer 1"), NodeParser.problemsOf(m));
    }

    @Test
    void compatibleOfKeepsOrderAndTreatsAStringAsOneEntry() {
        assertEquals(List.of("bosch,bme280"), NodeParser.compatibleOf(node("compatible", "bosch,bme280")));
        assertEquals(List.of("a", "b"), NodeParser.compatibleOf(node("compatible", new String[] {"a", "b"})));
    }
}
