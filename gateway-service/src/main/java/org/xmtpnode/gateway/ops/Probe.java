package org.xmtpnode.gateway.ops;

import com.google.protobuf.ByteString;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.xmtpnode.client.api.AuthTokenIssuer;
import org.xmtpnode.client.identity.IdentityKeys;
import org.xmtpnode.client.identity.LocalWallet;
import org.xmtpnode.core.Topics;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.gateway.nodes.NodeDirectory;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.PublishRequest;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The synthetic end-to-end probe: every interval, for each serving node, subscribe on one of its relays to
 * an ephemeral topic of this gateway's own ({@code /xmtp/0/mE-probe-<wallet>-<node>/proto}), wait for the
 * stream's first heartbeat (the subscription is registered), publish one envelope there with the
 * gateway's own identity (a random wallet made at start, as a client makes one), and time its arrival on
 * the stream: the relay, Kafka and the fan-out, the write path but the store (ephemeral topics are never
 * stored). Meters per node: {@code probe.roundtrip} (timer), {@code probe.failures}, {@code probe.up}
 * (1 when the last round trip succeeded). A node that leaves the rotation counts as failing until it is
 * back or {@value #FORGET_MINUTES} minutes have passed.
 */
@Component
public class Probe implements SmartLifecycle {

    static final long FORGET_MINUTES = 15;

    private static final Logger log = LoggerFactory.getLogger(Probe.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The last round trip to one node. */
    public record Result(String node, boolean ok, long roundTripMillis, String error, Instant at) {}

    private final OpsProperties.Probe settings;
    private final NodeDirectory directory;
    private final MeterRegistry meters;
    private final Clock clock;
    private final WebClient http = WebClient.create();
    private final String wallet;
    private final AuthTokenIssuer tokens;
    private final Map<String, Result> last = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> up = new ConcurrentHashMap<>();
    private Disposable ticker;

    public Probe(OpsProperties properties, NodeDirectory directory, MeterRegistry meters, Clock clock) {
        this.settings = properties.probe();
        this.directory = directory;
        this.meters = meters;
        this.clock = clock;
        LocalWallet identity = LocalWallet.generate();
        this.wallet = identity.address();
        this.tokens = new AuthTokenIssuer(IdentityKeys.generate(identity, clock), clock);
    }

    /** The last result per node, by node id. */
    public Map<String, Result> results() {
        return Map.copyOf(last);
    }

    public boolean enabled() {
        return settings.enabled();
    }

    /** The probe's topic on a node. */
    public String topic(String node) {
        return Topics.PREFIX + "mE-probe-" + wallet + "-" + node + "/proto";
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            return;
        }
        ticker = Flux.interval(settings.interval(), settings.interval())
                .onBackpressureDrop()
                .concatMap(tick -> round().onErrorResume(e -> Mono.empty()), 1)
                .subscribe();
    }

    private Mono<Void> round() {
        Map<String, URI> relays = new LinkedHashMap<>();
        for (ServiceInstance i : directory.instances(NodeDirectory.RELAY)) {
            relays.putIfAbsent(i.getMetadata().getOrDefault("node", i.getInstanceId()), i.getUri());
        }
        Instant now = clock.instant();
        for (Result r : List.copyOf(last.values())) {
            if (!relays.containsKey(r.node())) {
                if (Duration.between(r.at(), now).toMinutes() >= FORGET_MINUTES && !r.ok()) {
                    last.remove(r.node());
                    up.remove(r.node());
                    meters.find("probe.up").tag("node", r.node()).meters().forEach(meters::remove);
                } else if (r.ok() || r.error() == null || !r.error().startsWith("not in rotation")) {
                    record(new Result(r.node(), false, -1, "not in rotation", now));
                }
            }
        }
        return Flux.fromIterable(relays.entrySet())
                .flatMap(e -> roundTrip(e.getKey(), e.getValue()))
                .doOnNext(this::record)
                .then();
    }

    private Mono<Result> roundTrip(String node, URI relay) {
        byte[] message = new byte[18]; // a multiple of 3: its base64 has no padding to escape
        RANDOM.nextBytes(message);
        String marker = Base64.getEncoder().encodeToString(message);
        Instant sent = clock.instant();
        PublishRequest publish = PublishRequest.newBuilder()
                .addEnvelopes(Envelope.newBuilder()
                        .setContentTopic(topic(node))
                        .setTimestampNs(sent.getEpochSecond() * 1_000_000_000L + sent.getNano())
                        .setMessage(ByteString.copyFrom(message)))
                .build();
        AtomicLong publishedAt = new AtomicLong();
        return http.post()
                .uri(relay.resolve("/message/v1/subscribe"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"contentTopics\":[\"" + topic(node) + "\"]}")
                .retrieve()
                .bodyToFlux(String.class)
                .index()
                .flatMap(line -> {
                    if (line.getT1() == 0) { // the first heartbeat: the subscription is in place
                        publishedAt.set(System.nanoTime());
                        return http.post()
                                .uri(relay.resolve("/message/v1/publish"))
                                .contentType(MediaType.APPLICATION_JSON)
                                .header(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.token())
                                .bodyValue(WireJson.print(publish))
                                .retrieve()
                                .toBodilessEntity()
                                .then(Mono.<Long>empty());
                    }
                    return line.getT2().contains(marker)
                            ? Mono.just(System.nanoTime() - publishedAt.get())
                            : Mono.<Long>empty();
                })
                .next()
                .timeout(settings.timeout())
                .map(nanos -> new Result(node, true, TimeUnit.NANOSECONDS.toMillis(nanos), null, clock.instant()))
                .switchIfEmpty(
                        Mono.fromSupplier(() -> new Result(node, false, -1, "the stream ended", clock.instant())))
                .onErrorResume(e -> Mono.just(new Result(node, false, -1, describe(e), clock.instant())));
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + (m.length() > 200 ? m.substring(0, 200) : m));
    }

    private void record(Result r) {
        Result before = last.put(r.node(), r);
        up.computeIfAbsent(r.node(), n -> {
                    AtomicLong value = new AtomicLong();
                    Gauge.builder("probe.up", value, AtomicLong::get)
                            .description("1 when the probe's last round trip through the node succeeded")
                            .tag("node", n)
                            .register(meters);
                    return value;
                })
                .set(r.ok() ? 1 : 0);
        if (r.ok()) {
            Timer.builder("probe.roundtrip")
                    .description("the probe's publish to its arrival on a stream, through one node")
                    .tag("node", r.node())
                    .publishPercentiles(0.5, 0.99)
                    .register(meters)
                    .record(r.roundTripMillis(), TimeUnit.MILLISECONDS);
        } else {
            Counter.builder("probe.failures")
                    .description("probe round trips that failed or took longer than the timeout")
                    .tag("node", r.node())
                    .register(meters)
                    .increment();
            if (before == null || before.ok()) {
                log.warn("probe through node {} failed: {}", r.node(), r.error());
            }
        }
    }

    @Override
    public void stop() {
        if (ticker != null) {
            ticker.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return ticker != null && !ticker.isDisposed();
    }
}
