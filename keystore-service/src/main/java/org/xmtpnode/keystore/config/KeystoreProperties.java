package org.xmtpnode.keystore.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * keystore-service settings ({@code xmtp.*}).
 *
 * @param node     this node
 * @param kafka    the envelope log this service reads
 * @param keystore lookup behaviour
 */
@ConfigurationProperties("xmtp")
@Validated
public record KeystoreProperties(
        @Valid Node node,
        @Valid Kafka kafka,
        @Valid Keystore keystore,
        @Valid CatchUp catchUp) {

    /**
     * @param storeUrl this node's topic-service: when the envelope log no longer holds part of the
     *                 history, the key directory rebuilds it from the store's contact and private
     *                 key topics once the store has caught up (unset: the gap is logged)
     */
    public record CatchUp(URI storeUrl) {}

    /** @param id this node's id (names the consumer group) */
    public record Node(@NotBlank String id) {}

    /**
     * @param bootstrapServers  Kafka brokers
     * @param topic             the envelope topic
     * @param partitions        partitions when this service creates the topic
     * @param replicationFactor replication when this service creates the topic
     */
    public record Kafka(
            @NotBlank String bootstrapServers,
            @NotBlank String topic,
            @Min(1) int partitions,
            @Min(1) short replicationFactor) {}

    /**
     * @param cacheTtl how long a lookup stays in the Redis cache (updates evict it at once)
     * @param maxBatch most wallets in one batch lookup
     */
    public record Keystore(
            @NotNull Duration cacheTtl, @Min(1) @Max(1000) int maxBatch) {}
}
