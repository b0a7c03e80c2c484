package org.xmtpnode.topic.config;

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
 * topic-service settings ({@code xmtp.*}).
 *
 * @param node  this node
 * @param kafka where envelopes travel between nodes
 * @param store limits of the store's own endpoints
 */
@ConfigurationProperties("xmtp")
@Validated
public record TopicProperties(
        @Valid Node node,
        @Valid Kafka kafka,
        @Valid Store store,
        @Valid Outbox outbox,
        @Valid CatchUp catchUp) {

    /**
     * @param bootstrapUrl this node's bootstrap-service, where a joining node finds a peer to copy the
     *                     history Kafka no longer holds (unset: no peer copy; readiness then waits
     *                     for Kafka only and logs the gap)
     * @param pageSize     envelopes per page copied from the peer
     */
    public record CatchUp(
            URI bootstrapUrl, @Min(1) @Max(5000) int pageSize) {}

    /**
     * @param grace    how long after the store the relay has to get an envelope into Kafka before the
     *                 outbox publisher sends it
     * @param interval how often the outbox publisher looks
     * @param batch    most envelopes sent per look
     */
    public record Outbox(
            @NotNull Duration grace,
            @NotNull Duration interval,
            @Min(1) int batch) {}

    /** @param id the id this node stamps on the envelopes it originates */
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

    /** @param maxRequestBytes largest body the store's endpoints read */
    public record Store(@Min(1024) int maxRequestBytes) {}
}
