package org.xmtpnode.relay.publish;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import java.time.Duration;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.proto.internal.StoreRequest;
import org.xmtpnode.relay.config.RelayProperties;
import org.xmtpnode.runtime.config.NodeProperties;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The relay's client of its node's topic-service: writes envelopes into the store and completes once
 * they are committed. Concurrent publishes share store requests ({@link StoreBatcher}).
 */
@Component
public class TopicClient {

    private static final MediaType PROTOBUF = MediaType.parseMediaType("application/x-protobuf");

    private final WebClient web;
    private final String origin;
    private final StoreBatcher batcher;
    private final Duration timeout;

    public TopicClient(RelayProperties properties, NodeProperties node, MeterRegistry meters) {
        RelayProperties.StoreBatch limits = properties.storeBatch();
        ConnectionProvider pool = ConnectionProvider.builder("store")
                .maxConnections(Math.max(8, limits.maxInFlight()))
                .pendingAcquireMaxCount(4096)
                .build();
        HttpClient http = HttpClient.create(pool).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000);
        this.web = WebClient.builder()
                .baseUrl(properties.topicUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(http))
                .build();
        this.origin = node.id();
        this.timeout = properties.topicTimeout();
        DistributionSummary callers = DistributionSummary.builder("relay.store.batch.publishes")
                .description("publishes that shared one store request")
                .register(meters);
        DistributionSummary envelopes = DistributionSummary.builder("relay.store.batch.envelopes")
                .description("envelopes in one store request")
                .register(meters);
        this.batcher = new StoreBatcher(
                this::send,
                limits.maxInFlight(),
                limits.maxBytes().toBytes(),
                limits.maxQueuedEnvelopes(),
                properties.topicTimeout(),
                (n, e) -> {
                    callers.record(n);
                    envelopes.record(e);
                });
        Gauge.builder("relay.store.queued", batcher, StoreBatcher::queued)
                .description("envelopes waiting for a store request")
                .register(meters);
    }

    /** Completes once these envelopes are committed; fails with 503 / code 14 when the store is unavailable. */
    public Mono<Void> store(List<Envelope> envelopes) {
        return batcher.store(envelopes);
    }

    private Mono<Void> send(List<Envelope> envelopes) {
        byte[] body = StoreRequest.newBuilder()
                .addAllEnvelopes(envelopes)
                .setOriginNode(origin)
                .build()
                .toByteArray();
        return web.post()
                .uri("/internal/v1/envelopes")
                .contentType(PROTOBUF)
                .bodyValue(body)
                .exchangeToMono(response -> {
                    if (response.statusCode().is2xxSuccessful()) {
                        return response.releaseBody();
                    }
                    int status = response.statusCode().value();
                    return response.releaseBody()
                            .then(Mono.error(
                                    status >= 500
                                            ? ApiException.unavailable("the message store is unavailable, retry later")
                                            : ApiException.invalid(
                                                    "the message store refused the envelopes (HTTP " + status + ")")));
                })
                .timeout(
                        timeout, Mono.error(() -> ApiException.unavailable("the message store did not answer in time")))
                .onErrorMap(
                        WebClientRequestException.class,
                        e -> ApiException.unavailable("the message store is unavailable, retry later"));
    }
}
