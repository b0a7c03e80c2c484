package org.xmtpnode.bootstrap.config;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * bootstrap-service settings ({@code xmtp.bootstrap.*}): how this node announces itself and how the
 * registry judges every node's records. The node id and Kafka settings are node-runtime's.
 *
 * @param publicUrl where clients reach this node
 * @param region free text, e.g. {@code eu-west-1}
 * @param relayUrls this node's relay-service instances
 * @param topicUrls this node's topic-service instances
 * @param keystoreUrls this node's keystore-service instances; each heartbeat lists only the instances whose
 *     readiness probe ({@code /actuator/health/readiness}) answers 200, and the node is serving once every
 *     service has been ready
 * @param signingKeyFile where the node's secp256k1 key lives (created, mode 600, when missing)
 * @param registryTopic the compacted Kafka topic every node's records go to (created if missing)
 * @param heartbeatInterval how often this node re-announces itself
 * @param livenessTtl a node whose last heartbeat is older than this is not listed
 * @param trustedKeys signing keys (hex, uncompressed) allowed to announce; empty: any key, pinned to its node
 *     id on first sight
 */
@ConfigurationProperties("xmtp.bootstrap")
@Validated
public record BootstrapProperties(
        @DefaultValue("http://127.0.0.1:5555") @NotNull URI publicUrl,
        @DefaultValue("local") @NotNull String region,
        @DefaultValue("http://127.0.0.1:5101") @NotNull List<URI> relayUrls,
        @DefaultValue("http://127.0.0.1:5102") @NotNull List<URI> topicUrls,
        @DefaultValue("http://127.0.0.1:5103") @NotNull List<URI> keystoreUrls,
        @DefaultValue("./node-key.hex") @NotNull Path signingKeyFile,
        @DefaultValue("xmtp.nodes.v1") @NotBlank String registryTopic,
        @DefaultValue("2s") @NotNull Duration heartbeatInterval,
        @DefaultValue("10s") @NotNull Duration livenessTtl,
        @DefaultValue @NotNull List<String> trustedKeys) {}
