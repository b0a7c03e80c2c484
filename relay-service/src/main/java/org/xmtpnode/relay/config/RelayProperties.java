package org.xmtpnode.relay.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * relay-service settings ({@code xmtp.*}).
 *
 * @param node  this node
 * @param kafka where envelopes travel between nodes
 * @param relay publish and subscription behaviour
 */
@ConfigurationProperties("xmtp")
@Validated
public record RelayProperties(
        @Valid Node node, @Valid Kafka kafka, @Valid Relay relay) {

    /** @param id the id this node stamps on the envelopes it originates */
    public record Node(@NotBlank String id) {}

    /**
     * @param bootstrapServers  Kafka brokers
     * @param topic             the envelope topic
     * @param partitions        partitions when this service creates the topic
     * @param replicationFactor replication when this service creates the topic
     * @param lingerMs          producer linger: concurrent publishes share produce requests for up to this long (0: each at once)
     * @param deliveryTimeout   how long a publish waits for Kafka before it fails with 503
     */
    public record Kafka(
            @NotBlank String bootstrapServers,
            @NotBlank String topic,
            @Min(1) int partitions,
            @Min(1) short replicationFactor,
            @Min(0) int lingerMs,
            @NotNull Duration deliveryTimeout) {}

    /**
     * @param storeUrl          this node's topic-service
     * @param storeTimeout      how long a publish waits for the store before it fails with 503
     * @param subscriberBuffer  envelopes a subscriber may fall behind before it is closed
     * @param heartbeatInterval how often an idle stream gets {@code {"result":{}}}
     * @param dedupeWindow      how many recent digests the fan-out remembers to stream a duplicate only once
     * @param maxRequestBytes   largest request body read (publish: a few envelopes of up to 1 MiB, in base64)
     * @param authRequired      publishes need a wallet's auth token (turn off only for local experiments)
     * @param tokenCacheSize    verified tokens remembered until they expire
     * @param storeBatch        how concurrent publishes share store requests
     */
    public record Relay(
            @NotNull URI storeUrl,
            @NotNull Duration storeTimeout,
            @Min(16) int subscriberBuffer,
            @NotNull Duration heartbeatInterval,
            @Min(1000) int dedupeWindow,
            @Min(1024) int maxRequestBytes,
            boolean authRequired,
            @Min(1) int tokenCacheSize,
            @Valid @NotNull StoreBatch storeBatch) {}

    /**
     * @param maxInFlight        store requests outstanding at once; publishes arriving meanwhile share the next
     * @param maxBytes           envelope bytes per store request (a larger single publish goes alone)
     * @param maxQueuedEnvelopes envelopes waiting for a store request before publishes fail with 503
     */
    public record StoreBatch(
            @Min(1) int maxInFlight,
            @NotNull DataSize maxBytes,
            @Min(1) int maxQueuedEnvelopes) {}
}
