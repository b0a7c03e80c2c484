package org.xmtpnode.topic.ingest;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.Envelopes;
import org.xmtpnode.core.Topics;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.proto.internal.StoreRequest;
import org.xmtpnode.proto.internal.StoreResponse;
import org.xmtpnode.topic.store.EnvelopeStore;

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

    private final java.time.Duration outboxGrace;

    public StoreController(EnvelopeStore store, MeterRegistry meters, org.xmtpnode.topic.config.TopicProperties properties) {
        this.store = store;
        this.outboxGrace = properties.outbox().grace();
        this.inserted = Counter.builder("topic.store.envelopes").tag("result", "inserted")
                .tag("source", "relay").register(meters);
        this.duplicates = Counter.builder("topic.store.envelopes").tag("result", "duplicate")
                .tag("source", "relay").register(meters);
    }

    @PostMapping(path = "/internal/v1/envelopes", consumes = MediaType.ALL_VALUE, produces = PROTOBUF)
    public ResponseEntity<byte[]> store(@RequestBody byte[] body) {
        StoreRequest request;
        try {
            request = StoreRequest.parseFrom(body);
        } catch (InvalidProtocolBufferException e) {
            throw ApiException.invalid("body is not a StoreRequest");
        }
        Envelopes.validate(PublishRequest.newBuilder().addAllEnvelopes(request.getEnvelopesList()).build());
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
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(PROTOBUF))
                .body(StoreResponse.newBuilder().setInserted(n).build().toByteArray());
    }
}
