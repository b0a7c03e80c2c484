package org.xmtpnode.gateway.grpc;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.Limits;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.gateway.nodes.EjectOnConnectFailure;
import org.xmtpnode.gateway.nodes.NodeDirectory;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.api.StreamLine;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gRPC service's calls to the nodes: the same message API paths the REST routes forward to, over the
 * same load balancer ({@code lb://relay}, {@code lb://topic}: round robin over the directory's instances),
 * the same HTTP client settings, and the same handling of a failed node: an instance that refused the
 * connection leaves rotation ({@link EjectOnConnectFailure}) and a call that failed with a 5xx or an I/O
 * error is tried again on the next instance, as the routes' {@code Retry} filters do (publish once,
 * queries and the opening of a stream twice, 20 ms backoff doubling to 200 ms). A node's error answer
 * becomes the {@link ApiException} it describes, so the gRPC status carries the node's own code and message.
 */
@Component
public class NodeCalls {

    /** Publish is retried once, queries twice: the REST routes' numbers. */
    public static final int PUBLISH_RETRIES = 1;

    public static final int QUERY_RETRIES = 2;

    /** A whole answer is held to build one protobuf: at most a full page of the largest envelopes. */
    private static final int MAX_ANSWER_BYTES = Limits.MAX_PAGE_SIZE * (Limits.MAX_MESSAGE_BYTES * 4 / 3 + 1024);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** A stream the relay opened: where it is and, when changeable, its id there. */
    public record Opened(URI relay, String id) {}

    private final LoadBalancerClientFactory balancers;
    private final NodeDirectory directory;
    private final WebClient calls;
    private final WebClient streams;

    public NodeCalls(LoadBalancerClientFactory balancers, NodeDirectory directory, HttpClient gatewayHttpClient) {
        this.balancers = balancers;
        this.directory = directory;
        this.calls = client(gatewayHttpClient);
        // streams stay open: no response timeout (the relay's heartbeats keep the connection busy)
        this.streams = client(gatewayHttpClient.responseTimeout(null));
    }

    private static WebClient client(HttpClient http) {
        return WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(MAX_ANSWER_BYTES))
                .build();
    }

    /** POSTs a message API body to an instance of the service and answers the node's 200 body. */
    public Mono<byte[]> post(String service, String path, byte[] body, String authorization, int retries) {
        return Mono.defer(() -> choose(service).flatMap(base -> post(base, path, body, authorization)))
                .retryWhen(retries(retries, NodeCalls::retryable));
    }

    /** POSTs to one known instance (a change of a stream that lives there). */
    public Mono<byte[]> post(URI base, String path, byte[] body, String authorization) {
        return calls.post()
                .uri(base.resolve(path))
                .headers(h -> headers(h, authorization))
                .bodyValue(body)
                .exchangeToMono(response -> response.bodyToMono(byte[].class)
                        .defaultIfEmpty(new byte[0])
                        .flatMap(bytes -> response.statusCode().is2xxSuccessful()
                                ? Mono.just(bytes)
                                : Mono.error(refusal(response, bytes))))
                .doOnError(e -> ejectIfRefused(base, e));
    }

    /**
     * Opens a stream on a relay: {@code onOpen} hears where once the relay answered (it has registered
     * the subscription by then), then the stream's envelopes follow. The relay's heartbeats are dropped;
     * its error line ends the stream with that error ({@code RESOURCE_EXHAUSTED} for a subscriber that fell
     * behind); its end ends the stream. An opening that failed before the relay answered (a refused or
     * dropped connection, a 5xx) is tried again on the next instance, as the REST routes retry a query.
     */
    public Flux<Envelope> subscribe(String path, byte[] body, boolean changeable, Consumer<Opened> onOpen) {
        return untilStarted(
                started -> Mono.defer(() -> choose(NodeDirectory.RELAY))
                        .flatMapMany(base -> streams.post()
                                .uri(base.resolve(path))
                                .headers(h -> {
                                    headers(h, null);
                                    if (changeable) {
                                        h.set(CHANGEABLE, "true");
                                    }
                                })
                                .bodyValue(body)
                                .exchangeToFlux(response -> {
                                    if (!response.statusCode().is2xxSuccessful()) {
                                        return response.bodyToMono(byte[].class)
                                                .defaultIfEmpty(new byte[0])
                                                .flatMapMany(bytes -> Flux.error(refusal(response, bytes)));
                                    }
                                    started.run();
                                    onOpen.accept(new Opened(
                                            base,
                                            response.headers().asHttpHeaders().getFirst(SUBSCRIPTION_ID)));
                                    return response.bodyToFlux(String.class).concatMap(NodeCalls::envelope);
                                })
                                .doOnError(e -> ejectIfRefused(base, e))),
                QUERY_RETRIES);
    }

    /**
     * Subscribes to {@code attempt} until it starts: an attempt that failed before it called its
     * {@code started} with an error worth retrying ({@link #retryable}) is made again, at most
     * {@code retries} times; once one has started, its failure ends the stream, since what it delivered is
     * not replayed.
     */
    static <T> Flux<T> untilStarted(Function<Runnable, Flux<T>> attempt, int retries) {
        return Flux.defer(() -> {
            AtomicBoolean started = new AtomicBoolean();
            return Flux.defer(() -> attempt.apply(() -> started.set(true)))
                    .retryWhen(retries(retries, e -> !started.get() && retryable(e)));
        });
    }

    /** The routes' backoff: 20 ms, doubling to 200 ms; the last failure is the answer. */
    private static Retry retries(int retries, Predicate<Throwable> when) {
        return Retry.backoff(retries, Duration.ofMillis(20))
                .maxBackoff(Duration.ofMillis(200))
                .filter(when)
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }

    /** The relay's request header for a stream whose topics may change (its {@code SubscribeController}). */
    static final String CHANGEABLE = "Xmtp-Changeable";
    /** The relay's answer header naming such a stream. */
    static final String SUBSCRIPTION_ID = "Xmtp-Subscription-Id";

    private static Mono<Envelope> envelope(String line) {
        if (line.isBlank()) {
            return Mono.empty();
        }
        StreamLine parsed = WireJson.parse(line.getBytes(StandardCharsets.UTF_8), StreamLine.newBuilder())
                .build();
        if (parsed.hasError()) {
            GrpcCode code = GrpcCode.forCode(parsed.getError().getCode());
            return Mono.error(new ApiException(
                    code == null ? GrpcCode.UNAVAILABLE : code,
                    parsed.getError().getMessage()));
        }
        Envelope e = parsed.getResult();
        return e.getContentTopic().isEmpty() ? Mono.empty() : Mono.just(e); // {} is a heartbeat
    }

    private Mono<URI> choose(String service) {
        return Mono.from(balancers.getInstance(service).choose()).map(NodeCalls::uri);
    }

    private static URI uri(Response<ServiceInstance> chosen) {
        if (!chosen.hasServer()) {
            throw ApiException.unavailable("no node serves this call now, retry later");
        }
        return chosen.getServer().getUri();
    }

    private static void headers(HttpHeaders h, String authorization) {
        h.setContentType(MediaType.APPLICATION_JSON);
        if (authorization != null) {
            h.set(HttpHeaders.AUTHORIZATION, authorization);
        }
    }

    private void ejectIfRefused(URI base, Throwable e) {
        if (EjectOnConnectFailure.refused(e)) {
            directory.eject(base);
        }
    }

    /** The node's error answer (the message API's {@code {"code","message"}} or problem+json) as it said it. */
    private static ApiException refusal(ClientResponse response, byte[] body) {
        int status = response.statusCode().value();
        GrpcCode code = null;
        String message = null;
        try {
            JsonNode json = JSON.readTree(body);
            code = json.has("code") ? GrpcCode.forCode(json.path("code").asInt()) : null;
            message = json.has("message")
                    ? json.path("message").asString()
                    : json.path("detail").asString(null);
        } catch (RuntimeException unreadable) {
            // keep the status's code
        }
        if (code == null) {
            code = GrpcCode.forHttpStatus(status);
        }
        return new ApiException(code, status, message == null ? "the node answered " + status : message);
    }

    private static boolean retryable(Throwable e) {
        if (e instanceof ApiException api) {
            return api.httpStatus() >= 500;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
