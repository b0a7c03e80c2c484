package org.xmtpnode.gateway.ops.console;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.xmtpnode.gateway.config.GatewayProperties;
import org.xmtpnode.gateway.ops.OpsProperties;
import org.xmtpnode.gateway.ops.Probe;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the ops console shows: every sample interval it reads the registry ({@code /nodes/v1?all=true}
 * of a bootstrap service), every listed instance's {@code /actuator/prometheus} and the gateway's own
 * meters, turns counters into rates per second (per instance, so a restart or a missed scrape never
 * makes a negative rate), sums or takes the maximum per node, and keeps the samples of the history
 * window. Nothing but the network itself is needed: no Prometheus.
 */
@Component
@ConditionalOnProperty(prefix = "xmtp.gateway.ops.console", name = "enabled", matchIfMissing = true)
public class OpsConsole implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OpsConsole.class);

    /** One node as the registry lists it, with how many instances of each service are ready. */
    public record NodeView(
            String nodeId,
            String region,
            String version,
            String state,
            boolean live,
            String lastHeartbeat,
            Map<String, Integer> ready) {}

    /** One sample: the values of every series at one time ({@code n.<node>.<metric>}, {@code g.<metric>}). */
    public record Sample(long seq, long timeMillis, Map<String, Double> values) {}

    /** The probe's last result through one node. */
    public record ProbeView(String node, boolean ok, long roundTripMillis, String error, String at) {}

    /** What the console's page reads. */
    public record State(
            long intervalMillis,
            List<NodeView> nodes,
            boolean probeEnabled,
            List<ProbeView> probe,
            List<Sample> samples) {}

    private record Scrape(String node, String url, PrometheusText text) {}

    private final OpsProperties.Console settings;
    private final GatewayProperties gateway;
    private final ObjectProvider<PrometheusMeterRegistry> ownMeters;
    private final Probe probe;
    private final Clock clock;
    private final WebClient http = WebClient.create();
    private final ArrayDeque<Sample> history = new ArrayDeque<>();
    private final Map<String, Double> lastTotals = new HashMap<>();
    private volatile List<NodeView> nodes = List.of();
    private long lastTimeMillis;
    private long seq;
    private Disposable sampler;

    public OpsConsole(
            OpsProperties properties,
            GatewayProperties gateway,
            ObjectProvider<PrometheusMeterRegistry> ownMeters,
            Probe probe,
            Clock clock) {
        this.settings = properties.console();
        this.gateway = gateway;
        this.ownMeters = ownMeters;
        this.probe = probe;
        this.clock = clock;
    }

    /** The nodes, the probe and the samples after {@code since} (0: the whole history). */
    public synchronized State state(long since) {
        List<Sample> samples = history.stream().filter(s -> s.seq() > since).toList();
        List<ProbeView> probes = probe.results().values().stream()
                .sorted((a, b) -> a.node().compareTo(b.node()))
                .map(r -> new ProbeView(r.node(), r.ok(), r.roundTripMillis(), r.error(), r.at().toString()))
                .toList();
        return new State(settings.sampleInterval().toMillis(), nodes, probe.enabled(), probes, samples);
    }

    @Override
    public void start() {
        sampler = Flux.interval(Duration.ZERO, settings.sampleInterval())
                .onBackpressureDrop()
                .concatMap(
                        tick -> sample().onErrorResume(e -> {
                            log.debug("ops console sample failed: {}", e.toString());
                            return Mono.empty();
                        }),
                        1)
                .subscribe();
    }

    private Mono<Void> sample() {
        return registry()
                .flatMap(listed -> {
                    List<NodeView> views = new ArrayList<>();
                    List<Mono<Scrape>> scrapes = new ArrayList<>();
                    for (JsonNode n : listed) {
                        String id = n.path("nodeId").asString();
                        Map<String, Integer> ready = new LinkedHashMap<>();
                        for (String service : List.of("relay", "topic", "keystore")) {
                            JsonNode urls = n.path(service + "Urls");
                            ready.put(service, urls.size());
                            if (n.path("live").asBoolean()) {
                                for (JsonNode url : urls) {
                                    scrapes.add(scrape(id, url.asString()));
                                }
                            }
                        }
                        boolean live = n.path("live").asBoolean();
                        views.add(new NodeView(
                                id,
                                n.path("region").asString(""),
                                n.path("version").asString(""),
                                live ? n.path("state").asString("") : "silent",
                                live,
                                n.path("lastHeartbeat").asString(""),
                                ready));
                    }
                    return Flux.merge(scrapes).collectList().doOnNext(all -> record(views, all));
                })
                .then();
    }

    /** The registry's nodes, silent ones included; without bootstrap URLs, the one static node. */
    private Mono<List<JsonNode>> registry() {
        if (gateway.bootstrapUrls().isEmpty()) {
            ObjectNode node = JsonNodeFactory.instance
                    .objectNode()
                    .put("nodeId", "static")
                    .put("state", "serving")
                    .put("live", true);
            node.set("relayUrls", urls(gateway.relayUrl()));
            node.set("topicUrls", urls(gateway.topicUrl()));
            node.set("keystoreUrls", urls(gateway.keystoreUrl()));
            return Mono.just(List.of(node));
        }
        return Flux.fromIterable(gateway.bootstrapUrls())
                .concatMap(
                        url -> http.get()
                                .uri(url.resolve("/nodes/v1?all=true"))
                                .retrieve()
                                .bodyToMono(JsonNode.class)
                                .timeout(settings.scrapeTimeout())
                                .onErrorResume(e -> Mono.empty()),
                        1)
                .next()
                .map(body -> {
                    List<JsonNode> out = new ArrayList<>();
                    body.path("nodes").forEach(out::add);
                    return out;
                });
    }

    private static JsonNode urls(URI url) {
        return JsonNodeFactory.instance.arrayNode().add(url.toString());
    }

    private Mono<Scrape> scrape(String node, String url) {
        return http.get()
                .uri(URI.create(url).resolve("/actuator/prometheus"))
                .retrieve()
                .bodyToMono(String.class)
                .timeout(settings.scrapeTimeout())
                .map(text -> new Scrape(node, url, PrometheusText.parse(text)))
                .onErrorResume(e -> Mono.just(new Scrape(node, url, null)));
    }

    private synchronized void record(List<NodeView> views, List<Scrape> scrapes) {
        long now = clock.millis();
        double seconds = lastTimeMillis == 0 ? Double.NaN : (now - lastTimeMillis) / 1000.0;
        Map<String, Double> totals = new HashMap<>();
        Map<String, Double> values = new TreeMap<>();
        for (NodeView v : views) {
            if (v.live()) {
                values.put("n." + v.nodeId() + ".instances_listed", 0.0);
                values.put("n." + v.nodeId() + ".instances_scraped", 0.0);
            }
        }
        for (Scrape s : scrapes) {
            String n = "n." + s.node() + ".";
            values.merge(n + "instances_listed", 1.0, Double::sum);
            if (s.text() == null) {
                continue;
            }
            values.merge(n + "instances_scraped", 1.0, Double::sum);
            PrometheusText t = s.text();
            Map<String, Double> counters = new LinkedHashMap<>();
            counters.put(
                    "publishes",
                    t.sum("relay_publish_seconds_count", x -> x.label("outcome").equals("ok")));
            counters.put("envelopes", t.sum("relay_publish_envelopes_total"));
            counters.put("deliveries", t.sum("relay_stream_delivered_total"));
            counters.put("queries", t.sum("topic_query_seconds_count") + t.sum("topic_batch_query_seconds_count"));
            counters.put(
                    "stored",
                    t.sum("topic_store_envelopes_total", x -> x.label("result").equals("inserted")));
            rates(s.url(), n, counters, seconds, totals, values);
            gauge(values, n + "open_streams", t.sum("relay_subscribers"), Double::sum);
            gauge(values, n + "publish_p50_ms", 1000 * quantile(t, "relay_publish_seconds", "0.5"), Math::max);
            gauge(values, n + "publish_p99_ms", 1000 * quantile(t, "relay_publish_seconds", "0.99"), Math::max);
            gauge(values, n + "query_p99_ms", 1000 * quantile(t, "topic_query_seconds", "0.99"), Math::max);
            gauge(
                    values,
                    n + "replication_lag_p50_ms",
                    1000 * quantile(t, "topic_replication_lag_seconds", "0.5"),
                    Math::max);
            gauge(
                    values,
                    n + "replication_lag_p99_ms",
                    1000 * quantile(t, "topic_replication_lag_seconds", "0.99"),
                    Math::max);
            gauge(values, n + "outbox_backlog", t.max("topic_outbox_pending", x -> true), Math::max);
            gauge(values, n + "store_bytes", t.max("topic_store_bytes", x -> true), Math::max);
            t.maxBy("log_consumer_lag", "consumer")
                    .forEach((consumer, lag) -> gauge(values, n + "consumer_lag." + consumer, lag, Math::max));
        }
        PrometheusMeterRegistry own = ownMeters.getIfAvailable();
        if (own != null) {
            PrometheusText t = PrometheusText.parse(own.scrape());
            Map<String, Double> counters = new LinkedHashMap<>();
            t.sumBy("gateway_answers_total", "route", x -> true).forEach((k, v) -> counters.put("requests." + k, v));
            t.sumBy("gateway_answers_total", "code", x -> !x.label("code").equals("ok"))
                    .forEach((k, v) -> counters.put("errors." + k, v));
            // the gRPC MessageApi beside the REST one: calls by method, and the calls that ended in an error
            t.sumBy("grpc_server_calls_seconds_count", "method", x -> true)
                    .forEach((k, v) -> counters.put("grpc_calls." + k, v));
            t.sumBy(
                            "grpc_server_calls_seconds_count",
                            "status",
                            x -> !x.label("status").equals("OK"))
                    .forEach((k, v) -> counters.put("grpc_errors." + k, v));
            t.sumBy(
                            "gateway_ratelimit_total",
                            "kind",
                            x -> !x.label("outcome").equals("allowed")
                                    && !x.label("outcome").equals("failed_open"))
                    .forEach((k, v) -> counters.put("ratelimit_refusals." + k, v));
            counters.put("failopen", t.sum("gateway_ratelimit_failopen_total"));
            rates("gateway", "g.", counters, seconds, totals, values);
            values.put("g.failopen_total", t.sum("gateway_ratelimit_failopen_total"));
        }
        probe.results()
                .values()
                .forEach(r ->
                        values.put("p." + r.node() + ".roundtrip_ms", r.ok() ? (double) r.roundTripMillis() : -1.0));
        lastTotals.clear();
        lastTotals.putAll(totals);
        lastTimeMillis = now;
        nodes = List.copyOf(views);
        history.addLast(new Sample(++seq, now, values));
        while (history.size() > settings.samples()) {
            history.removeFirst();
        }
    }

    /** Each counter's rate per second since the last sample of the same instance, into {@code values}. */
    private void rates(
            String instance,
            String prefix,
            Map<String, Double> counters,
            double seconds,
            Map<String, Double> totals,
            Map<String, Double> values) {
        counters.forEach((key, total) -> {
            String id = instance + "|" + key;
            totals.put(id, total);
            Double before = lastTotals.get(id);
            double rate = before == null || !(seconds > 0) ? 0 : Math.max(0, total - before) / seconds;
            values.merge(prefix + key + "_per_s", rate, Double::sum);
        });
    }

    private static double quantile(PrometheusText t, String name, String q) {
        return t.max(
                name,
                x -> x.label("quantile").equals(q)
                        && (x.label("outcome").isEmpty() || x.label("outcome").equals("ok")));
    }

    private static void gauge(Map<String, Double> values, String key, double value, BinaryOperator<Double> merge) {
        if (Double.isFinite(value)) {
            values.merge(key, value, merge);
        }
    }

    @Override
    public void stop() {
        if (sampler != null) {
            sampler.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return sampler != null && !sampler.isDisposed();
    }
}
