package org.xmtpnode.bootstrap.config;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * bootstrap-service settings ({@code xmtp.*}).
 *
 * @param node      this node, as it announces itself
 * @param kafka     the brokers the registry topic lives on
 * @param bootstrap the registry's behaviour
 */
@ConfigurationProperties("xmtp")
@Validated
public record BootstrapProperties(
        @Valid @NotNull Node node,
        @Valid @NotNull Kafka kafka,
        @Valid @NotNull Bootstrap bootstrap) {

    /**
     * @param id             the node id (also stamped on the envelopes the node originates)
     * @param publicUrl      where clients reach this node
     * @param region         free text, e.g. {@code eu-west-1}
     * @param relayUrls      this node's relay-service instances
     * @param storeUrls      this node's topic-service instances
     * @param keysUrls       this node's keystore-service instances; each heartbeat lists only the
     *                       instances whose readiness probe ({@code /actuator/health/readiness})
     *                       answers 200, and the node is serving once every service has been ready
     * @param signingKeyFile where the node's secp256k1 key lives (created, mode 600, when missing)
     */
    public record Node(
            @NotBlank String id,
            @NotNull URI publicUrl,
            @NotNull String region,
            @NotNull List<URI> relayUrls,
            @NotNull List<URI> storeUrls,
            @NotNull List<URI> keysUrls,
            @NotNull Path signingKeyFile) {}

    /**
     * @param bootstrapServers  Kafka brokers
     * @param replicationFactor replication when this service creates the registry topic
     */
    public record Kafka(@NotBlank String bootstrapServers, short replicationFactor) {}

    /**
     * @param topic             the compacted registry topic
     * @param heartbeatInterval how often this node re-announces itself
     * @param livenessTtl       a node whose last heartbeat is older than this is not listed
     * @param trustedKeys       signing keys (hex, uncompressed) allowed to announce; empty: any key,
     *                          pinned to its node id on first sight
     */
    public record Bootstrap(
            @NotBlank String topic,
            @NotNull Duration heartbeatInterval,
            @NotNull Duration livenessTtl,
            @NotNull List<String> trustedKeys) {}
}
