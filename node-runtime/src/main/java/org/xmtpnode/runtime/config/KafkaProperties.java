package org.xmtpnode.runtime.config;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where envelopes travel between nodes ({@code xmtp.kafka.*}), shared by the services of a node.
 *
 * @param bootstrapServers Kafka brokers
 * @param topic the envelope log's topic (a service that finds it missing creates it with {@code partitions} and
 *     {@code replication-factor})
 * @param partitions partitions when a service creates the envelope topic
 * @param replicationFactor replication when a service creates a topic
 * @param lingerMs producer linger: concurrent sends share produce requests for up to this long (0: each at once)
 * @param deliveryTimeout how long a send waits for the brokers' acknowledgement before it fails (a publish then
 *     answers 503)
 * @param pollStallTimeout a log consumer that has not polled for this long (a handler retrying, a loop stuck)
 *     reports DOWN in its service's readiness
 */
@ConfigurationProperties("xmtp.kafka")
@Validated
public record KafkaProperties(
        @DefaultValue("127.0.0.1:9092") @NotBlank String bootstrapServers,
        @DefaultValue("xmtp.envelopes.v1") @NotBlank String topic,
        @DefaultValue("6") @Min(1) int partitions,
        @DefaultValue("1") @Min(1) short replicationFactor,
        @DefaultValue("1") @Min(0) int lingerMs,
        @DefaultValue("5s") @NotNull Duration deliveryTimeout,
        @DefaultValue("30s") @NotNull Duration pollStallTimeout) {}
