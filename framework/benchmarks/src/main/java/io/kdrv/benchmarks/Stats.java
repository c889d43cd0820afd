package io.kdrv.benchmarks;

import java.util.Arrays;

/** Order statistics of a set of samples (nanoseconds or any long), nearest-rank percentiles. */
final class Stats {
    private final long[] sorted;

    Stats(long[] samples, int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("no samples");
        }
        sorted = Arrays.copyOf(samples, count);
        Arrays.sort(sorted);
    }

    Stats(long[] samples) {
        this(samples, samples.length);
    }

    int count() {
        return sorted.length;
    }

    /** @param p 0..100 */
    long pct(double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.clamp(rank - 1, 0, sorted.length - 1)];
    }

    long median() {
        return pct(50);
    }

    long min() {
        return sorted[0];
    }

    long max() {
        return sorted[sorted.length - 1];
    }

    /** p50, p99, p99.9 of one round. */
    Pcts pcts() {
        return new Pcts(median(), pct(99), pct(99.9));
    }

    /** Latency percentiles; {@link #medianOf} combines rounds so that one disturbed round does not decide. */
    record Pcts(long p50, long p99, long p999) {
        long get(int i) {
            return i == 0 ? p50 : i == 1 ? p99 : p999;
        }

        static final String[] NAMES = {"p50", "p99", "p99.9"};

        static Pcts medianOf(java.util.List<Pcts> rounds) {
            long[] v = new long[3];
            for (int i = 0; i < 3; i++) {
                long[] xs = new long[rounds.size()];
                for (int r = 0; r < xs.length; r++) {
                    xs[r] = rounds.get(r).get(i);
                }
                v[i] = new Stats(xs).median();
            }
            return new Pcts(v[0], v[1], v[2]);
        }
    }

    double mean() {
        double s = 0;
        for (long v : sorted) {
            s += v;
        }
        return s / sorted.length;
    }
}
