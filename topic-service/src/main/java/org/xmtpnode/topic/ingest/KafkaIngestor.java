package org.xmtpnode.topic.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.core.EnvelopeLog;
import org.xmtpnode.core.Retry;
import org.xmtpnode.core.Topics;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.topic.config.TopicProperties;
import org.xmtpnode.topic.store.EnvelopeStore;

/**
 * Stores what other nodes originated: consumes the envelope log in this node's consumer group and
 * inserts each batch (idempotent on the digest) before committing its offsets, so a crash replays
 * rather than skips. Envelopes this node originated were stored before they reached Kafka.
 */
@Component
public class KafkaIngestor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KafkaIngestor.class);

    private final TopicProperties properties;
    private final EnvelopeStore store;
    private final Counter inserted;
    private final Counter skipped;
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public KafkaIngestor(TopicProperties properties, EnvelopeStore store, MeterRegistry meters) {
        this.properties = properties;
        this.store = store;
        this.inserted = Counter.builder("topic.store.envelopes")
                .tag("result", "inserted")
                .tag("source", "kafka")
                .register(meters);
        this.skipped = Counter.builder("topic.ingest.skipped")
                .description("own or ephemeral envelopes not stored again")
                .register(meters);
    }

    @Override
    public void start() {
        TopicProperties.Kafka k = properties.kafka();
        EnvelopeLog.ensureTopic(k.bootstrapServers(), k.topic(), k.partitions(), k.replicationFactor());
        Properties p = EnvelopeLog.storingConsumer(
                k.bootstrapServers(),
                groupId(properties.node().id()),
                "topic-service-ingest." + properties.node().id());
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        consumer = new KafkaConsumer<>(p);
        consumer.subscribe(List.of(k.topic()));
        running = true;
        thread = new Thread(this::run, "kafka-ingest");
        thread.setDaemon(true);
        thread.start();
    }

    /** The consumer group of a node's store. */
    public static String groupId(String nodeId) {
        return "topic-service." + nodeId;
    }

    private void run() {
        String self = properties.node().id();
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                Map<String, List<Envelope>> byOrigin = new HashMap<>();
                List<byte[]> ownSeen = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    String origin = EnvelopeLog.origin(r.headers());
                    byte[] digest = EnvelopeLog.digest(r.headers());
                    String keyTopic = EnvelopeLog.keyTopic(r);
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
                    if (origin.equals(self)) {
                        if (!Topics.isEphemeral(envelope.getContentTopic())) {
                            ownSeen.add(digest != null ? digest : EnvelopeDigest.of(envelope));
                        }
                        skipped.increment();
                        continue;
                    }
                    if (Topics.isEphemeral(envelope.getContentTopic())) {
                        skipped.increment();
                        continue;
                    }
                    byOrigin.computeIfAbsent(origin.isEmpty() ? "unknown" : origin, o -> new ArrayList<>())
                            .add(envelope);
                }
                storeUntilDone(byOrigin);
                clearOutboxUntilDone(ownSeen);
                if (!running) {
                    break; // stopped before the batch was stored: leave its offsets uncommitted
                }
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (TopicPartition tp : records.partitions()) {
                    List<ConsumerRecord<byte[], byte[]>> part = records.records(tp);
                    offsets.put(
                            tp, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
                }
                try {
                    consumer.commitSync(offsets);
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    log.warn(
                            "offset commit failed, the batch will be replayed (stores are idempotent): {}",
                            e.toString());
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Retries while the database is down: the offsets are committed only after the batch is stored. */
    private void storeUntilDone(Map<String, List<Envelope>> byOrigin) {
        for (Map.Entry<String, List<Envelope>> batch : byOrigin.entrySet()) {
            if (!Retry.untilDone(
                    () -> running,
                    () -> inserted.increment(store.insert(batch.getValue(), batch.getKey())),
                    (e, wait) -> log.warn(
                            "storing {} envelopes from {} failed, retrying in {} ms: {}",
                            batch.getValue().size(),
                            batch.getKey(),
                            wait,
                            e.toString()))) {
                return;
            }
        }
    }

    /** This node's envelopes made it into the log: they leave the outbox. */
    private void clearOutboxUntilDone(List<byte[]> digests) {
        if (!digests.isEmpty()) {
            Retry.untilDone(
                    () -> running,
                    () -> store.clearOutbox(digests),
                    (e, wait) -> log.warn(
                            "clearing {} outbox entries failed, retrying in {} ms: {}",
                            digests.size(),
                            wait,
                            e.toString()));
        }
    }

    @Override
    public void stop() {
        running = false;
        EnvelopeLog.stopPolling(consumer, thread);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
