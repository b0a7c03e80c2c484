package org.xmtpnode.relay.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * relay-service settings ({@code xmtp.relay.*}); the node and Kafka settings are node-runtime's.
 *
 * @param topicUrl this node's topic-service, where publishes are stored before they go to Kafka
 * @param topicTimeout how long a publish waits for the store before it fails with 503
 * @param subscriberBuffer envelopes a subscriber may fall behind before it is closed
 * @param heartbeatInterval how often an idle stream gets {@code {"result":{}}}
 * @param dedupeWindow how many recent digests the fan-out remembers to stream a duplicate only once
 * @param maxRequestBytes largest request body read (publish: a few envelopes of up to 1 MiB, in base64)
 * @param authRequired publishes need a wallet's auth token (turn off only for local experiments)
 * @param tokenCacheSize verified tokens remembered until they expire
 * @param storeBatch how concurrent publishes share store requests (group commit)
 */
@ConfigurationProperties("xmtp.relay")
@Validated
public record RelayProperties(
        @DefaultValue("http://127.0.0.1:5102") @NotNull URI topicUrl,
        @DefaultValue("5s") @NotNull Duration topicTimeout,
        @DefaultValue("1024") @Min(16) int subscriberBuffer,
        @DefaultValue("25s") @NotNull Duration heartbeatInterval,
        @DefaultValue("100000") @Min(1000) int dedupeWindow,
        @DefaultValue("8388608") @Min(1024) int maxRequestBytes,
        @DefaultValue("true") boolean authRequired,
        @DefaultValue("100000") @Min(1) int tokenCacheSize,
        @DefaultValue @Valid @NotNull StoreBatch storeBatch) {

    /**
     * Group commit: publishes that arrive while the store requests are out share the next one (1 in flight
     * gave 1,714-2,079 publishes/s on the bench's W1, 2 in flight 1,378-1,451).
     *
     * @param maxInFlight store requests outstanding at once; publishes arriving meanwhile share the next
     * @param maxBytes envelope bytes per store request (a larger single publish goes alone)
     * @param maxQueuedEnvelopes envelopes waiting for a store request before publishes fail with 503
     */
    public record StoreBatch(
            @DefaultValue("1") @Min(1) int maxInFlight,
            @DefaultValue("4MB") @NotNull DataSize maxBytes,
            @DefaultValue("20000") @Min(1) int maxQueuedEnvelopes) {}
}
