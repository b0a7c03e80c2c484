package org.xmtpnode.gateway.ops.console;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** The samples of a Prometheus text exposition ({@code /actuator/prometheus}), and sums and maxima over them. */
public record PrometheusText(List<Series> series) {

    /** One sample line: a metric name, its labels and its value. */
    public record Series(String name, Map<String, String> labels, double value) {

        public String label(String key) {
            return labels.getOrDefault(key, "");
        }
    }

    public static PrometheusText parse(String text) {
        List<Series> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            Series s = parseLine(line);
            if (s != null) {
                out.add(s);
            }
        }
        return new PrometheusText(out);
    }

    private static Series parseLine(String line) {
        int i = 0;
        while (i < line.length() && line.charAt(i) != '{' && line.charAt(i) != ' ') {
            i++;
        }
        String name = line.substring(0, i);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (i < line.length() && line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                    return null;
                }
                String key = line.substring(i, eq).trim();
                StringBuilder value = new StringBuilder();
                int j = eq + 2;
                for (; j < line.length() && line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\' && j + 1 < line.length()) {
                        char n = line.charAt(++j);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(key, value.toString());
                i = j + 1;
                if (i < line.length() && line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        String[] rest = line.substring(Math.min(i, line.length())).trim().split(" ");
        try {
            return new Series(name, labels, Double.parseDouble(rest[0]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The sum of a metric's finite samples that match, 0 when none does. */
    public double sum(String name, Predicate<Series> which) {
        return series.stream()
                .filter(s -> s.name().equals(name) && which.test(s) && Double.isFinite(s.value()))
                .mapToDouble(Series::value)
                .sum();
    }

    public double sum(String name) {
        return sum(name, s -> true);
    }

    /** The largest finite sample that matches, NaN when none does. */
    public double max(String name, Predicate<Series> which) {
        return series.stream()
                .filter(s -> s.name().equals(name) && which.test(s) && Double.isFinite(s.value()))
                .mapToDouble(Series::value)
                .max()
                .orElse(Double.NaN);
    }

    /** Sums by the value of one label. */
    public Map<String, Double> sumBy(String name, String label, Predicate<Series> which) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Series s : series) {
            if (s.name().equals(name) && which.test(s) && Double.isFinite(s.value())) {
                out.merge(s.label(label), s.value(), Double::sum);
            }
        }
        return out;
    }

    /** Maxima by the value of one label. */
    public Map<String, Double> maxBy(String name, String label) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Series s : series) {
            if (s.name().equals(name) && Double.isFinite(s.value())) {
                out.merge(s.label(label), s.value(), Math::max);
            }
        }
        return out;
    }
}
