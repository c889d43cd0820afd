package io.kdrv.driver.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import io.kdrv.driver.NodeKey;

/**
 * Conversions of device-node values to typed values, shared by {@link DeviceImpl}'s getters and by
 * {@link BindingCheck} so that a node accepted against a driver's binding is read the same way by the driver.
 *
 * <p>Every method returns the converted value or throws {@link BadValue} with a problem text (without the device
 * and key, which the caller adds). Accepted forms: the Java type itself (or a wider/narrower numeric type whose
 * value fits), or a String that parses to it. Integers in Strings may be decimal or hexadecimal ({@code 0x76},
 * {@code -0x10}), as device trees write register addresses. Stateless and thread-safe.
 */
final class Props {
    private Props() {
    }

    /** A value that cannot be converted; the message says what was expected and what was found. */
    static final class BadValue extends Exception {
        private static final long serialVersionUID = 1L;

        BadValue(String problem) {
            super(problem, null, false, false);
        }
    }

    static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "String " + printable(s);
        }
        if (v.getClass().isArray()) {
            return v.getClass().getComponentType().getSimpleName() + "[" + Array.getLength(v) + "]";
        }
        if (v instanceof Collection<?> c) {
            return "collection of " + c.size();
        }
        return v.getClass().getSimpleName() + " " + v;
    }

    /** Longest part of a value {@link #printable} shows. */
    static final int PRINTABLE_MAX = 80;

    /**
     * A String as it may appear in a log line: double-quoted; control characters, quotes and backslashes escaped
     * ({@code \n}, {@code \t}, others as backslash-u and four hex digits); cut after {@value #PRINTABLE_MAX}
     * characters with the full length added. An input can thus never start a forged log line or flood one.
     */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), PRINTABLE_MAX) + 16).append('"');
        int n = Math.min(s.length(), PRINTABLE_MAX);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '"', '\\' -> sb.append('\\').append(c);
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
        if (s.length() > n) {
            sb.append("... (").append(s.length()).append(" characters)");
        }
        return sb.toString();
    }

    /**
     * A name or key for a message that quotes it itself: unchanged when it is short and has no control character,
     * quote or backslash, else {@link #printable} without the surrounding quotes.
     */
    static String printableName(String s) {
        String p = printable(s);
        return p.length() == s.length() + 2 ? s : p.substring(1, p.lastIndexOf('"'))
                + p.substring(p.lastIndexOf('"') + 1);
    }

    static String toStringValue(Object v) throws BadValue {
        if (v instanceof String s) {
            return s;
        }
        throw new BadValue("expected a String, got " + describe(v));
    }

    static long toLong(Object v) throws BadValue {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            // JSON and some config tools deliver whole numbers as doubles: accept exactly integral values only.
            if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p63) {
                return (long) d;
            }
            throw new BadValue("expected an integer, got " + describe(v));
        }
        if (v instanceof String s) {
            return parseLong(s);
        }
        throw new BadValue("expected an integer, got " + describe(v));
    }

    static int toInt(Object v) throws BadValue {
        long l = toLong(v);
        if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) {
            throw new BadValue("value " + l + " does not fit in an int");
        }
        return (int) l;
    }

    /** Decimal or 0x-hexadecimal, optional sign, surrounding blanks ignored. */
    static long parseLong(String raw) throws BadValue {
        String s = raw.strip();
        boolean negative = s.startsWith("-");
        String digits = negative || s.startsWith("+") ? s.substring(1) : s;
        int radix = 10;
        if (digits.startsWith("0x") || digits.startsWith("0X")) {
            radix = 16;
            digits = digits.substring(2);
        }
        if (digits.isEmpty() || digits.startsWith("-") || digits.startsWith("+")) {
            throw new BadValue("expected an integer (decimal or 0x hex), got " + describe(raw));
        }
        try {
            long magnitude = Long.parseLong(digits, radix);
            return negative ? -magnitude : magnitude;
        } catch (NumberFormatException e) {
            throw new BadValue("expected an integer (decimal or 0x hex), got " + describe(raw));
        }
    }

    static double toDouble(Object v) throws BadValue {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.strip());
            } catch (NumberFormatException e) {
                throw new BadValue("expected a number, got " + describe(v));
            }
        }
        throw new BadValue("expected a number, got " + describe(v));
    }

    static boolean toBoolean(Object v) throws BadValue {
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            String t = s.strip().toLowerCase(Locale.ROOT);
            if (t.equals("true")) {
                return true;
            }
            if (t.equals("false")) {
                return false;
            }
        }
        throw new BadValue("expected a boolean (true/false), got " + describe(v));
    }

    /** int[], Integer[], long[]..., a collection, a single number or a comma-separated String. */
    static int[] toIntArray(Object v) throws BadValue {
        List<Object> items = elements(v);
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) {
            Object item = items.get(i);
            try {
                out[i] = toInt(item);
            } catch (BadValue e) {
                throw new BadValue("entry " + i + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** The value as the getter of {@code type} returns it (boxed; arrays as primitive arrays). */
    static Object convert(Object v, NodeKey.Type type) throws BadValue {
        return switch (type) {
            case STRING -> toStringValue(v);
            case INT -> toInt(v);
            case LONG -> toLong(v);
            case DOUBLE -> toDouble(v);
            case BOOLEAN -> toBoolean(v);
            case STRING_ARRAY -> toStringArray(v);
            case INT_ARRAY -> toIntArray(v);
            case LONG_ARRAY -> toLongArray(v);
            case DOUBLE_ARRAY -> toDoubleArray(v);
            case BOOLEAN_ARRAY -> toBooleanArray(v);
        };
    }

    /** As {@link #toIntArray}, entries as longs. */
    static long[] toLongArray(Object v) throws BadValue {
        List<Object> items = elements(v);
        long[] out = new long[items.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = toLong(items.get(i));
            } catch (BadValue e) {
                throw new BadValue("entry " + i + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** As {@link #toIntArray}, entries as doubles. */
    static double[] toDoubleArray(Object v) throws BadValue {
        List<Object> items = elements(v);
        double[] out = new double[items.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = toDouble(items.get(i));
            } catch (BadValue e) {
                throw new BadValue("entry " + i + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** As {@link #toIntArray}, entries as booleans ({@code true}/{@code false}, also as Strings). */
    static boolean[] toBooleanArray(Object v) throws BadValue {
        List<Object> items = elements(v);
        boolean[] out = new boolean[items.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = toBoolean(items.get(i));
            } catch (BadValue e) {
                throw new BadValue("entry " + i + ": " + e.getMessage());
            }
        }
        return out;
    }

    /** String[], a collection of Strings, or a comma-separated String (entries stripped, empty ones dropped). */
    static String[] toStringArray(Object v) throws BadValue {
        List<Object> items = elements(v);
        List<String> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            if (!(item instanceof String s)) {
                throw new BadValue("entry " + i + ": expected a String, got " + describe(item));
            }
            out.add(s);
        }
        return out.toArray(String[]::new);
    }

    /** Flattens an array, a collection, a comma-separated String or a scalar into a list of elements. */
    static List<Object> elements(Object v) throws BadValue {
        List<Object> out = new ArrayList<>();
        if (v == null) {
            throw new BadValue("expected a value, got null");
        }
        if (v.getClass().isArray()) {
            int n = Array.getLength(v);
            for (int i = 0; i < n; i++) {
                out.add(Array.get(v, i));
            }
        } else if (v instanceof Collection<?> c) {
            out.addAll(c);
        } else if (v instanceof String s) {
            if (s.isBlank()) {
                return out;
            }
            for (String part : s.split(",", -1)) {
                String p = part.strip();
                if (p.isEmpty()) {
                    throw new BadValue("empty entry in comma-separated list " + describe(s));
                }
                out.add(p);
            }
        } else if (v instanceof Number || v instanceof Boolean) {
            out.add(v);
        } else {
            throw new BadValue("expected an array, a list or a comma-separated String, got " + describe(v));
        }
        return out;
    }
}
