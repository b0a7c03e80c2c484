package org.xmtpnode.keystore.config;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * keystore-service settings ({@code xmtp.keystore.*}); the node and Kafka settings are node-runtime's.
 *
 * @param cacheTtl how long a lookup stays in the Redis cache (updates evict it at once)
 * @param maxBatch most wallets in one batch lookup
 * @param topicUrl this node's topic-service: when the envelope log no longer holds part of the history, the
 *     key directory rebuilds it from the store's contact and private key topics once the store has caught up
 *     (unset: the gap is logged)
 */
@ConfigurationProperties("xmtp.keystore")
@Validated
public record KeystoreProperties(
        @DefaultValue("10m") @NotNull Duration cacheTtl,
        @DefaultValue("100") @Min(1) @Max(1000) int maxBatch,
        URI topicUrl) {}
