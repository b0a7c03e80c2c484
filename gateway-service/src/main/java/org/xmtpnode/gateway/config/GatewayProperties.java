package org.xmtpnode.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * gateway-service settings ({@code xmtp.gateway.*}).
 *
 * @param bootstrapUrls bootstrap services to learn the network's nodes from (any one answers for all); empty:
 *     one node at the three static URLs below
 * @param discoveryInterval how often the node list is refreshed
 * @param relayUrl without bootstrap: the relay-service that takes publish and subscribe
 * @param topicUrl without bootstrap: the topic-service that answers query and batch-query
 * @param keystoreUrl without bootstrap: the keystore-service that answers key lookups
 * @param ejectFor how long an instance that refused a connection is left out of rotation
 * @param maxBodyBytes request body caps; a larger body gets 413 before it reaches a service
 * @param rateLimits token buckets per client IP and per wallet
 * @param trustedProxies CIDR ranges of proxies whose X-Forwarded-For names the client
 * @param authRequired publishes need a wallet's auth token (off only for local experiments)
 * @param tokenCacheSize verified tokens remembered until they expire
 * @param grpc the gRPC {@code MessageApi}, beside the REST one
 */
@ConfigurationProperties("xmtp.gateway")
@Validated
public record GatewayProperties(
        @DefaultValue("http://127.0.0.1:5104") @NotNull List<URI> bootstrapUrls,
        @DefaultValue("2s") @NotNull Duration discoveryInterval,
        URI relayUrl,
        URI topicUrl,
        URI keystoreUrl,
        @DefaultValue("10s") @NotNull Duration ejectFor,
        @DefaultValue @Valid @NotNull MaxBodyBytes maxBodyBytes,
        @DefaultValue @Valid @NotNull RateLimits rateLimits,
        @DefaultValue({"127.0.0.0/8", "::1/128"}) @NotNull List<String> trustedProxies,
        @DefaultValue("true") boolean authRequired,
        @DefaultValue("100000") @Min(1) int tokenCacheSize,
        @DefaultValue @Valid @NotNull Grpc grpc) {

    /**
     * The reference node's gRPC {@code xmtp.message_api.v1.MessageApi}, with the REST API's limits, checks and
     * error codes. Plaintext HTTP/2 (h2c) unless a certificate and key are given, then TLS only.
     *
     * @param enabled serve it
     * @param port its port (the reference node's 5556)
     * @param address the address to listen on; empty: every interface
     * @param certificateChain PEM certificate chain for TLS
     * @param privateKey PEM private key (PKCS#8) of that certificate
     * @param streamBatch envelopes a stream forwards from its node before the client has taken them; a
     *     subscriber slower than that leaves them in the node's bounded buffer, whose overflow ends the
     *     stream with RESOURCE_EXHAUSTED
     */
    public record Grpc(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("5556") @Min(0) int port,
            @DefaultValue("") @NotNull String address,
            Path certificateChain,
            Path privateKey,
            @DefaultValue("32") @Min(1) int streamBatch) {}

    /**
     * Token buckets in Redis, shared by every gateway replica. Cost: envelopes per publish, queries per batch
     * query, 1 for any other call.
     *
     * @param enabled off only for local experiments
     * @param read per client IP: query, batch-query, subscribe, key lookups
     * @param publish per client IP and, separately, per wallet: publish
     * @param redisTimeout how long to wait for Redis before letting the request through (fail open)
     */
    public record RateLimits(
            @DefaultValue("true") boolean enabled,
            @DefaultValue @Valid @NotNull ReadBucket read,
            @DefaultValue @Valid @NotNull PublishBucket publish,
            @DefaultValue("200ms") @NotNull Duration redisTimeout) {}

    /** A token bucket: a capacity and its refill. */
    public interface Bucket {
        long perMinute();

        long burst();

        default double refillPerMilli() {
            return perMinute() / 60_000.0;
        }
    }

    /**
     * The reference node's default limit, per client IP.
     *
     * @param perMinute refill per minute
     * @param burst capacity
     */
    public record ReadBucket(
            @DefaultValue("2000") @Min(1) long perMinute,
            @DefaultValue("10000") @Min(1) long burst) implements Bucket {}

    /**
     * The reference node's publish limit, per client IP and per wallet.
     *
     * @param perMinute refill per minute
     * @param burst capacity
     */
    public record PublishBucket(
            @DefaultValue("200") @Min(1) long perMinute,
            @DefaultValue("1000") @Min(1) long burst) implements Bucket {}

    /**
     * @param publish {@code /message/v1/publish}
     * @param subscribe {@code /message/v1/subscribe} (a wallet may follow thousands of topics)
     * @param other every other path
     */
    public record MaxBodyBytes(
            @DefaultValue("8388608") @Min(1024) long publish,
            @DefaultValue("2097152") @Min(1024) long subscribe,
            @DefaultValue("1048576") @Min(1024) long other) {

        public long forPath(String path) {
            return switch (path) {
                case "/message/v1/publish" -> publish;
                case "/message/v1/subscribe" -> subscribe;
                default -> other;
            };
        }
    }
}
