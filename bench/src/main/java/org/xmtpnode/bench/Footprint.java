package org.xmtpnode.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.xmtpnode.devnet.Devnet;

/** Memory of the services: RSS from /proc, heap from the service's own metrics (after a GC where possible). */
final class Footprint {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    record Sample(double heapMiB, double rssMiB) {}

    /** One service instance to sample: its base URL and, on this machine, its pid. */
    record Probe(String baseUrl, long pid) {

        static Probe of(Bench.Target target) {
            long pid = target.devnet() == null
                    ? -1
                    : target.devnet().pids(Devnet.Service.RELAY).get(0);
            return new Probe(target.relayUrl(), pid);
        }

        Sample sample() throws IOException, InterruptedException {
            if (pid > 0) {
                gc(pid);
            }
            HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/prometheus"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            double bytes = 0;
            for (String line : r.body().split("\n")) {
                if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                    bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            double heap = bytes > 0 ? bytes / (1024 * 1024) : -1;
            return new Sample(Bench.round(heap), pid > 0 ? rssMiB(pid) : -1);
        }
    }

    /** A full GC in another JVM of this machine through jcmd, so heap figures hold live data only. */
    static void gc(long pid) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd)) {
            return;
        }
        try {
            new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        } catch (IOException e) {
            // no jcmd: the heap figure includes garbage
        }
    }

    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Bench.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0);
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return -1;
    }

    /** How long a network just started is left alone before its footprint at rest is read. */
    static final Duration SETTLE = Duration.ofSeconds(15);

    /**
     * RSS of every service of a network that has just started and had no request yet, once it has been left
     * alone for {@link #SETTLE}: what a node holds at rest.
     */
    static Map<String, Object> atRest(Devnet devnet) throws InterruptedException {
        Thread.sleep(SETTLE.toMillis());
        return of(devnet);
    }

    /** RSS of every service of the local network. */
    static Map<String, Object> of(Devnet devnet) {
        Map<String, Object> m = new LinkedHashMap<>();
        double total = 0;
        for (Devnet.Service s : Devnet.Service.values()) {
            List<Long> pids = devnet.pids(s);
            for (int i = 0; i < pids.size(); i++) {
                double rss = rssMiB(pids.get(i));
                m.put(s.name().toLowerCase(Locale.ROOT) + (i == 0 ? "" : "-" + (i + 1)) + "_rss_mib", rss);
                total += Math.max(0, rss);
            }
        }
        m.put("services_rss_mib", Bench.round(total));
        m.put(
                "bench_jvm_rss_mib_with_kafka_broker",
                rssMiB(ProcessHandle.current().pid()));
        return m;
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + Runtime.version());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    m.put("memory_gib", Bench.round(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0));
                }
            }
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    m.put("cpu", line.substring(line.indexOf(':') + 1).strip());
                    break;
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return m;
    }

    private Footprint() {}
}
