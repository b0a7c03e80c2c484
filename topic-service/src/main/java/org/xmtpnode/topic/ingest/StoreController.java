package org.xmtpnode.topic.ingest;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.Envelopes;
import org.xmtpnode.core.Topics;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.proto.internal.ExportPage;
import org.xmtpnode.proto.internal.ExportedEnvelope;
import org.xmtpnode.proto.internal.StoreRequest;
import org.xmtpnode.proto.internal.StoreResponse;
import org.xmtpnode.topic.config.TopicProperties;
import org.xmtpnode.topic.store.EnvelopeStore;
import org.xmtpnode.topic.store.StoredEnvelope;

/**
 * The relay's write into this node's store (internal: the gateway does not route it). Binary protobuf
 * {@code StoreRequest}; answers once the envelopes are committed, so a later query sees them.
 */
@RestController
public class StoreController {

    public static final String PROTOBUF = "application/x-protobuf";

    private final EnvelopeStore store;
    private final Counter inserted;
    private final Counter duplicates;

    private final Duration outboxGrace;

    public StoreController(EnvelopeStore store, MeterRegistry meters, TopicProperties properties) {
        this.store = store;
        this.outboxGrace = properties.outbox().grace();
        this.inserted = Counter.builder("topic.store.envelopes")
                .tag("result", "inserted")
                .tag("source", "relay")
                .register(meters);
        this.duplicates = Counter.builder("topic.store.envelopes")
                .tag("result", "duplicate")
                .tag("source", "relay")
                .register(meters);
    }

    @PostMapping(path = "/internal/v1/envelopes", consumes = MediaType.ALL_VALUE, produces = PROTOBUF)
    public ResponseEntity<byte[]> store(@RequestBody byte[] body) {
        StoreRequest request;
        try {
            request = StoreRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw ApiException.invalid("body is not a StoreRequest");
        }
        Envelopes.validate(PublishRequest.newBuilder()
                .addAllEnvelopes(request.getEnvelopesList())
                .build());
        if (request.getEnvelopesList().stream().anyMatch(e -> Topics.isEphemeral(e.getContentTopic()))) {
            throw ApiException.invalid("ephemeral envelopes are not stored");
        }
        if (request.getOriginNode().isBlank()) {
            throw ApiException.invalid("origin_node is required");
        }
        // this node's relay sends them to Kafka next; the outbox covers it dying before that
        int n = store.insert(request.getEnvelopesList(), request.getOriginNode(), outboxGrace);
        inserted.increment(n);
        duplicates.increment(request.getEnvelopesCount() - n);
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(PROTOBUF))
                .body(StoreResponse.newBuilder().setInserted(n).build().toByteArray());
    }

    /**
     * One page of everything stored, in digest order: how a joining node copies history that Kafka no
     * longer holds. {@code after} is the hex digest the previous page ended at (absent for the first);
     * {@code prefix}, if given, keeps only content topics that start with it.
     */
    @GetMapping(path = "/internal/v1/envelopes", produces = PROTOBUF)
    public ResponseEntity<byte[]> export(
            @RequestParam(name = "after", required = false) String after,
            @RequestParam(name = "limit", defaultValue = "1000") int limit,
            @RequestParam(name = "prefix", required = false) String prefix) {
        byte[] from;
        try {
            from = after == null || after.isEmpty()
                    ? new byte[0]
                    : HexFormat.of().parseHex(after);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("after must be a hex digest");
        }
        if (limit < 1 || limit > MAX_EXPORT_PAGE) {
            throw ApiException.invalid("limit must be 1-" + MAX_EXPORT_PAGE);
        }
        if (prefix != null && (prefix.isEmpty() || prefix.length() > 300)) {
            throw ApiException.invalid("prefix must be 1-300 characters");
        }
        List<StoredEnvelope> page = store.export(from, limit, prefix);
        ExportPage.Builder out = ExportPage.newBuilder();
        for (StoredEnvelope e : page) {
            out.addEnvelopes(
                    ExportedEnvelope.newBuilder().setEnvelope(e.envelope()).setOriginNode(e.originNode()));
        }
        if (page.size() == limit) {
            out.setNextAfter(ByteString.copyFrom(page.get(page.size() - 1).digest()));
        }
        return ResponseEntity.ok()
                .contentType(MediaType.parseMediaType(PROTOBUF))
                .body(out.build().toByteArray());
    }

    static final int MAX_EXPORT_PAGE = 5000;
}
