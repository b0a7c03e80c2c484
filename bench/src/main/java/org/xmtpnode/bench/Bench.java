package org.xmtpnode.bench;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.xmtpnode.devnet.Devnet;

/**
 * The benchmark suite. Against the local network it starts (default) or any node (--url), it runs
 *
 * <ul>
 *   <li>W1 publish throughput: closed-loop clients with their wallets' auth tokens;</li>
 *   <li>W2 fan-out latency: paced publishing to subscribers, with the same rate through a bare Kafka
 *       producer and consumer on the same broker as the floor;</li>
 *   <li>W3 queries: a loaded store, single and batch queries;</li>
 *   <li>W4 idle streams on one relay: heap and RSS per stream, and W2's latency with them open;</li>
 *   <li>footprint: start time and RSS of the local network.</li>
 * </ul>
 *
 * and writes a Markdown table and a JSON file to {@code bench/results/}, then one summary line.
 */
public final class Bench {

    /** Where the workloads send their requests. */
    record Target(String apiUrl, String relayUrl, String kafkaBootstrap, Devnet devnet) {}

    static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    public static void main(String[] args) throws Exception {
        String url = null;
        String relay = null;
        String kafka = null;
        boolean quick = false;
        boolean ladder = false;
        boolean profile = false;
        String grpc = null;
        Duration warmup = null;
        Set<String> only = Set.of("W1", "W2", "W3", "W4", "FOOTPRINT");
        Path out = Path.of("bench", "results");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--url" -> url = args[++i];
                case "--relay-url" -> relay = args[++i];
                case "--kafka" -> kafka = args[++i];
                case "--quick" -> quick = true;
                case "--ladder" -> ladder = true;
                case "--profile" -> profile = true;
                case "--grpc" -> grpc = "local";
                case "--grpc-target" -> grpc = args[++i];
                case "--warmup" -> warmup = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--only" ->
                    only = Set.of(args[++i].toUpperCase(Locale.ROOT).split(","));
                case "--out" -> out = Path.of(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("""
                            usage: bin/bench [--quick] [--only W1,W2,W3,W4,FOOTPRINT] [--warmup MAX_SECONDS] [--out bench/results]
                                             [--url http://node:5555 [--relay-url http://relay:5101] [--kafka host:9092]]
                                             [--grpc | --grpc-target host:5556]
                                   bin/bench --ladder [--quick] [--profile]
                            Without --url it starts a local network (one node, rate limits off) and measures it.
                            --grpc: W1 also over the gateway's gRPC MessageApi (the local network's, or --grpc-target's),
                            with the CPU per publish of the gateway and the relay for REST and gRPC on a local network.
                            Against --url: W2's Kafka floor needs --kafka, W4 needs --relay-url, the target's
                            rate limits must allow the load, and RSS and the footprint are not measured.
                            --ladder: each hop's CPU per request beside its floor (same frameworks, nothing of ours),
                            on a local network it starts; --profile: with CPU profiles of our services over the
                            measured windows (async-profiler, collapsed stacks beside the results).""");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        Settings settings = quick ? Settings.quick() : Settings.full();
        if (ladder) {
            ladder(settings, out, quick, profile);
            return;
        }
        if (warmup != null) {
            settings = settings.withWarmup(warmup);
        }
        Map<String, Object> results = new LinkedHashMap<>();
        List<String[]> table = new ArrayList<>();
        Devnet devnet = null;
        Path devnetData = null;
        long startNs = System.nanoTime();
        try {
            Target target;
            if (url == null) {
                Path root = Path.of("").toAbsolutePath();
                Path data = Files.createTempDirectory(root.resolve("bench").toAbsolutePath(), "devnet-");
                devnetData = data;
                System.out.println("bench: starting the local network in " + data);
                long t0 = System.nanoTime();
                devnet = Devnet.start(Devnet.Options.benchmark(root, data)
                        .withArgs(Devnet.Service.GATEWAY, "--xmtp.gateway.rate-limits.enabled=false"));
                double startup = (System.nanoTime() - t0) / 1e9;
                results.put("startup_s", round(startup));
                target = new Target(
                        devnet.apiUrl(),
                        "http://127.0.0.1:" + devnet.ports(Devnet.Service.RELAY).get(0),
                        devnet.kafkaBootstrapServers(),
                        devnet);
                if (only.contains("FOOTPRINT")) {
                    results.put("footprint_at_rest", Footprint.atRest(devnet));
                }
            } else {
                target = new Target(url, relay, kafka, null);
            }
            LoadDriver driver = new LoadDriver();
            Api api = new Api(target.apiUrl(), settings.w1Wallets());
            KafkaFloor floor = target.kafkaBootstrap() == null
                    ? null
                    : new KafkaFloor(settings, api, driver, target.kafkaBootstrap());
            W1Publish w1 = new W1Publish(settings, api, driver);
            W2FanOut w2 = new W2FanOut(settings, api, driver, floor);
            System.out.println("bench: warming up (at most " + settings.warmup().toSeconds() + " s)");
            results.put(
                    "warmup_publish_rates",
                    new Warmup(settings, api, driver, w1)
                            .run().stream().map(Bench::round).toList());
            if ((only.contains("W2") || only.contains("W4"))
                    && !settings.warmup().isZero()) {
                // the stream path has its own code for the JIT to compile: a W2 pass that is not recorded
                w2.run("warmup", w2.warmupPass(), false);
            }
            if (only.contains("W1")) {
                List<Ladder.Cpu> cpu = devnet == null
                        ? List.of()
                        : List.of(
                                Ladder.Cpu.of(
                                        "gateway",
                                        devnet.pids(Devnet.Service.GATEWAY).get(0)),
                                Ladder.Cpu.of(
                                        "relay",
                                        devnet.pids(Devnet.Service.RELAY).get(0)));
                Ladder.CpuWindow window = Ladder.CpuWindow.open(cpu);
                Result r = w1.run();
                results.put("w1_publish", withCpu(r, window));
                table.add(r.row("W1 publish, " + settings.w1Clients() + " clients, " + settings.messageBytes() + " B"
                        + cpuNote(results.get("w1_publish"))));
                if (grpc != null) {
                    String host = grpc.equals("local") ? "127.0.0.1" : grpc.substring(0, grpc.lastIndexOf(':'));
                    int port = grpc.equals("local")
                            ? devnet.grpcPort()
                            : Integer.parseInt(grpc.substring(grpc.lastIndexOf(':') + 1));
                    W1GrpcPublish w1Grpc = new W1GrpcPublish(settings, api, driver, host, port);
                    System.out.println("bench: W1 over gRPC: warm-up 15 s, then "
                            + settings.duration().toSeconds() + " s");
                    w1Grpc.publish(Duration.ofSeconds(15), settings.w1Clients());
                    window = Ladder.CpuWindow.open(cpu);
                    Result g = w1Grpc.publish(settings.duration(), settings.w1Clients());
                    results.put("w1_publish_grpc", withCpu(g, window));
                    table.add(g.row("W1 publish over gRPC, " + settings.w1Clients() + " clients, "
                            + settings.messageBytes() + " B" + cpuNote(results.get("w1_publish_grpc"))));
                }
            }
            if (only.contains("W2")) {
                W2FanOut.FanOut r = w2.run("W2");
                results.put("w2_fanout", r.json());
                table.add(r.node()
                        .row("W2 publish → stream, " + settings.w2Subscribers() + " subscribers, " + settings.w2Rate()
                                + "/s"));
                if (r.floor() != null) {
                    table.add(r.floor().row("W2 floor: bare Kafka producer → consumer, " + settings.w2Rate() + "/s"));
                }
            }
            if (only.contains("W3")) {
                W3Query.Queries r = new W3Query(settings, api, driver).run();
                results.put("w3_query", r.query().json());
                results.put("w3_batch_query", r.batch().json());
                results.put("w3_load", r.load().json());
                table.add(r.load()
                        .row("W3 load: " + settings.w3Envelopes() + " envelopes, " + settings.w3Topics()
                                + " topics (100 per publish)"));
                table.add(r.query().row("W3 query, 100 per page, " + settings.w3Clients() + " clients"));
                table.add(r.batch()
                        .row("W3 batch-query of " + settings.w3BatchSize() + " (limit " + settings.w3BatchLimit()
                                + " each), " + settings.w3Clients() + " clients"));
            }
            if (only.contains("W4") && target.relayUrl() != null) {
                W4IdleStreams.Streams r = new W4IdleStreams(settings, api, driver, target, w2).run();
                results.put("w4_streams", r.memory());
                results.put("w4_fanout_with_streams", r.fanOut().json());
                table.add(r.fanOut()
                        .node()
                        .row("W4: W2 with " + settings.w4Streams() + " idle streams open on the relay"));
            }
            if (only.contains("FOOTPRINT") && devnet != null) {
                results.put("footprint", Footprint.of(devnet));
            }
        } finally {
            if (devnet != null) {
                devnet.close();
            }
            if (devnetData != null) {
                deleteTree(devnetData);
            }
        }
        results.put("settings", settings.json());
        results.put("machine", Footprint.machine());
        results.put("elapsed_s", round((System.nanoTime() - startNs) / 1e9));
        write(out, results, table, quick);
    }

    static void ladder(Settings settings, Path out, boolean quick, boolean profile) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path data = Files.createTempDirectory(root.resolve("bench"), "ladder-");
        long startNs = System.nanoTime();
        List<String[]> table = new ArrayList<>();
        Map<String, Object> results = new LinkedHashMap<>();
        Path profiles = profile ? out.resolve("ladder-profiles-" + STAMP.format(Instant.now())) : null;
        Ladder ladder = new Ladder(settings, root, data, quick, profiles);
        try {
            results.put("steps", ladder.run(table));
        } finally {
            deleteTree(data);
        }
        results.put("machine", Footprint.machine());
        results.put("elapsed_s", round((System.nanoTime() - startNs) / 1e9));
        StringBuilder md = new StringBuilder(
                "| hop | floor | floor µs CPU/request, at its most | floor µs CPU/request, at our rate | ours"
                        + " | ours µs CPU/request | ratio | rates (floor at its most / ours) |\n"
                        + "|---|---|---:|---:|---|---:|---:|---|\n");
        for (String[] row : table) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        ladder.hottest().forEach((file, frames) -> {
            md.append("\n").append(file).append(" (").append(profiles).append("), hottest frames by self time:\n");
            frames.forEach(f -> md.append("- `").append(f).append("`\n"));
        });
        md.append("\nMachine: ").append(results.get("machine")).append('\n');
        writeFiles(out, "ladder", quick, results, md.toString());
    }

    static void write(Path out, Map<String, Object> results, List<String[]> table, boolean quick) throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("| workload | rate | p50 | p99 | p99.9 | max | n |\n|---|---|---|---|---|---|---|\n");
        for (String[] row : table) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        Object streams = results.get("w4_streams");
        if (streams != null) {
            md.append("\nW4 idle streams: ").append(streams).append('\n');
        }
        Object footprint = results.get("footprint");
        if (footprint != null) {
            md.append("\nFootprint: startup ")
                    .append(results.get("startup_s"))
                    .append(" s; at rest ")
                    .append(results.get("footprint_at_rest"))
                    .append("; after the run ")
                    .append(footprint)
                    .append('\n');
        }
        md.append("\nMachine: ").append(results.get("machine")).append('\n');
        writeFiles(out, "bench", quick, results, md.toString());
        System.out.println(summary(results));
    }

    /** Writes {@code <kind>-<time>[-quick].json} and {@code .md} to {@code out}, and prints the Markdown. */
    static void writeFiles(Path out, String kind, boolean quick, Map<String, Object> results, String md)
            throws IOException {
        Files.createDirectories(out);
        String name = kind + "-" + STAMP.format(Instant.now()) + (quick ? "-quick" : "");
        Files.writeString(
                out.resolve(name + ".json"),
                new GsonBuilder()
                                .setPrettyPrinting()
                                .serializeSpecialFloatingPointValues()
                                .create()
                                .toJson(results) + "\n");
        Files.writeString(out.resolve(name + ".md"), md);
        System.out.println();
        System.out.print(md);
        System.out.println();
        System.out.println("bench: wrote " + out.resolve(name + ".md") + " and .json");
    }

    @SuppressWarnings("unchecked")
    static String summary(Map<String, Object> r) {
        List<String> parts = new ArrayList<>();
        if (r.get("w1_publish") instanceof Map<?, ?> w1) {
            parts.add(String.format(
                    Locale.ROOT, "W1 %.0f publishes/s (p99 %s ms)", (Double) w1.get("per_second"), w1.get("p99_ms")));
        }
        if (r.get("w2_fanout") instanceof Map<?, ?> w2) {
            Map<String, Object> node = (Map<String, Object>) w2.get("node");
            Object ratio = w2.get("p99_ratio_to_floor");
            parts.add("W2 p99 " + node.get("p99_ms") + " ms" + (ratio == null ? "" : " (" + ratio + "× Kafka's)"));
        }
        if (r.get("w3_query") instanceof Map<?, ?> w3) {
            parts.add(String.format(
                    Locale.ROOT, "W3 %.0f queries/s (p99 %s ms)", (Double) w3.get("per_second"), w3.get("p99_ms")));
        }
        if (r.get("w4_streams") instanceof Map<?, ?> w4) {
            parts.add("W4 " + w4.get("heap_per_stream_kib") + " KiB heap/stream");
        }
        return "bench summary: " + String.join("; ", parts);
    }

    /** The result's JSON with each process's CPU per operation over the window, in µs. */
    static Map<String, Object> withCpu(Result r, Ladder.CpuWindow window) {
        Map<String, Object> m = r.json();
        if (!window.empty() && r.count() > 0) {
            Map<String, Object> cpu = new LinkedHashMap<>();
            window.seconds().forEach((process, seconds) -> cpu.put(process, round(seconds * 1e6 / r.count())));
            m.put("cpu_us_per_publish", cpu);
        }
        return m;
    }

    static String cpuNote(Object json) {
        return json instanceof Map<?, ?> m && m.get("cpu_us_per_publish") instanceof Map<?, ?> cpu
                ? " (CPU µs/publish: " + cpu.toString().replaceAll("[{}]", "") + ")"
                : "";
    }

    static void deleteTree(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.out.println("bench: could not delete " + dir + ": " + e);
        }
    }

    static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private Bench() {}
}
