package org.xmtpnode.relay.publish;

import io.netty.channel.ChannelOption;
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
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** Writes envelopes into this node's topic-service; completes once they are committed. */
@Component
public class StoreClient {

    private final WebClient web;
    private final String origin;
    private final java.time.Duration timeout;

    public StoreClient(RelayProperties properties) {
        ConnectionProvider pool = ConnectionProvider.builder("store").maxConnections(64)
                .pendingAcquireMaxCount(4096).build();
        HttpClient http = HttpClient.create(pool).option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000);
        this.web = WebClient.builder().baseUrl(properties.relay().storeUrl().toString())
                .clientConnector(new ReactorClientHttpConnector(http)).build();
        this.origin = properties.node().id();
        this.timeout = properties.relay().storeTimeout();
    }

    public Mono<Void> store(List<Envelope> envelopes) {
        byte[] body = StoreRequest.newBuilder().addAllEnvelopes(envelopes).setOriginNode(origin).build().toByteArray();
        return web.post().uri("/internal/v1/envelopes")
                .contentType(MediaType.parseMediaType("application/x-protobuf"))
                .bodyValue(body)
                .exchangeToMono(response -> {
                    if (response.statusCode().is2xxSuccessful()) {
                        return response.releaseBody();
                    }
                    int status = response.statusCode().value();
                    return response.releaseBody().then(Mono.error(status >= 500
                            ? ApiException.unavailable("the message store is unavailable, retry later")
                            : ApiException.invalid("the message store refused the envelopes (HTTP " + status + ")")));
                })
                .timeout(timeout, Mono.error(() -> ApiException.unavailable("the message store did not answer in time")))
                .onErrorMap(WebClientRequestException.class,
                        e -> ApiException.unavailable("the message store is unavailable, retry later"));
    }
}
