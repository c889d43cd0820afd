package io.kdrv.web.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesValuesEscapedAndNaNAsNull() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "a\"b\\c\n</script>");
        m.put("n", 3L);
        m.put("d", 2.5);
        m.put("nan", Double.NaN);
        m.put("b", true);
        m.put("l", List.of(1, "x"));
        m.put("a", new long[] {1, 2});
        m.put("z", null);
        assertEquals("{\"s\":\"a\\\"b\\\\c\\n\\u003c/script>\",\"n\":3,\"d\":2.5,\"nan\":null,\"b\":true,"
                + "\"l\":[1,\"x\"],\"a\":[1,2],\"z\":null}", Json.write(m));
    }

    @Test
    void parsesObjects() {
        Object v = Json.parse(" {\"driver\": \"a/b\", \"n\": -12, \"f\": 1.5e2, \"x\": [true, null, {}], \"u\": \"\\u00e9\"} ");
        assertEquals(Map.of("driver", "a/b", "n", -12L, "f", 150.0, "x", java.util.Arrays.asList(true, null, Map.of()),
                "u", "é"), v);
    }

    @Test
    void malformedInputNamesTheOffset() {
        for (String bad : new String[] {"{\"a\": ", "{\"a\" 1}", "{a:1}", "[1,]", "{\"a\":1} x", "\"open", "tru",
                "{\"a\":1,\"a\":2}", "01x", "", "[".repeat(40)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("malformed JSON at offset "), e.getMessage());
        }
    }
}
