package io.kdrv.driver.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsing of a JSON board file into device nodes.
 *
 * <pre>{@code
 * {
 *   "devices": [
 *     {"name": "button0", "compatible": ["gpio-keys"], "gpios": [17], "debounce-ms": 5},
 *     {"name": "env0", "compatible": ["bosch,bme280"], "i2c-bus": 1, "reg": "0x76", "poll-ms": 1000}
 *   ]
 * }
 * }</pre>
 * An array entry may also be a controller reference object, {@code {"controller": "expander0", "line": 3}} (or
 * {@code "channel"}): such an array becomes a String[] with {@code "expander0:3"} for each object and the decimal
 * String for each integer (Configuration Admin cannot store maps in arrays).
 * Node values may be strings, numbers, booleans, or flat arrays of one of those kinds; they become Configuration
 * Admin values: integers → Integer (Long when too big), other numbers → Double, arrays → {@code String[]},
 * {@code int[]}, {@code long[]}, {@code double[]} or {@code boolean[]}. Each node is validated with
 * {@link NodeParser}. A malformed document yields no nodes and one error naming line and column; an invalid
 * node is skipped with errors naming the file, line, node and key, and the valid nodes are still returned. Any
 * other top-level key is a warning naming file, line and key; so is {@code "platform"}, which older board files
 * carried but which never chose anything (the board's platform is configuration {@code kdrv.board}).
 * Stateless and thread-safe.
 */
final class BoardFile {
    /** The one top-level key. */
    public static final String KEY_DEVICES = "devices";
    /** A top-level key of older board files that never had an effect: warned about. */
    public static final String KEY_PLATFORM = "platform";
    /** Key added to each created configuration: the board file it came from. */
    public static final String KEY_SOURCE = "kdrv.boardfile";

    private static final Pattern PROBLEM_KEY = Pattern.compile("^key '([^']*)'");

    /** A valid node. */
    record Node(String name, int line, Map<String, Object> properties) {
    }

    /**
     * The outcome of parsing one file.
     *
     * @param source       the file name used in messages
     * @param nodes        valid nodes, in file order
     * @param errors       one line per problem, each naming the file and line (and node and key when relevant)
     * @param warnings     one line per ignored top-level key, naming the file, line and key
     * @param invalidNames names of nodes that were skipped as invalid (when they had a usable name)
     * @param malformed    true when the document itself could not be parsed (then {@code nodes} is empty)
     */
    record Result(String source, List<Node> nodes, List<String> errors, List<String> warnings,
            Set<String> invalidNames, boolean malformed) {
    }

    private BoardFile() {
    }

    /** Default upper bound of a board file's size: far above any real board, far below what hurts the heap. */
    static final long DEFAULT_MAX_BYTES = 1L << 20;
    /** Largest {@code max.bytes} accepted from configuration. */
    static final long MAX_MAX_BYTES = 64L << 20;

    /** Reads and parses a file (UTF-8) of at most {@link #DEFAULT_MAX_BYTES}; see {@link #read(Path, long)}. */
    public static Result read(Path path) {
        return read(path, DEFAULT_MAX_BYTES);
    }

    /**
     * Reads and parses a file (UTF-8). Only a regular file (a symbolic link to one is fine) of at most
     * {@code maxBytes} is read: the type is checked before the file is opened, so a FIFO or a device such as
     * {@code /dev/zero} never blocks the caller or fills the heap, and the read itself stops after
     * {@code maxBytes + 1} bytes (the file may grow after the check). Such a file, or an unreadable one, is
     * reported like a malformed one, naming the file and the rule.
     */
    public static Result read(Path path, long maxBytes) {
        String source = path.toString();
        try {
            BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return failed(source, "board file " + source + ": not a regular file ("
                        + (a.isDirectory() ? "a directory" : "a device, FIFO or socket") + "); not read");
            }
            if (a.size() > maxBytes) {
                return failed(source, "board file " + source + ": " + a.size() + " bytes, larger than the limit of "
                        + maxBytes + " bytes (kdrv.boardfile max.bytes); not read");
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(path)) {
                bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            }
            if (bytes.length > maxBytes) {
                return failed(source, "board file " + source + ": grew beyond the limit of " + maxBytes
                        + " bytes (kdrv.boardfile max.bytes) while being read; not read");
            }
            String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            return parse(source, text);
        } catch (CharacterCodingException e) {
            return failed(source, "board file " + source + ": not valid UTF-8");
        } catch (IOException e) {
            return failed(source, "board file " + source + ": cannot read: " + e);
        }
    }

    private static Result failed(String source, String error) {
        return new Result(source, List.of(), List.of(error), List.of(), Set.of(), true);
    }

    /**
     * Parses board-file text.
     *
     * @param source name used in messages (the path)
     * @param text   the JSON document
     */
    public static Result parse(String source, String text) {
        Object doc;
        try {
            doc = Json.parse(text);
        } catch (Json.ParseException e) {
            return failed(source, "board file " + source + ": malformed JSON at " + e.getMessage() + "; no device loaded");
        }
        if (!(doc instanceof Json.Obj top)) {
            return failed(source, "board file " + source + " line 1: the document must be an object "
                    + "{\"devices\": [...]}, got " + kind(doc));
        }
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (String k : top.keySet()) {
            if (k.equals(KEY_PLATFORM)) {
                warnings.add(at(source, top.lineOf(k)) + ": top-level key \"platform\" ignored: the platform is "
                        + "chosen by configuration kdrv.board key 'platform' (or framework property "
                        + "kdrv.board.platform), not by a board file");
            } else if (!k.equals(KEY_DEVICES)) {
                warnings.add(at(source, top.lineOf(k)) + ": unknown top-level key " + Props.printable(k)
                        + " ignored (a board file has only \"devices\")");
            }
        }
        Object devs = top.get(KEY_DEVICES);
        if (devs == null) {
            errors.add(at(source, top.line()) + ": missing \"devices\" array; no device loaded");
            return new Result(source, List.of(), errors, warnings, Set.of(), false);
        }
        if (!(devs instanceof List<?> list)) {
            errors.add(at(source, top.lineOf(KEY_DEVICES)) + ": \"devices\" must be an array, got " + kind(devs)
                    + "; no device loaded");
            return new Result(source, List.of(), errors, warnings, Set.of(), false);
        }
        List<Node> nodes = new ArrayList<>();
        Set<String> invalidNames = new LinkedHashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (!(item instanceof Json.Obj obj)) {
                int line = list instanceof Json.Arr arr ? arr.lineOf(i) : top.lineOf(KEY_DEVICES);
                errors.add(at(source, line) + ": devices[" + i + "] must be an object, got "
                        + kind(item) + "; skipped");
                continue;
            }
            Node n = node(source, i, obj, seen, errors);
            if (n != null) {
                nodes.add(n);
            } else if (obj.get(NodeParser.KEY_NAME) instanceof String s && !s.isEmpty()) {
                invalidNames.add(s);
            }
        }
        return new Result(source, Collections.unmodifiableList(nodes), Collections.unmodifiableList(errors),
                Collections.unmodifiableList(warnings), Collections.unmodifiableSet(invalidNames), false);
    }

    private static Node node(String source, int index, Json.Obj obj, Map<String, Integer> seen, List<String> errors) {
        String label = "devices[" + index + "]"
                + (obj.get(NodeParser.KEY_NAME) instanceof String s ? " '" + Props.printableName(s) + "'" : "");
        int before = errors.size();
        Map<String, Object> props = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : obj.entrySet()) {
            String key = e.getKey();
            String where = at(source, obj.lineOf(key)) + ": " + label + ": key '" + Props.printableName(key) + "': ";
            if (NodeParser.FRAMEWORK_KEYS.contains(key) || key.equals(KEY_SOURCE)) {
                errors.add(where + "reserved key, not allowed in a board file");
                continue;
            }
            try {
                props.put(key, configValue(e.getValue()));
            } catch (IllegalArgumentException bad) {
                errors.add(where + bad.getMessage());
            }
        }
        for (String problem : NodeParser.problemsOf(props)) {
            Matcher m = PROBLEM_KEY.matcher(problem);
            int line = m.find() ? obj.lineOf(m.group(1)) : obj.line();
            errors.add(at(source, line) + ": " + label + ": " + problem);
        }
        if (errors.size() == before && props.get(NodeParser.KEY_NAME) instanceof String name) {
            Integer first = seen.putIfAbsent(name, obj.lineOf(NodeParser.KEY_NAME));
            if (first != null) {
                errors.add(at(source, obj.lineOf(NodeParser.KEY_NAME)) + ": " + label + ": key 'name': duplicate name '"
                        + name + "' (first on line " + first + ")");
            }
        }
        if (errors.size() > before) {
            errors.add(at(source, obj.line()) + ": " + label + " skipped");
            return null;
        }
        return new Node((String) props.get(NodeParser.KEY_NAME), obj.line(), Collections.unmodifiableMap(props));
    }

    private static String at(String source, int line) {
        return "board file " + source + " line " + line;
    }

    /** A JSON value as a Configuration Admin value. */
    static Object configValue(Object v) {
        if (v == null) {
            throw new IllegalArgumentException("null is not allowed (omit the key instead)");
        }
        if (v instanceof String || v instanceof Boolean || v instanceof Double) {
            return v;
        }
        if (v instanceof Long l) {
            return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) l.intValue() : l;
        }
        if (v instanceof Json.Obj) {
            throw new IllegalArgumentException("nested objects are not supported as node values");
        }
        if (v instanceof List<?> list) {
            return array(list);
        }
        throw new IllegalArgumentException("unsupported value " + kind(v));
    }

    private static Object array(List<?> list) {
        if (list.isEmpty()) {
            return new String[0];
        }
        if (list.stream().anyMatch(o -> o instanceof Json.Obj)) {
            return references(list);
        }
        Object first = list.get(0);
        for (int i = 0; i < list.size(); i++) {
            Object item = list.get(i);
            if (item == null || item instanceof List || item instanceof Json.Obj) {
                throw new IllegalArgumentException("entry " + i + ": arrays may only hold strings, numbers or booleans, got "
                        + kind(item));
            }
            boolean sameKind = item instanceof Number ? first instanceof Number : item.getClass() == first.getClass();
            if (!sameKind) {
                throw new IllegalArgumentException("entry " + i + ": array mixes " + kind(first) + " and " + kind(item));
            }
        }
        if (first instanceof String) {
            return list.toArray(String[]::new);
        }
        if (first instanceof Boolean) {
            boolean[] out = new boolean[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (Boolean) list.get(i);
            }
            return out;
        }
        boolean allLong = list.stream().allMatch(o -> o instanceof Long);
        if (!allLong) {
            double[] out = new double[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) list.get(i)).doubleValue();
            }
            return out;
        }
        boolean allInt = list.stream().allMatch(o -> (Long) o >= Integer.MIN_VALUE && (Long) o <= Integer.MAX_VALUE);
        if (allInt) {
            int[] out = new int[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Long) list.get(i)).intValue();
            }
            return out;
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Long) list.get(i);
        }
        return out;
    }

    /** Keys of a controller reference object: the controller and one of these index keys. */
    static final String REF_CONTROLLER = "controller";
    static final List<String> REF_INDEX_KEYS = List.of("line", "channel");

    /**
     * An array with controller reference objects ({@code {"controller": "expander0", "line": 3}}): Configuration
     * Admin cannot store maps in arrays, so every object becomes {@code "expander0:3"} ({@link
     * io.kdrv.driver.ControllerRef}) and every integer its decimal String: a String[] the getters read back.
     */
    private static String[] references(List<?> list) {
        String[] out = new String[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object item = list.get(i);
            if (item instanceof Json.Obj obj) {
                out[i] = reference(i, obj);
            } else if (item instanceof Long l) {
                out[i] = Long.toString(l);
            } else {
                throw new IllegalArgumentException("entry " + i + ": an array with controller references may only "
                        + "also hold integers (SoC lines), got " + kind(item));
            }
        }
        return out;
    }

    private static String reference(int i, Json.Obj obj) {
        String where = "entry " + i + ": controller reference: ";
        for (String k : obj.keySet()) {
            if (!k.equals(REF_CONTROLLER) && !REF_INDEX_KEYS.contains(k)) {
                throw new IllegalArgumentException(where + "unknown key '" + Props.printableName(k)
                        + "' (allowed: controller, and line or channel; line flags go in the flags key, e.g. "
                        + "gpio-flags)");
            }
        }
        if (!(obj.get(REF_CONTROLLER) instanceof String controller)) {
            throw new IllegalArgumentException(where + "\"controller\" must be a device name (a string), got "
                    + kind(obj.get(REF_CONTROLLER)));
        }
        List<String> given = REF_INDEX_KEYS.stream().filter(obj::containsKey).toList();
        if (given.size() != 1) {
            throw new IllegalArgumentException(where + "give exactly one of \"line\" or \"channel\", got "
                    + (given.isEmpty() ? "none" : "both"));
        }
        if (!(obj.get(given.get(0)) instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where + "\"" + given.get(0) + "\" must be an integer >= 0, got "
                    + kind(obj.get(given.get(0))));
        }
        try {
            return new io.kdrv.driver.ControllerRef(controller, n.intValue()).toString();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage());
        }
    }

    private static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Json.Obj) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        return "a number";
    }
}
