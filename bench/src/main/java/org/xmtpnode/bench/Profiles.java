package org.xmtpnode.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reading async-profiler's collapsed stacks ({@code frame;frame;… count} per line). */
final class Profiles {

    /** The {@code n} frames with the most self samples, each as "share% frame". */
    static List<String> hottest(Path collapsed, int n) throws IOException {
        Map<String, Long> self = new HashMap<>();
        long total = 0;
        for (String line : Files.readAllLines(collapsed)) {
            int space = line.lastIndexOf(' ');
            if (space < 0) {
                continue;
            }
            long count = Long.parseLong(line.substring(space + 1));
            String stack = line.substring(0, space);
            self.merge(stack.substring(stack.lastIndexOf(';') + 1), count, Long::sum);
            total += count;
        }
        long all = Math.max(1, total);
        return self.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(n)
                .map(e -> String.format(Locale.ROOT, "%.1f%% %s", 100.0 * e.getValue() / all, e.getKey()))
                .toList();
    }

    private Profiles() {}
}
