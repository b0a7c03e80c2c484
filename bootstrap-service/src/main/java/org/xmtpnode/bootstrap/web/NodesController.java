package org.xmtpnode.bootstrap.web;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.xmtpnode.bootstrap.registry.NodeRegistry;
import org.xmtpnode.bootstrap.registry.RegistryLog;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.proto.internal.SignedNodeRecord;

/**
 * The registry's HTTP face. {@code GET /nodes/v1} lists the live nodes (every bootstrap service of the
 * network reads the same topic, so each lists the same nodes); {@code POST /nodes/v1} takes a signed
 * record from a node that cannot reach Kafka itself, checks it and writes it to the registry topic.
 */
@RestController
public class NodesController {

    private static final Logger log = LoggerFactory.getLogger(NodesController.class);
    private static final int MAX_RECORD_BYTES = 16 * 1024;

    /** One node as listed. */
    public record NodeView(
            String nodeId,
            String publicUrl,
            String region,
            String version,
            String state,
            boolean live,
            List<String> relayUrls,
            List<String> topicUrls,
            List<String> keystoreUrls,
            String signingKey,
            Instant lastHeartbeat) {

        static NodeView of(NodeRegistry.Listed l) {
            NodeRecord r = l.record();
            return new NodeView(
                    r.getNodeId(),
                    r.getPublicUrl(),
                    r.getRegion(),
                    r.getVersion(),
                    r.getState().name().substring("STATE_".length()).toLowerCase(Locale.ROOT),
                    l.live(),
                    r.getRelayUrlsList(),
                    r.getTopicUrlsList(),
                    r.getKeystoreUrlsList(),
                    "0x" + HexFormat.of().formatHex(r.getSigningKey().toByteArray()),
                    Instant.ofEpochSecond(0, r.getIssuedAtNs()));
        }
    }

    public record NodeList(List<NodeView> nodes) {}

    private final NodeRegistry registry;
    private final RegistryLog registryLog;

    public NodesController(NodeRegistry registry, RegistryLog registryLog) {
        this.registry = registry;
        this.registryLog = registryLog;
    }

    /** Live nodes, sorted by id; {@code ?all=true} also lists the ones that left or went silent. */
    @GetMapping(value = "/nodes/v1", produces = MediaType.APPLICATION_JSON_VALUE)
    public NodeList list(@RequestParam(name = "all", defaultValue = "false") boolean all) {
        return new NodeList(registry.list().stream()
                .filter(l -> all || l.live())
                .map(NodeView::of)
                .toList());
    }

    /**
     * Body: {@code {"record": "<base64 NodeRecord>", "signature": "<base64, 65 bytes>"}}. 202 once the record
     * is in the registry topic; 400 for a malformed record, 403 for a bad signature or a key that may not
     * speak for the node id, 503 when the registry topic cannot be written.
     */
    @PostMapping(value = "/nodes/v1", consumes = MediaType.ALL_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, String> announce(@RequestBody(required = false) byte[] body) {
        if (body == null || body.length == 0 || body.length > MAX_RECORD_BYTES) {
            throw ApiException.invalid(
                    "the body must be a signed node record of at most " + MAX_RECORD_BYTES + " bytes");
        }
        SignedNodeRecord.Builder b = SignedNodeRecord.newBuilder();
        try {
            JsonFormat.parser().merge(new String(body, StandardCharsets.UTF_8), b);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw ApiException.invalid("the body is not a signed node record in JSON");
        }
        SignedNodeRecord signed = b.build();
        NodeRecord record;
        try {
            record = registry.check(signed);
        } catch (NodeRecords.Refused e) {
            registry.refused(e);
            log.warn("refused an announced node record: {}", e.getMessage());
            throw switch (e.reason()) {
                case "bad-signature", "key-mismatch", "untrusted-key" ->
                    new ApiException(GrpcCode.PERMISSION_DENIED, e.getMessage());
                default -> ApiException.invalid(e.getMessage());
            };
        }
        try {
            registryLog.write(record.getNodeId(), signed, Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("the registry is unavailable, retry later");
        } catch (ExecutionException | TimeoutException e) {
            log.warn("registry topic unavailable: {}", e.toString());
            throw ApiException.unavailable("the registry is unavailable, retry later");
        }
        return Map.of("nodeId", record.getNodeId());
    }
}
