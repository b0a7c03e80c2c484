package org.xmtpnode.topic.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * topic-service settings ({@code xmtp.topic.*}); the node and Kafka settings are node-runtime's.
 *
 * @param maxRequestBytes largest body the store's endpoints read
 * @param outbox how the store covers a relay that dies between the store and Kafka
 * @param catchUp how a joining node gets the history Kafka no longer holds
 */
@ConfigurationProperties("xmtp.topic")
@Validated
public record TopicProperties(
        @DefaultValue("16777216") @Min(1024) int maxRequestBytes,
        @DefaultValue @Valid @NotNull Outbox outbox,
        @DefaultValue @Valid @NotNull CatchUp catchUp) {

    /**
     * @param grace how long after the store the relay has to get an envelope into Kafka before the outbox
     *     publisher sends it
     * @param interval how often the outbox publisher looks
     * @param batch most envelopes sent per look
     */
    public record Outbox(
            @DefaultValue("10s") @NotNull Duration grace,
            @DefaultValue("2s") @NotNull Duration interval,
            @DefaultValue("500") @Min(1) int batch) {}

    /**
     * @param bootstrapUrl this node's bootstrap-service, where a joining node finds a serving peer to copy
     *     the history Kafka no longer holds (unset: no peer copy; readiness then waits for Kafka only and
     *     logs the gap)
     * @param pageSize envelopes per page copied from the peer
     */
    public record CatchUp(
            URI bootstrapUrl,
            @DefaultValue("1000") @Min(1) @Max(5000) int pageSize) {}
}
