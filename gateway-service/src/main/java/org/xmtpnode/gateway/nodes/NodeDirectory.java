package org.xmtpnode.gateway.nodes;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.xmtpnode.gateway.config.GatewayProperties;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The nodes the gateway balances over, per service ({@value #RELAY}, {@value #TOPIC}, {@value #KEYSTORE}):
 * every serving, live node the bootstrap registry lists, refreshed every discovery interval; the last
 * good list is kept while no bootstrap service answers. An instance that refused a connection is left
 * out for a while (it may be dead and not yet dropped from the registry). A service the registry
 * suddenly lists no instance of keeps its last instances (fail static). Without bootstrap URLs, one
 * node at the configured static URLs.
 */
@Component("nodes")
public class NodeDirectory implements SmartLifecycle, HealthIndicator {

    public static final String RELAY = "relay";
    public static final String TOPIC = "topic";
    public static final String KEYSTORE = "keystore";

    private static final Logger log = LoggerFactory.getLogger(NodeDirectory.class);

    private final GatewayProperties properties;
    private final WebClient http;
    private final Counter refreshFailures;
    private final Map<String, Long> ejectedUntil = new ConcurrentHashMap<>();
    private volatile Map<String, List<ServiceInstance>> instances;
    private volatile List<String> nodeIds = List.of();
    private volatile boolean loaded;
    private Disposable refresher;

    public NodeDirectory(GatewayProperties properties, MeterRegistry meters) {
        this.properties = properties;
        this.http = WebClient.create();
        this.refreshFailures = Counter.builder("gateway.nodes.refresh.failures")
                .description("node list refreshes no bootstrap service answered")
                .register(meters);
        meters.gauge("gateway.nodes.serving", this, d -> d.nodeIds.size());
        if (properties.bootstrapUrls().isEmpty()) {
            if (properties.relayUrl() == null || properties.topicUrl() == null || properties.keystoreUrl() == null) {
                throw new IllegalStateException(
                        "set xmtp.gateway.bootstrap-urls, or all of relay-url, topic-url and keystore-url");
            }
            instances = Map.of(
                    RELAY, List.of(instance(RELAY, "static", properties.relayUrl())),
                    TOPIC, List.of(instance(TOPIC, "static", properties.topicUrl())),
                    KEYSTORE, List.of(instance(KEYSTORE, "static", properties.keystoreUrl())));
            nodeIds = List.of("static");
            loaded = true;
        } else {
            instances = Map.of(RELAY, List.of(), TOPIC, List.of(), KEYSTORE, List.of());
        }
    }

    /** The instances of a service now in rotation. */
    public List<ServiceInstance> instances(String serviceId) {
        List<ServiceInstance> all = instances.getOrDefault(serviceId, List.of());
        if (ejectedUntil.isEmpty()) {
            return all;
        }
        long now = System.nanoTime();
        List<ServiceInstance> in = new ArrayList<>(all.size());
        for (ServiceInstance i : all) {
            Long until = ejectedUntil.get(i.getUri().toString());
            if (until == null || until - now < 0) {
                in.add(i);
            }
        }
        // every instance ejected: better to try them than to refuse outright
        return in.isEmpty() ? all : in;
    }

    /** A connection to this backend failed: leave it out of rotation for the eject period. */
    public void eject(URI backend) {
        String key = URI.create(backend.getScheme() + "://" + backend.getRawAuthority())
                .toString();
        Long before =
                ejectedUntil.put(key, System.nanoTime() + properties.ejectFor().toNanos());
        if (before == null || before - System.nanoTime() < 0) {
            log.warn(
                    "{} refused a connection: out of rotation for {} ms",
                    key,
                    properties.ejectFor().toMillis());
        }
    }

    public List<String> nodeIds() {
        return nodeIds;
    }

    @Override
    public void start() {
        if (properties.bootstrapUrls().isEmpty()) {
            return;
        }
        refresher = Flux.interval(Duration.ZERO, properties.discoveryInterval())
                .onBackpressureDrop()
                .concatMap(tick -> refresh().onErrorResume(e -> Mono.empty()), 1)
                .subscribe();
    }

    private Mono<Void> refresh() {
        return Flux.fromIterable(properties.bootstrapUrls())
                .concatMap(
                        url -> http.get()
                                .uri(url.resolve("/nodes/v1"))
                                .retrieve()
                                .bodyToMono(JsonNode.class)
                                .timeout(Duration.ofSeconds(2))
                                .onErrorResume(e -> {
                                    log.debug("bootstrap {} did not answer: {}", url, e.toString());
                                    return Mono.empty();
                                }),
                        1)
                .next()
                .switchIfEmpty(Mono.fromRunnable(() -> {
                    refreshFailures.increment();
                    log.warn("no bootstrap service answered; keeping the last node list ({} nodes)", nodeIds.size());
                }))
                .doOnNext(this::apply)
                .then();
    }

    private void apply(JsonNode body) {
        Map<String, List<ServiceInstance>> next =
                Map.of(RELAY, new ArrayList<>(), TOPIC, new ArrayList<>(), KEYSTORE, new ArrayList<>());
        List<String> ids = new ArrayList<>();
        for (JsonNode node : body.path("nodes")) {
            if (!node.path("live").asBoolean()
                    || !"serving".equals(node.path("state").asString())) {
                continue;
            }
            String id = node.path("nodeId").asString();
            ids.add(id);
            add(next.get(RELAY), RELAY, id, node.path("relayUrls"));
            add(next.get(TOPIC), TOPIC, id, node.path("topicUrls"));
            add(next.get(KEYSTORE), KEYSTORE, id, node.path("keystoreUrls"));
        }
        if (!ids.equals(nodeIds)) {
            log.info("serving nodes: {}", ids);
        }
        Map<String, List<ServiceInstance>> previous = instances;
        for (Map.Entry<String, List<ServiceInstance>> e : next.entrySet()) {
            List<ServiceInstance> before = previous.getOrDefault(e.getKey(), List.of());
            if (e.getValue().isEmpty() && !before.isEmpty()) {
                // fail static: a registry that lists nothing (Kafka down, every heartbeat late) would
                // otherwise stop all traffic; the last instances stay, passive ejection still applies
                log.warn("the registry lists no {} instance; keeping the last {}", e.getKey(), before.size());
                e.getValue().addAll(before);
            }
        }
        instances = Map.copyOf(next);
        nodeIds = List.copyOf(ids);
        loaded = true;
    }

    private static void add(List<ServiceInstance> into, String serviceId, String nodeId, JsonNode urls) {
        for (JsonNode url : urls) {
            try {
                into.add(instance(serviceId, nodeId, URI.create(url.asString())));
            } catch (IllegalArgumentException e) {
                log.warn("node {} lists a bad {} URL: {}", nodeId, serviceId, url);
            }
        }
    }

    private static ServiceInstance instance(String serviceId, String nodeId, URI url) {
        int port = url.getPort() != -1 ? url.getPort() : ("https".equals(url.getScheme()) ? 443 : 80);
        return new DefaultServiceInstance(
                nodeId + "@" + url.getRawAuthority(),
                serviceId,
                url.getHost(),
                port,
                "https".equals(url.getScheme()),
                Map.of("node", nodeId));
    }

    /** Up once the node list was loaded and every service has an instance (the {@code routing} group). */
    @Override
    public Health health() {
        boolean routable = loaded && instances.values().stream().noneMatch(List::isEmpty);
        return (routable ? Health.up() : Health.outOfService())
                .withDetail("nodes", nodeIds)
                .build();
    }

    @Override
    public void stop() {
        if (refresher != null) {
            refresher.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return refresher != null && !refresher.isDisposed();
    }
}
