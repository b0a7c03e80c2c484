package org.xmtpnode.gateway.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * gateway-service settings ({@code xmtp.gateway.*}).
 *
 * @param relayUrl       the relay-service that takes publish and subscribe
 * @param storeUrl       the topic-service that answers query and batch-query
 * @param keystoreUrl    the keystore-service that answers key lookups
 * @param maxBodyBytes   request body caps; a larger body gets 413 / code 3 before it reaches a service
 * @param rateLimits     token buckets per client IP and per wallet
 * @param trustedProxies CIDR ranges of proxies whose X-Forwarded-For names the client
 * @param authRequired   publishes need a wallet's auth token (off only for local experiments)
 * @param tokenCacheSize verified tokens remembered until they expire
 */
@ConfigurationProperties("xmtp.gateway")
@Validated
public record GatewayProperties(@NotNull URI relayUrl, @NotNull URI storeUrl, @NotNull URI keystoreUrl,
                                @Valid @NotNull MaxBodyBytes maxBodyBytes, @Valid @NotNull RateLimits rateLimits,
                                @NotNull List<String> trustedProxies, boolean authRequired, @Min(1) int tokenCacheSize) {

    /**
     * Token buckets in Redis, shared by every gateway replica. Cost: envelopes per publish, queries per
     * batch query, 1 for any other call.
     *
     * @param enabled      off only for local experiments
     * @param read         per client IP: query, batch-query, subscribe, key lookups
     * @param publish      per client IP and, separately, per wallet: publish
     * @param redisTimeout how long to wait for Redis before letting the request through (fail open)
     */
    public record RateLimits(boolean enabled, @Valid @NotNull Bucket read, @Valid @NotNull Bucket publish,
                             @NotNull Duration redisTimeout) {
    }

    /**
     * @param perMinute refill per minute
     * @param burst     capacity
     */
    public record Bucket(@Min(1) long perMinute, @Min(1) long burst) {

        public double refillPerMilli() {
            return perMinute / 60_000.0;
        }
    }

    /**
     * @param publish   {@code /message/v1/publish}
     * @param subscribe {@code /message/v1/subscribe} (a wallet may follow thousands of topics)
     * @param other     every other path
     */
    public record MaxBodyBytes(@Min(1024) long publish, @Min(1024) long subscribe,
                               @Min(1024) long other) {

        public long forPath(String path) {
            return switch (path) {
                case "/message/v1/publish" -> publish;
                case "/message/v1/subscribe" -> subscribe;
                default -> other;
            };
        }
    }
}
