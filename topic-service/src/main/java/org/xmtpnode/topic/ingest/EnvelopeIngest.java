package org.xmtpnode.topic.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.core.Topics;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.runtime.kafka.EnvelopeRecords;
import org.xmtpnode.runtime.log.LogConsumer;
import org.xmtpnode.topic.outbox.Outbox;
import org.xmtpnode.topic.store.EnvelopeStore;

/**
 * Stores what other nodes originated, one polled batch at a time, in this node's consumer group: the
 * log consumer commits the batch's offsets only after this returns, so a crash replays rather than
 * skips (inserts are idempotent on the digest). This node's own envelopes were stored before they
 * reached Kafka: seeing their records only takes them out of the outbox.
 */
public class EnvelopeIngest implements LogConsumer.Handler {

    private static final Logger log = LoggerFactory.getLogger(EnvelopeIngest.class);

    private final String self;
    private final EnvelopeStore store;
    private final Outbox outbox;
    private final Counter inserted;
    private final Counter skipped;
    private final Timer replicationLag;
    private final Clock clock;

    public EnvelopeIngest(String nodeId, EnvelopeStore store, Outbox outbox, MeterRegistry meters, Clock clock) {
        this.self = nodeId;
        this.store = store;
        this.outbox = outbox;
        this.clock = clock;
        this.replicationLag = Timer.builder("topic.replication.lag")
                .description("from the sender's timestamp to the envelope stored on this node, for envelopes"
                        + " other nodes originated")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(meters);
        this.inserted = Counter.builder("topic.store.envelopes")
                .tag("result", "inserted")
                .tag("source", "kafka")
                .register(meters);
        this.skipped = Counter.builder("topic.ingest.skipped")
                .description("own or ephemeral envelopes not stored again")
                .register(meters);
    }

    /** The consumer group of a node's store. */
    public static String groupId(String nodeId) {
        return "topic-service." + nodeId;
    }

    @Override
    public void handle(ConsumerRecords<byte[], byte[]> records) {
        Map<String, List<Envelope>> byOrigin = new HashMap<>();
        List<byte[]> ownSeen = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String origin = EnvelopeRecords.origin(r.headers());
            byte[] digest = EnvelopeRecords.digest(r.headers());
            String keyTopic = EnvelopeRecords.keyTopic(r);
            if (origin.equals(self) && digest != null && keyTopic != null) {
                // this node's own envelope, already stored: only its digest matters, so it is not parsed
                if (!Topics.isEphemeral(keyTopic)) {
                    ownSeen.add(digest);
                }
                skipped.increment();
                continue;
            }
            Envelope envelope;
            try {
                envelope = Envelope.parseFrom(r.value());
            } catch (Exception e) {
                log.error("skipping an unreadable record at {}-{}@{}", r.topic(), r.partition(), r.offset());
                skipped.increment();
                continue;
            }
            if (Topics.isEphemeral(envelope.getContentTopic())) {
                skipped.increment();
            } else if (origin.equals(self)) {
                ownSeen.add(digest != null ? digest : EnvelopeDigest.of(envelope));
                skipped.increment();
            } else {
                byOrigin.computeIfAbsent(origin.isEmpty() ? "unknown" : origin, o -> new ArrayList<>())
                        .add(envelope);
            }
        }
        byOrigin.forEach((origin, envelopes) -> {
            List<Long> senderTimes = store.insert(envelopes, origin);
            inserted.increment(senderTimes.size());
            Instant now = clock.instant();
            long nowNs = now.getEpochSecond() * 1_000_000_000L + now.getNano();
            for (long senderNs : senderTimes) {
                // a sender's clock ahead of this node's counts as no lag
                replicationLag.record(Math.max(0, nowNs - senderNs), TimeUnit.NANOSECONDS);
            }
        });
        outbox.clear(ownSeen);
    }
}
