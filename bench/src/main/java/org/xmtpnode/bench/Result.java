package org.xmtpnode.bench;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** A measured workload: how many operations in how long, and their latency in microseconds. */
record Result(long count, double seconds, Histogram latencyUs, String unit) {

    double perSecond() {
        return count / seconds;
    }

    /** A row of the Markdown table: label, rate, p50, p99, p99.9, max, samples. */
    String[] row(String label) {
        return new String[] {
            label,
            String.format(Locale.ROOT, "%,.0f %s/s", perSecond(), unit),
            ms(0.5),
            ms(0.99),
            ms(0.999),
            String.format(Locale.ROOT, "%.1f ms", latencyUs.getMaxValue() / 1000.0),
            String.format(Locale.ROOT, "%,d", latencyUs.getTotalCount())
        };
    }

    private String ms(double q) {
        return String.format(Locale.ROOT, "%.1f ms", latencyUs.getValueAtPercentile(q * 100) / 1000.0);
    }

    Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", count);
        m.put("seconds", Bench.round(seconds));
        m.put("per_second", Bench.round(perSecond()));
        m.put("p50_ms", p(0.5));
        m.put("p99_ms", p(0.99));
        m.put("p999_ms", p(0.999));
        m.put("max_ms", Math.round(latencyUs.getMaxValue() / 100.0) / 10.0);
        m.put("samples", latencyUs.getTotalCount());
        return m;
    }

    /** A percentile in milliseconds, to 0.1 ms. */
    double p(double q) {
        return Math.round(latencyUs.getValueAtPercentile(q * 100) / 100.0) / 10.0;
    }
}
