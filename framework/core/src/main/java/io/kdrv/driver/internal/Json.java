package io.kdrv.driver.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A small strict JSON parser (RFC 8259) for board files, with line numbers in errors and on every object.
 *
 * <p>Why our own: the core bundle must not drag a JSON library into every runtime, and board-file errors must name
 * the line. Values map to: object → {@link Obj} (insertion-ordered, remembers the line of the object and of each
 * key), array → {@link Arr} (a List remembering each element's line), string → {@link String}, integer → {@link Long}, other number → {@link Double},
 * {@code true/false} → {@link Boolean}, {@code null} → {@code null}. Duplicate keys are an error (a board file
 * with two {@code "gpios"} is a mistake, not an override). Not thread-safe; one instance per parse.
 */
final class Json {
    /** A JSON object with the source lines of the object and of its keys. */
    static final class Obj extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final LinkedHashMap<String, Integer> keyLines = new LinkedHashMap<>();

        Obj(int line) {
            this.line = line;
        }

        /** Line of the opening brace (1-based). */
        int line() {
            return line;
        }

        /** Line of {@code key}, or of the object when unknown. */
        int lineOf(String key) {
            return keyLines.getOrDefault(key, line);
        }
    }

    /** A JSON array with the source line of each element. */
    static final class Arr extends ArrayList<Object> {
        private static final long serialVersionUID = 1L;
        private final List<Integer> lines = new ArrayList<>();

        /** Line where element {@code i} starts. */
        int lineOf(int i) {
            return lines.get(i);
        }
    }

    /** Malformed JSON: the message names line and column. */
    static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        ParseException(String problem, int line, int column) {
            super("line " + line + ", column " + column + ": " + problem);
            this.line = line;
            this.column = column;
        }

        int line() {
            return line;
        }

        int column() {
            return column;
        }
    }

    private static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;
    private int line = 1;
    private int lineStart;
    private int depth;

    private Json(String text) {
        this.text = text;
    }

    /** Parses one JSON document (surrounding whitespace allowed, nothing else). */
    static Object parse(String text) throws ParseException {
        Json p = new Json(text);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            p.pos = 1; // byte order mark
        }
        p.skipWhitespace();
        if (p.pos >= text.length()) {
            throw p.error("empty document: expected a JSON value");
        }
        Object v = p.value();
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after the end of the document");
        }
        return v;
    }

    private ParseException error(String problem) {
        return new ParseException(problem, line, pos - lineStart + 1);
    }

    private String describeHere() {
        if (pos >= text.length()) {
            return "end of file";
        }
        char c = text.charAt(pos);
        return c < 0x20 ? String.format("control character U+%04X", (int) c) : "'" + c + "'";
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                lineStart = pos + 1;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private Object value() throws ParseException {
        if (pos >= text.length()) {
            throw error("unexpected end of file: expected a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected " + describeHere() + ": expected a value (object, array, string, number, "
                        + "true, false or null)");
            }
        };
    }

    private void enter() throws ParseException {
        if (++depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
    }

    private Obj object() throws ParseException {
        enter();
        Obj obj = new Obj(line);
        pos++; // {
        skipWhitespace();
        if (peek('}')) {
            pos++;
            depth--;
            return obj;
        }
        for (;;) {
            skipWhitespace();
            if (!peek('"')) {
                throw error("expected a key in double quotes, got " + describeHere());
            }
            int keyLine = line;
            int keyColumn = pos - lineStart + 1;
            String key = string();
            if (obj.containsKey(key)) {
                throw new ParseException("duplicate key \"" + key + "\" (first on line " + obj.lineOf(key) + ")",
                        keyLine, keyColumn);
            }
            skipWhitespace();
            expect(':', "after key \"" + key + "\"");
            skipWhitespace();
            obj.keyLines.put(key, keyLine);
            obj.put(key, value());
            skipWhitespace();
            if (peek(',')) {
                pos++;
                continue;
            }
            if (peek('}')) {
                pos++;
                depth--;
                return obj;
            }
            throw error("expected ',' or '}' in object starting on line " + obj.line() + ", got " + describeHere());
        }
    }

    private List<Object> array() throws ParseException {
        enter();
        int startLine = line;
        Arr list = new Arr();
        pos++; // [
        skipWhitespace();
        if (peek(']')) {
            pos++;
            depth--;
            return list;
        }
        for (;;) {
            skipWhitespace();
            list.lines.add(line);
            list.add(value());
            skipWhitespace();
            if (peek(',')) {
                pos++;
                continue;
            }
            if (peek(']')) {
                pos++;
                depth--;
                return list;
            }
            throw error("expected ',' or ']' in array starting on line " + startLine + ", got " + describeHere());
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c, String where) throws ParseException {
        if (!peek(c)) {
            throw error("expected '" + c + "' " + where + ", got " + describeHere());
        }
        pos++;
    }

    private Object literal(String word, Object value) throws ParseException {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected " + describeHere() + ": expected a value");
        }
        pos += word.length();
        return value;
    }

    private String string() throws ParseException {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        for (;;) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error(c == '\n' ? "unterminated string (line break inside a string)"
                        : "control character " + describeHere() + " inside a string: escape it");
            }
            if (c == '\\') {
                pos++;
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char e = text.charAt(pos);
                switch (e) {
                    case '"' -> sb.append('"');
                    case '\\' -> sb.append('\\');
                    case '/' -> sb.append('/');
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> {
                        if (pos + 4 >= text.length()) {
                            throw error("truncated \\u escape");
                        }
                        int cp = 0;
                        for (int i = 1; i <= 4; i++) {
                            int d = Character.digit(text.charAt(pos + i), 16);
                            if (d < 0) {
                                pos += i;
                                throw error("bad hex digit in \\u escape: " + describeHere());
                            }
                            cp = cp * 16 + d;
                        }
                        sb.append((char) cp);
                        pos += 4;
                    }
                    default -> throw error("invalid escape \\" + e);
                }
                pos++;
                continue;
            }
            sb.append(c);
            pos++;
        }
    }

    private Object number() throws ParseException {
        int start = pos;
        if (peek('-')) {
            pos++;
        }
        if (peek('0')) {
            pos++;
            if (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos = start; // point at the number, not at the second digit
                throw error("leading zeros are not allowed in numbers (write hex addresses as strings, e.g. \"0x76\")");
            }
        } else if (!digits()) {
            throw error("expected a digit, got " + describeHere());
        }
        boolean integral = true;
        if (peek('.')) {
            integral = false;
            pos++;
            if (!digits()) {
                throw error("expected a digit after the decimal point, got " + describeHere());
            }
        }
        if (peek('e') || peek('E')) {
            integral = false;
            pos++;
            if (peek('+') || peek('-')) {
                pos++;
            }
            if (!digits()) {
                throw error("expected a digit in the exponent, got " + describeHere());
            }
        }
        if (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            throw error("unexpected " + describeHere() + " in a number (hex values must be strings, e.g. \"0x76\")");
        }
        String s = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException tooBig) {
                return Double.parseDouble(s);
            }
        }
        return Double.parseDouble(s);
    }

    private boolean digits() {
        int start = pos;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            pos++;
        }
        return pos > start;
    }
}
