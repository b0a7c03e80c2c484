package org.xmtpnode.relay.subscribe;

import java.time.Duration;
import java.util.List;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.Limits;
import org.xmtpnode.core.Topics;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.proto.api.SubscribeRequest;
import org.xmtpnode.relay.config.RelayProperties;
import org.xmtpnode.runtime.web.RequestBodies;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Live streams: 200, then one {@code {"result":<envelope>}} line per envelope, each flushed, and a
 * {@code {"result":{}}} heartbeat at once and then while idle. A subscriber that falls more than its
 * buffer behind gets an error line and the stream ends; clients then resubscribe.
 */
@RestController
public class SubscribeController {

    /** Request header: a subscription whose topics {@link #change} may replace. */
    public static final String CHANGEABLE = "Xmtp-Changeable";
    /** Response header: the id of a changeable subscription. */
    public static final String SUBSCRIPTION_ID = "Xmtp-Subscription-Id";

    private static final byte[] EMPTY_OBJECT = {'{', '}'};
    private static final byte[] END = new byte[0];
    private static final byte[] OVERFLOW_LINE = WireJson.streamLineError(
            GrpcCode.RESOURCE_EXHAUSTED,
            "subscriber fell too far behind and was closed; resubscribe and query for the gap");

    private final SubscriptionRegistry registry;
    private final Duration heartbeat;
    private final int maxBodyBytes;

    public SubscribeController(SubscriptionRegistry registry, RelayProperties properties) {
        this.registry = registry;
        this.heartbeat = properties.heartbeatInterval();
        this.maxBodyBytes = properties.maxRequestBytes();
    }

    /**
     * With {@value #CHANGEABLE}{@code : true} (the gateway's gRPC {@code Subscribe2}) the answer names the
     * subscription in {@value #SUBSCRIPTION_ID}, and {@link #change} can replace its topics while it streams.
     */
    @PostMapping(path = "/message/v1/subscribe")
    public Mono<Void> subscribe(ServerHttpRequest http, ServerHttpResponse response) {
        boolean changeable = "true".equals(http.getHeaders().getFirst(CHANGEABLE));
        return RequestBodies.read(http, maxBodyBytes).flatMap(body -> {
            List<String> topics = topics(body);
            Subscriber subscriber = registry.subscribe(topics, changeable);
            if (changeable) {
                response.getHeaders().set(SUBSCRIPTION_ID, subscriber.id());
            }
            return stream(subscriber, response);
        });
    }

    /**
     * Replaces the topics of a changeable subscription on this relay, atomically for the fan-out: an
     * envelope of a topic it keeps is streamed once, one of a topic it gains from now on. Internal: the
     * gateway calls it for a {@code SubscribeRequest} sent on an open {@code Subscribe2} stream.
     */
    @PostMapping(path = "/internal/v1/subscriptions/{id}")
    public Mono<ResponseEntity<byte[]>> change(@PathVariable String id, ServerHttpRequest http) {
        return RequestBodies.read(http, maxBodyBytes).map(body -> {
            List<String> topics = topics(body);
            if (!registry.change(id, topics)) {
                throw new ApiException(GrpcCode.NOT_FOUND, "no open subscription " + id + " on this relay");
            }
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(EMPTY_OBJECT);
        });
    }

    /** The topics of a subscribe request, checked: 1 to 10,000 valid topics. */
    private static List<String> topics(byte[] body) {
        List<String> topics =
                WireJson.parse(body, SubscribeRequest.newBuilder()).getContentTopicsList();
        if (topics.isEmpty()) {
            throw ApiException.invalid("subscribe needs at least one content topic");
        }
        if (topics.size() > Limits.MAX_SUBSCRIBE_TOPICS) {
            throw ApiException.invalid(
                    "a subscription holds at most " + Limits.MAX_SUBSCRIBE_TOPICS + " content topics");
        }
        topics.forEach(Topics::validate);
        return topics;
    }

    @PostMapping(path = "/message/v1/subscribe-all")
    public Mono<Void> subscribeAll(ServerHttpRequest http, ServerHttpResponse response) {
        // the body is {} and carries nothing; it is read (and capped) so the connection can be reused
        return RequestBodies.read(http, maxBodyBytes).then(Mono.defer(() -> stream(registry.subscribeAll(), response)));
    }

    private Mono<Void> stream(Subscriber subscriber, ServerHttpResponse response) {
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().set("Cache-Control", "no-cache");
        response.getHeaders().set("X-Accel-Buffering", "no");
        DataBufferFactory buffers = response.bufferFactory();
        Flux<byte[]> envelopes = subscriber
                .lines()
                .onErrorResume(Subscriber.Overflow.class, e -> Flux.just(OVERFLOW_LINE))
                .concatWith(Mono.just(END));
        Flux<byte[]> heartbeats = Flux.interval(Duration.ZERO, heartbeat).map(i -> WireJson.HEARTBEAT_LINE);
        Flux<Mono<DataBuffer>> lines = Flux.merge(envelopes, heartbeats)
                .takeWhile(line -> line != END)
                .map(line -> Mono.just(buffers.wrap(line)))
                .doFinally(signal -> registry.unsubscribe(subscriber));
        return response.writeAndFlushWith(lines);
    }
}
