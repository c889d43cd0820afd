package io.kdrv.shell.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A plain-text table with a header row, columns padded to their widest cell, like {@code ps} output. Cells are
 * single-line: line breaks and tabs are replaced by spaces so a message cannot break the layout. The last column
 * is never padded (no trailing blanks). Not thread-safe: build and render on one thread.
 */
final class Table {
    /** Column alignment: numbers read best right-aligned. */
    enum Align { LEFT, RIGHT }

    private final String[] headers;
    private final Align[] aligns;
    private final List<String[]> rows = new ArrayList<>();

    /**
     * @param headers column headers; a header starting with {@code >} is right-aligned (the marker is dropped)
     */
    Table(String... headers) {
        this.headers = new String[headers.length];
        this.aligns = new Align[headers.length];
        for (int i = 0; i < headers.length; i++) {
            boolean right = headers[i].startsWith(">");
            this.headers[i] = right ? headers[i].substring(1) : headers[i];
            this.aligns[i] = right ? Align.RIGHT : Align.LEFT;
        }
    }

    /**
     * Adds a row; {@code null} cells print as {@code -}.
     *
     * @throws IllegalArgumentException when the cell count differs from the header count
     */
    Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.length + " columns");
        }
        String[] row = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            row[i] = cells[i] == null ? "-" : oneLine(Objects.toString(cells[i]));
        }
        rows.add(row);
        return this;
    }

    int size() {
        return rows.size();
    }

    /** The header line and one line per row, separated by newlines (none after the last line). */
    String render() {
        int[] widths = new int[headers.length];
        for (int i = 0; i < headers.length; i++) {
            widths[i] = headers[i].length();
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, headers, widths);
        for (String[] row : rows) {
            out.append('\n');
            line(out, row, widths);
        }
        return out.toString();
    }

    private void line(StringBuilder out, String[] cells, int[] widths) {
        int start = out.length();
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append(' ');
            }
            boolean last = i == cells.length - 1;
            int pad = widths[i] - cells[i].length();
            if (aligns[i] == Align.RIGHT) {
                out.repeat(' ', pad).append(cells[i]);
            } else {
                out.append(cells[i]);
                if (!last) {
                    out.repeat(' ', pad);
                }
            }
        }
        // a right-aligned or empty last column can still leave blanks behind
        int end = out.length();
        while (end > start && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
    }

    static String oneLine(String s) {
        return s.replaceAll("[\\r\\n\\t]+", " ").strip();
    }
}
