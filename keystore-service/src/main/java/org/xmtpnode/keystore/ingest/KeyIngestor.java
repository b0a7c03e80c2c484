package org.xmtpnode.keystore.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import org.xmtpnode.core.EnvelopeLog;
import org.xmtpnode.core.Retry;
import org.xmtpnode.core.TopicOwnership;
import org.xmtpnode.core.crypto.ContactBundles;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.keystore.config.KeystoreProperties;
import org.xmtpnode.keystore.directory.ContactCache;
import org.xmtpnode.keystore.directory.KeyDirectory;
import org.xmtpnode.proto.api.Envelope;

/**
 * Feeds the key directory from the envelope log: {@code contact-<wallet>} envelopes whose bundle is
 * signed by that wallet (others are counted in {@code keystore.signature.invalid} and skipped) and
 * {@code privatestore-<wallet>/key_bundle} envelopes. Offsets are committed after the rows, so a crash
 * replays rather than skips; replays are harmless (a row only moves forward in envelope time).
 */
@Component
public class KeyIngestor implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(KeyIngestor.class);

    private final KeystoreProperties properties;
    private final KeyDirectory directory;
    private final ContactCache cache;
    private final MeterRegistry meters;
    private final Counter contacts;
    private final Counter privateBundles;
    private volatile boolean running;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public KeyIngestor(
            KeystoreProperties properties, KeyDirectory directory, ContactCache cache, MeterRegistry meters) {
        this.properties = properties;
        this.directory = directory;
        this.cache = cache;
        this.meters = meters;
        this.contacts = Counter.builder("keystore.bundles.stored")
                .tag("kind", "contact")
                .register(meters);
        this.privateBundles = Counter.builder("keystore.bundles.stored")
                .tag("kind", "private")
                .register(meters);
    }

    /** The consumer group of a node's key directory. */
    public static String groupId(String nodeId) {
        return "keystore-service." + nodeId;
    }

    @Override
    public void start() {
        KeystoreProperties.Kafka k = properties.kafka();
        EnvelopeLog.ensureTopic(k.bootstrapServers(), k.topic(), k.partitions(), k.replicationFactor());
        consumer = new KafkaConsumer<>(EnvelopeLog.storingConsumer(
                k.bootstrapServers(), groupId(properties.node().id()), null));
        consumer.subscribe(List.of(k.topic()));
        running = true;
        thread = new Thread(this::run, "key-ingest");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (!handleUntilDone(r)) {
                        return;
                    }
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                if (!offsets.isEmpty()) {
                    try {
                        consumer.commitSync(offsets);
                    } catch (RuntimeException e) {
                        log.warn("offset commit failed, the batch will be replayed: {}", e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // stopping
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** @return false when stopped before the record was handled */
    private boolean handleUntilDone(ConsumerRecord<byte[], byte[]> r) {
        return Retry.untilDone(
                () -> running,
                () -> handle(r),
                (e, wait) -> log.warn("key directory write failed, retrying in {} ms: {}", wait, e.toString()));
    }

    void handle(ConsumerRecord<byte[], byte[]> r) {
        // most records are messages, which this directory skips by their key without reading them
        String keyTopic = EnvelopeLog.keyTopic(r);
        if (keyTopic != null && TopicOwnership.owner(keyTopic) == null) {
            return;
        }
        Envelope envelope;
        try {
            envelope = Envelope.parseFrom(r.value());
        } catch (Exception e) {
            return;
        }
        handle(envelope);
    }

    /** One envelope of the log or of the store: a valid contact bundle or a private key bundle is kept. */
    public void handle(Envelope envelope) {
        String topic = envelope.getContentTopic();
        String owner = TopicOwnership.owner(topic);
        if (owner == null || !Ethereum.isAddress(owner)) {
            return;
        }
        String wallet = Ethereum.checksum(owner);
        if (TopicOwnership.isContactTopic(topic)) {
            ContactBundles.Verified verified;
            try {
                verified = ContactBundles.verify(envelope.getMessage(), wallet);
            } catch (ContactBundles.InvalidBundleException e) {
                Counter.builder("keystore.signature.invalid")
                        .description("contact bundles refused by signature checks")
                        .register(meters)
                        .increment();
                log.info("skipped an invalid contact bundle for {}: {}", wallet, e.getMessage());
                return;
            }
            if (directory.saveContact(verified, envelope.getMessage().toByteArray(), envelope.getTimestampNs())) {
                contacts.increment();
                cache.evict(wallet);
            }
        } else if (directory.savePrivateKeyBundle(
                wallet, envelope.getMessage().toByteArray(), envelope.getTimestampNs())) {
            privateBundles.increment();
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
