package io.kdrv.driver.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one parse of a device node's framework keys, shared by the Configuration Admin path ({@code kdrv.device}
 * factory configurations) and the board-file loader: it returns the accepted {@link NodeData} or the problems.
 * Driver keys are not the core's business here: they are checked against the matched driver's
 * {@link io.kdrv.driver.Binding} before probe ({@link BindingCheck}).
 *
 * <p>Checked keys:
 * <ul>
 *   <li>{@code name}: required, at most {@value #NAME_MAX} characters matching {@value #NAME_RULE}: it becomes part
 *       of kthread names, log lines and the Configuration Admin PID {@code kdrv.device~<name>}. Felix Configuration
 *       Admin stores a PID as a file path with every dot a directory separator, so {@code x.y} and {@code x..y}
 *       would share one file: no dots; no upper case, so names cannot collide on a case-insensitive file system;
 *       no blanks, slashes or control characters (a newline in a name could forge a log line). A rejected name
 *       is shown escaped ({@link Props#printable});</li>
 *   <li>{@code compatible}: required, a String (one entry: device-tree compatibles such as {@code bosch,bme280}
 *       contain commas) or a String[]/collection of non-empty Strings, at least one;</li>
 *   <li>{@code driver}: optional, a non-empty String: the id of the driver to force (Linux
 *       {@code driver_override}), bypassing compatible matching.</li>
 * </ul>
 * Each problem is one line that starts with the key ({@code key 'name': ...}); callers prefix the node (its PID
 * or board-file position). Stateless and thread-safe.
 */
final class NodeParser {
    /** The node-name rule, as shown in errors. */
    static final String NAME_RULE = "[a-z0-9][a-z0-9_-]*";
    /** Longest node name: well within a file name (255 bytes) once part of a Configuration Admin PID. */
    static final int NAME_MAX = 64;
    /** Allowed characters of a node name. */
    static final Pattern NAME = Pattern.compile(NAME_RULE);

    static final String KEY_NAME = "name";
    static final String KEY_COMPATIBLE = "compatible";
    static final String KEY_DRIVER = "driver";

    /** Keys added by the OSGi framework, SCR or Configuration Admin: never part of a node. */
    static final Set<String> FRAMEWORK_KEYS = Set.of("service.pid", "service.factoryPid", "service.bundleLocation",
            "component.name", "component.id", "service.id", "service.bundleid", "service.scope", "objectClass");

    /** The outcome of a parse: the node, or (node null) its problems. */
    record Result(NodeData node, List<String> problems) {
        boolean valid() {
            return node != null;
        }
    }

    private NodeParser() {
    }

    /**
     * Parses a node once: checks the framework keys and, if they are fine, freezes the node.
     *
     * @param source the node's origin (PID, board-file position, test label)
     * @param props  the node's keys and values (framework keys such as {@code service.pid} are dropped)
     * @return the node, or the problems, each starting with the key ({@code key 'name': ...})
     */
    static Result parse(String source, Map<String, ?> props) {
        List<String> problems = problemsOf(props);
        if (!problems.isEmpty()) {
            return new Result(null, List.copyOf(problems));
        }
        return new Result(NodeData.of(source, props), List.of());
    }

    /** The problems of a node's framework keys; empty when it is valid. */
    static List<String> problemsOf(Map<String, ?> props) {
        List<String> problems = new ArrayList<>();
        checkName(props, problems);
        checkCompatible(props, problems);
        checkDriver(props, problems);
        return problems;
    }

    /** The compatible list of a node that passed validation. */
    static List<String> compatibleOf(Map<String, ?> props) {
        Object v = props.get(KEY_COMPATIBLE);
        if (v instanceof String s) {
            return List.of(s.strip());
        }
        List<String> out = new ArrayList<>();
        for (Object o : asList(v)) {
            out.add(((String) o).strip());
        }
        return Collections.unmodifiableList(out);
    }

    private static void checkName(Map<String, ?> props, List<String> problems) {
        Object v = props.get(KEY_NAME);
        if (v == null) {
            problems.add("key 'name': missing (every node needs a unique name)");
        } else if (!(v instanceof String s)) {
            problems.add("key 'name': must be a String, got " + Props.describe(v));
        } else if (s.isEmpty()) {
            problems.add("key 'name': must not be empty");
        } else if (s.length() > NAME_MAX) {
            problems.add("key 'name': " + Props.printable(s) + " is " + s.length() + " characters long, at most "
                    + NAME_MAX + " allowed");
        } else if (!NAME.matcher(s).matches()) {
            problems.add("key 'name': " + Props.printable(s) + " does not match " + NAME_RULE
                    + " (lower-case letters, digits, '_' and '-', starting with a letter or digit; no dots)");
        }
    }

    private static void checkCompatible(Map<String, ?> props, List<String> problems) {
        Object v = props.get(KEY_COMPATIBLE);
        if (v == null) {
            problems.add("key 'compatible': missing (a String or String[] naming the device, most specific first)");
            return;
        }
        if (v instanceof String s) {
            if (s.isBlank()) {
                problems.add("key 'compatible': must not be empty");
            }
            return;
        }
        if (!(v instanceof Collection<?>) && !(v.getClass().isArray() && !v.getClass().getComponentType().isPrimitive())) {
            problems.add("key 'compatible': must be a String or String[], got " + Props.describe(v));
            return;
        }
        List<?> items = asList(v);
        if (items.isEmpty()) {
            problems.add("key 'compatible': must list at least one compatible string");
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (!(item instanceof String s)) {
                problems.add("key 'compatible': entry " + i + " must be a String, got " + Props.describe(item));
            } else if (s.isBlank()) {
                problems.add("key 'compatible': entry " + i + " is empty");
            }
        }
    }

    private static void checkDriver(Map<String, ?> props, List<String> problems) {
        Object v = props.get(KEY_DRIVER);
        if (v == null) {
            return;
        }
        if (!(v instanceof String s)) {
            problems.add("key 'driver': must be a String (a driver id), got " + Props.describe(v));
        } else if (s.isBlank()) {
            problems.add("key 'driver': must not be empty (omit the key to match by compatible)");
        }
    }

    private static List<?> asList(Object v) {
        if (v instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        int n = Array.getLength(v);
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Array.get(v, i));
        }
        return out;
    }
}
