package io.kdrv.driver.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** JSON parsing with line numbers, and board files: conversion, validation, errors naming file/line/node/key. */
class BoardFileTest {

    // ------------------------------------------------------------------------------------------------ JSON

    @Test
    void jsonValues() throws Exception {
        Object v = Json.parse("""
                {"s": "a\\"b\\u00e9\\n", "i": -12, "big": 12345678901, "d": 1.5e2, "t": true, "f": false,
                 "n": null, "a": [1, "x", []], "o": {}}
                """);
        Json.Obj o = assertInstanceOf(Json.Obj.class, v);
        assertEquals("a\"b\u00e9\n", o.get("s"));
        assertEquals(-12L, o.get("i"));
        assertEquals(12345678901L, o.get("big"));
        assertEquals(150.0, o.get("d"));
        assertEquals(true, o.get("t"));
        assertEquals(false, o.get("f"));
        assertTrue(o.containsKey("n"));
        assertEquals(List.of(1L, "x", List.of()), o.get("a"));
        assertEquals(Map.of(), o.get("o"));
        assertEquals(2, o.lineOf("n"));
    }

    private static String jsonError(String text) {
        return assertThrows(Json.ParseException.class, () -> Json.parse(text)).getMessage();
    }

    @Test
    void jsonErrorsNameLineAndColumn() {
        assertEquals("line 3, column 3: expected ',' or '}' in object starting on line 1, got '\"'",
                jsonError("{\n  \"a\": 1\n  \"b\": 2\n}"));
        assertEquals("line 2, column 7: unexpected end of file: expected a value", jsonError("{\n \"a\": "));
        assertEquals("line 1, column 7: leading zeros are not allowed in numbers (write hex addresses as strings, "
                + "e.g. \"0x76\")", jsonError("{\"a\": 076}"));
        assertEquals("line 1, column 8: unexpected 'x' in a number (hex values must be strings, e.g. \"0x76\")",
                jsonError("{\"a\": 0x76}"));
        assertEquals("line 2, column 1: duplicate key \"a\" (first on line 1)", jsonError("{\"a\": 1,\n\"a\": 2}"));
        assertEquals("line 1, column 2: expected a key in double quotes, got '''", jsonError("{'a': 1}"));
        assertEquals("line 1, column 10: unexpected ',' after the end of the document", jsonError("{\"a\": 1} ,"));
        assertEquals("line 1, column 9: unterminated string", jsonError("{\"a\": \"x"));
        assertEquals("line 1, column 6: expected ',' or ']' in array starting on line 1, got '}'", jsonError("[1, 2}"));
        assertEquals("line 1, column 3: empty document: expected a JSON value", jsonError("  "));
        assertEquals("line 1, column 9: invalid escape \\q", jsonError("{\"a\": \"\\q\"}"));
        assertEquals("line 1, column 2: unexpected 't': expected a value", jsonError("[tru]"));
        assertEquals("line 1, column 7: unexpected ',': expected a value (object, array, string, number, true, "
                + "false or null)", jsonError("[1, 2,,]"));
    }

    // ------------------------------------------------------------------------------------------------ board files

    private static final String VALID = """
            {
              "devices": [
                {"name": "button0", "compatible": ["gpio-keys"], "gpios": [17], "debounce-ms": 5,
                 "label": "Enter"},
                {"name": "env0", "compatible": ["bosch,bme280"], "i2c-bus": 1, "reg": "0x76",
                 "poll-ms": 1000, "gain": 1.5, "flags": [true, false], "big": 5000000000},
                {"name": "led0", "compatible": "gpio-leds", "gpios": [22, 23], "names": ["a", "b"], "none": []}
              ]
            }
            """;

    @Test
    void validBoardFile() {
        BoardFile.Result r = BoardFile.parse("board.json", VALID);
        assertEquals(List.of(), r.errors());
        assertEquals(List.of(), r.warnings());
        assertFalse(r.malformed());
        assertEquals(List.of("button0", "env0", "led0"), r.nodes().stream().map(BoardFile.Node::name).toList());
        assertEquals(List.of(3, 5, 7), r.nodes().stream().map(BoardFile.Node::line).toList());
        Map<String, Object> b = r.nodes().get(0).properties();
        assertArrayEquals(new String[] {"gpio-keys"}, (String[]) b.get("compatible"));
        assertArrayEquals(new int[] {17}, (int[]) b.get("gpios"));
        assertEquals(5, b.get("debounce-ms"));
        Map<String, Object> e = r.nodes().get(1).properties();
        assertEquals(1.5, e.get("gain"));
        assertEquals("0x76", e.get("reg"));
        assertEquals(5000000000L, e.get("big"));
        assertArrayEquals(new boolean[] {true, false}, (boolean[]) e.get("flags"));
        Map<String, Object> l = r.nodes().get(2).properties();
        assertEquals("gpio-leds", l.get("compatible"));
        assertArrayEquals(new String[] {"a", "b"}, (String[]) l.get("names"));
        assertArrayEquals(new String[0], (String[]) l.get("none"));
        for (BoardFile.Node n : r.nodes()) {
            assertEquals(List.of(), NodeParser.problemsOf(n.properties()), "board nodes are valid nodes");
        }
    }

    @Test
    void malformedJsonLoadsNothingAndNamesTheLine() {
        BoardFile.Result r = BoardFile.parse("board.json", """
                {
                  "devices": [
                    {"name": "button0", "compatible": ["gpio-keys"] "gpios": [17]}
                  ]
                }
                """);
        assertTrue(r.malformed());
        assertEquals(List.of(), r.nodes());
        assertEquals(List.of("board file board.json: malformed JSON at line 3, column 53: expected ',' or '}' in "
                + "object starting on line 3, got '\"'; no device loaded"), r.errors());
    }

    @Test
    void invalidNodesAreSkippedWithFileLineNodeAndKeyAndValidOnesStillLoad() {
        BoardFile.Result r = BoardFile.parse("b.json", """
                {
                  "platform": "mock",
                  "devices": [
                    {"name": "ok0", "compatible": ["gpio-keys"], "gpios": [17]},
                    {"name": "bad name", "compatible": ["gpio-keys"]},
                    {"name": "nested", "compatible": ["x"],
                     "opts": {"a": 1}},
                    {"name": "mixed", "compatible": ["x"], "gpios": [1, "2"]},
                    {"name": "nulls", "compatible": ["x"], "label": null},
                    {"name": "drv", "compatible": ["x"],
                     "driver": 5},
                    {"name": "ok0", "compatible": ["x"]},
                    {"name": "svc", "compatible": ["x"], "service.pid": "p"},
                    42,
                    {"name": "ok1", "compatible": "y"}
                  ],
                  "extra": 1
                }
                """);
        assertFalse(r.malformed());
        assertEquals(List.of("ok0", "ok1"), r.nodes().stream().map(BoardFile.Node::name).toList());
        assertEquals(List.of(
                "board file b.json line 2: top-level key \"platform\" ignored: the platform is chosen by configuration "
                        + "kdrv.board key 'platform' (or framework property kdrv.board.platform), not by a board file",
                "board file b.json line 17: unknown top-level key \"extra\" ignored (a board file has only \"devices\")"),
                r.warnings());
        assertEquals(List.of(
                "board file b.json line 5: devices[1] 'bad name': key 'name': \"bad name\" does not match [a-z0-9][a-z0-9_-]* (lower-case letters, digits, '_' and '-', starting with a letter or digit; no dots)",
                "board file b.json line 5: devices[1] 'bad name' skipped",
                "board file b.json line 7: devices[2] 'nested': key 'opts': nested objects are not supported as node values",
                "board file b.json line 6: devices[2] 'nested' skipped",
                "board file b.json line 8: devices[3] 'mixed': key 'gpios': entry 1: array mixes a number and a string",
                "board file b.json line 8: devices[3] 'mixed' skipped",
                "board file b.json line 9: devices[4] 'nulls': key 'label': null is not allowed (omit the key instead)",
                "board file b.json line 9: devices[4] 'nulls' skipped",
                "board file b.json line 11: devices[5] 'drv': key 'driver': must be a String (a driver id), got Integer 5",
                "board file b.json line 10: devices[5] 'drv' skipped",
                "board file b.json line 12: devices[6] 'ok0': key 'name': duplicate name 'ok0' (first on line 4)",
                "board file b.json line 12: devices[6] 'ok0' skipped",
                "board file b.json line 13: devices[7] 'svc': key 'service.pid': reserved key, not allowed in a board file",
                "board file b.json line 13: devices[7] 'svc' skipped",
                "board file b.json line 14: devices[8] must be an object, got a number; skipped"), r.errors());
        assertEquals(Set.of("bad name", "nested", "mixed", "nulls", "drv", "ok0", "svc"), r.invalidNames());
    }

    @Test
    void documentShapeErrors() {
        assertEquals(List.of("board file f line 1: the document must be an object {\"devices\": [...]}, got an array"),
                BoardFile.parse("f", "[]").errors());
        assertEquals(List.of("board file f line 1: missing \"devices\" array; no device loaded"),
                BoardFile.parse("f", "{}").errors());
        assertEquals(List.of("board file f line 1: \"devices\" must be an array, got an object; no device loaded"),
                BoardFile.parse("f", "{\"devices\": {}}").errors());
        BoardFile.Result p = BoardFile.parse("f", "{\"platform\": 3, \"devices\": []}");
        assertEquals(List.of(), p.errors());
        assertEquals(1, p.warnings().size(), p.warnings().toString());
    }

    @Test
    void readsFilesAndReportsUnreadableOnes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("board.json");
        Files.writeString(f, VALID);
        assertEquals(3, BoardFile.read(f).nodes().size());
        BoardFile.Result missing = BoardFile.read(dir.resolve("nope.json"));
        assertTrue(missing.malformed());
        assertTrue(missing.errors().getFirst().startsWith("board file " + dir.resolve("nope.json") + ": cannot read"),
                missing.errors().toString());
    }

    @Test
    void onlyRegularFilesWithinTheSizeLimitAreRead(@TempDir Path dir) throws Exception {
        BoardFile.Result d = BoardFile.read(dir);
        assertTrue(d.malformed());
        assertEquals(List.of("board file " + dir + ": not a regular file (a directory); not read"), d.errors());

        Path big = dir.resolve("big.json");
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(big.toFile(), "rw")) {
            raf.setLength(100L << 20); // sparse: 100 MB on paper, nothing on disk
        }
        BoardFile.Result b = BoardFile.read(big);
        assertTrue(b.malformed());
        assertEquals(List.of("board file " + big + ": 104857600 bytes, larger than the limit of 1048576 bytes "
                + "(kdrv.boardfile max.bytes); not read"), b.errors());

        Path small = dir.resolve("small.json");
        Files.writeString(small, VALID);
        assertTrue(BoardFile.read(small, 10).errors().getFirst().contains("larger than the limit of 10 bytes"));
        Path link = dir.resolve("link.json");
        Files.createSymbolicLink(link, small);
        assertEquals(3, BoardFile.read(link).nodes().size(), "a symbolic link to a regular file is fine");
    }

    @Test
    void namesAndKeysAreEscapedInMessages() {
        BoardFile.Result r = BoardFile.parse("f", """
                {"devices": [{"name": "a\\nforged", "compatible": "x", "k\\u001bey": 1}], "x\\u0000": 1}
                """);
        assertTrue(r.nodes().isEmpty());
        List<String> all = new java.util.ArrayList<>(r.errors());
        all.addAll(r.warnings());
        assertEquals(3, all.size(), all.toString());
        for (String e : all) {
            assertTrue(e.chars().noneMatch(Character::isISOControl), e);
        }
        assertTrue(r.warnings().getFirst().contains("unknown top-level key \"x\\u0000\""), r.warnings().toString());
        assertTrue(r.errors().contains("board file f line 1: devices[0] 'a\\nforged': key 'name': \"a\\nforged\""
                + " does not match [a-z0-9][a-z0-9_-]* (lower-case letters, digits, '_' and '-', starting with a letter"
                + " or digit; no dots)"), r.errors().toString());
    }

    @Test
    @Timeout(30)
    void devicesAndFifosAreRefusedWithoutOpeningThem(@TempDir Path dir) throws Exception {
        Path zero = Path.of("/dev/zero");
        Assumptions.assumeTrue(Files.exists(zero), "no /dev/zero");
        assertEquals(List.of("board file /dev/zero: not a regular file (a device, FIFO or socket); not read"),
                BoardFile.read(zero).errors());
        Path fifo = dir.resolve("fifo.json");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        Assumptions.assumeTrue(mk.waitFor() == 0, "mkfifo failed");
        // Opening a FIFO without a writer blocks forever: a result at all shows it was not opened.
        assertEquals(List.of("board file " + fifo + ": not a regular file (a device, FIFO or socket); not read"),
                BoardFile.read(fifo).errors());
    }
}
