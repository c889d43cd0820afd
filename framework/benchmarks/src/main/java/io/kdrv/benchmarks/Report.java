package io.kdrv.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The side-by-side table: every kdrv figure next to its baseline from the same run, with the ratio. Rows are
 * printed as they are added (a long run shows progress) and again, aligned, at the end.
 */
final class Report {
    /** How a figure is read: time-like figures are better lower, rates better higher. */
    enum Unit {
        NANOS(true), OPS_PER_SEC(false), BYTES(true), COUNT(true);

        final boolean lowerIsBetter;

        Unit(boolean lowerIsBetter) {
            this.lowerIsBetter = lowerIsBetter;
        }
    }

    record Row(String bench, String metric, double kdrv, double base, String baseline, Unit unit) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final PrintStream out;

    Report(PrintStream out) {
        this.out = out;
    }

    void add(String bench, String metric, double kdrv, double base, String baseline, Unit unit) {
        Row r = new Row(bench, metric, kdrv, base, baseline, unit);
        rows.add(r);
        out.println("  " + line(r, 30, 22, 44));
        out.flush();
    }

    void note(String note) {
        notes.add(note);
        out.println("  note: " + note);
        out.flush();
    }

    List<Row> rows() {
        return rows;
    }

    void printTable() {
        int wb = "benchmark".length(), wm = "metric".length(), wl = "baseline".length();
        for (Row r : rows) {
            wb = Math.max(wb, r.bench.length());
            wm = Math.max(wm, r.metric.length());
            wl = Math.max(wl, r.baseline.length());
        }
        out.println();
        out.println(String.format(Locale.ROOT, "| %-" + wb + "s | %-" + wm + "s | %12s | %12s | %-" + wl + "s | %9s | %-6s |",
                "benchmark", "metric", "kdrv", "baseline", "baseline is", "kdrv/base", "better"));
        out.println("|" + "-".repeat(wb + 2) + "|" + "-".repeat(wm + 2) + "|" + "-".repeat(14) + "|" + "-".repeat(14)
                + "|" + "-".repeat(wl + 2) + "|" + "-".repeat(11) + "|" + "-".repeat(8) + "|");
        for (Row r : rows) {
            out.println("| " + line(r, wb, wm, wl) + " |");
        }
        if (!notes.isEmpty()) {
            out.println();
            for (String n : notes) {
                out.println("- " + n);
            }
        }
        out.flush();
    }

    private static String line(Row r, int wb, int wm, int wl) {
        return String.format(Locale.ROOT, "%-" + wb + "s | %-" + wm + "s | %12s | %12s | %-" + wl + "s | %9s | %-6s",
                r.bench, r.metric, fmt(r.kdrv, r.unit), fmt(r.base, r.unit), r.baseline, ratio(r),
                r.unit.lowerIsBetter ? "lower" : "higher");
    }

    private static String ratio(Row r) {
        if (r.base <= 0 || r.kdrv < 0 || Double.isNaN(r.base) || Double.isNaN(r.kdrv)) { // e.g. drift around 0
            return "n/a";
        }
        return String.format(Locale.ROOT, "%.2fx", r.kdrv / r.base);
    }

    static String fmt(double v, Unit unit) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return switch (unit) {
            case NANOS -> nanos(v);
            case OPS_PER_SEC -> v >= 1e6 ? String.format(Locale.ROOT, "%.2f M/s", v / 1e6)
                    : String.format(Locale.ROOT, "%.1f k/s", v / 1e3);
            case BYTES -> Math.abs(v) >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", v / (1 << 20))
                    : Math.abs(v) >= 1024 ? String.format(Locale.ROOT, "%.1f KiB", v / 1024)
                    : String.format(Locale.ROOT, "%.0f B", v);
            case COUNT -> String.format(Locale.ROOT, "%.0f", v);
        };
    }

    static String nanos(double ns) {
        double a = Math.abs(ns);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.2f s", ns / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.1f us", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f ns", ns);
    }
}
