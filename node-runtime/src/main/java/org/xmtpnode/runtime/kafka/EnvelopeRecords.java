package org.xmtpnode.runtime.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.xmtpnode.proto.api.Envelope;

/**
 * The envelope log's record format: key = content topic (so one topic's envelopes stay in order on one
 * partition), value = the {@code Envelope} protobuf, header {@value #ORIGIN_HEADER} = the id of the node
 * that took the publish, header {@value #DIGEST_HEADER} = the envelope's digest. Readers rely on the key
 * and the digest to skip records without parsing them, so every producer builds its records with
 * {@link #record}.
 */
public final class EnvelopeRecords {

    public static final String DEFAULT_TOPIC = "xmtp.envelopes.v1";
    public static final String ORIGIN_HEADER = "xmtp-origin";
    public static final String DIGEST_HEADER = "xmtp-digest";

    private EnvelopeRecords() {}

    /** The log's record of one envelope: keyed by its content topic, with its origin and digest. */
    public static ProducerRecord<byte[], byte[]> record(
            String logTopic, Envelope envelope, byte[] digest, byte[] origin) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                logTopic, envelope.getContentTopic().getBytes(StandardCharsets.UTF_8), envelope.toByteArray());
        record.headers().add(ORIGIN_HEADER, origin);
        record.headers().add(DIGEST_HEADER, digest);
        return record;
    }

    /** The content topic a record is keyed by, without parsing its envelope; null for a record without a key. */
    public static String keyTopic(ConsumerRecord<byte[], byte[]> record) {
        return record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    }

    /** The envelope's digest from its header; null for a record without one. */
    public static byte[] digest(Headers headers) {
        Header header = headers.lastHeader(DIGEST_HEADER);
        return header == null ? null : header.value();
    }

    /** The node that took the publish; empty for a record without the header. */
    public static String origin(Headers headers) {
        Header header = headers.lastHeader(ORIGIN_HEADER);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static byte[] originBytes(String nodeId) {
        return nodeId.getBytes(StandardCharsets.UTF_8);
    }
}
