package org.xmtpnode.relay.subscribe;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.runtime.kafka.EnvelopeRecords;
import org.xmtpnode.runtime.log.LogConsumer;

/**
 * Feeds live subscribers from the envelope log: every relay instance reads every partition from its
 * end (no consumer group: each instance needs all envelopes) on one {@link LogConsumer} thread, so
 * each topic's envelopes reach a subscriber in log order. A digest seen recently is streamed once.
 */
public class EnvelopeFanout implements LogConsumer.Handler {

    private static final Logger log = LoggerFactory.getLogger(EnvelopeFanout.class);

    private final SubscriptionRegistry registry;
    /** Touched only by the log consumer's thread. */
    private final Map<ByteBuffer, Boolean> recentDigests;

    public EnvelopeFanout(SubscriptionRegistry registry, int dedupeWindow) {
        this.registry = registry;
        this.recentDigests = new LinkedHashMap<>(dedupeWindow * 4 / 3 + 1, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
                return size() > dedupeWindow;
            }
        };
    }

    @Override
    public void handle(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            handle(record);
        }
    }

    /** A record is parsed only when some stream wants its topic (the record's key, {@link EnvelopeRecords#record}). */
    private void handle(ConsumerRecord<byte[], byte[]> record) {
        String topic = EnvelopeRecords.keyTopic(record);
        byte[] digest = EnvelopeRecords.digest(record.headers());
        if (topic == null || digest == null) {
            Envelope envelope = parse(record);
            if (envelope == null) {
                return;
            }
            topic = envelope.getContentTopic();
            digest = EnvelopeDigest.of(envelope);
        }
        if (recentDigests.put(ByteBuffer.wrap(digest), Boolean.TRUE) != null) {
            return; // published again (a client retry): streamed already
        }
        String streamed = topic;
        registry.dispatch(streamed, () -> line(record, streamed));
    }

    /** The record's stream line; null when it is unreadable or its key is not its envelope's topic. */
    private static byte[] line(ConsumerRecord<byte[], byte[]> record, String topic) {
        Envelope envelope = parse(record);
        if (envelope == null) {
            return null;
        }
        if (!envelope.getContentTopic().equals(topic)) {
            log.error(
                    "skipping the record at {}-{}@{}: its key is not its envelope's topic",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return null;
        }
        return WireJson.streamLine(envelope);
    }

    private static Envelope parse(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Envelope.parseFrom(record.value());
        } catch (Exception e) {
            log.error("skipping an unreadable record at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return null;
        }
    }
}
