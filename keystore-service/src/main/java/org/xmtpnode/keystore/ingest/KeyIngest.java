package org.xmtpnode.keystore.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpnode.core.TopicOwnership;
import org.xmtpnode.core.crypto.ContactBundles;
import org.xmtpnode.core.crypto.Ethereum;
import org.xmtpnode.keystore.directory.ContactCache;
import org.xmtpnode.keystore.directory.KeyDirectory;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.runtime.kafka.EnvelopeRecords;
import org.xmtpnode.runtime.log.LogConsumer;

/**
 * Feeds the key directory: {@code contact-<wallet>} envelopes whose bundle is signed by that wallet
 * (others are counted in {@code keystore.signature.invalid} and skipped) and
 * {@code privatestore-<wallet>/key_bundle} envelopes, from the envelope log (the log consumer commits
 * after each batch, so a crash replays rather than skips) or from the store when the log lacks them.
 * Replays are harmless: a row only moves forward in envelope time.
 */
public class KeyIngest implements LogConsumer.Handler {

    private static final Logger log = LoggerFactory.getLogger(KeyIngest.class);

    private final KeyDirectory directory;
    private final ContactCache cache;
    private final Counter contacts;
    private final Counter privateBundles;
    private final Counter invalid;

    public KeyIngest(KeyDirectory directory, ContactCache cache, MeterRegistry meters) {
        this.directory = directory;
        this.cache = cache;
        this.contacts = Counter.builder("keystore.bundles.stored")
                .tag("kind", "contact")
                .register(meters);
        this.privateBundles = Counter.builder("keystore.bundles.stored")
                .tag("kind", "private")
                .register(meters);
        this.invalid = Counter.builder("keystore.signature.invalid")
                .description("contact bundles refused by signature checks")
                .register(meters);
    }

    /** The consumer group of a node's key directory. */
    public static String groupId(String nodeId) {
        return "keystore-service." + nodeId;
    }

    @Override
    public void handle(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            // most records are messages, which this directory skips by their key without reading them
            String keyTopic = EnvelopeRecords.keyTopic(r);
            if (keyTopic != null && TopicOwnership.owner(keyTopic) == null) {
                continue;
            }
            Envelope envelope;
            try {
                envelope = Envelope.parseFrom(r.value());
            } catch (Exception e) {
                continue;
            }
            handle(envelope);
        }
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
                invalid.increment();
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
}
