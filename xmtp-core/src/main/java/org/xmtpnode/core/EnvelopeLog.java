package org.xmtpnode.core;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.xmtpnode.proto.api.Envelope;

/**
 * The Kafka topic that carries every envelope between the nodes: key = content topic (so one topic's
 * envelopes stay in order on one partition), value = the {@code Envelope} protobuf, header
 * {@value #ORIGIN_HEADER} = the id of the node that took the publish, header {@value #DIGEST_HEADER}
 * = the envelope's digest. Readers rely on the key and the digest to skip records without parsing
 * them, so every producer builds its records with {@link #record}.
 *
 * <p>kafka-clients is an optional dependency of this library: only the services that use Kafka pull it in.
 */
public final class EnvelopeLog {

    public static final String DEFAULT_TOPIC = "xmtp.envelopes.v1";
    public static final String ORIGIN_HEADER = "xmtp-origin";
    public static final String DIGEST_HEADER = "xmtp-digest";

    private EnvelopeLog() {}

    /** Creates the envelope topic if it is missing; a topic that exists is left as it is. */
    public static void ensureTopic(String bootstrapServers, String topic, int partitions, short replication) {
        ensureTopic(
                bootstrapServers,
                topic,
                partitions,
                replication,
                Map.of("retention.ms", String.valueOf(TimeUnit.DAYS.toMillis(7))));
    }

    /** Creates a topic with these settings if it is missing; a topic that exists is left as it is. */
    public static void ensureTopic(
            String bootstrapServers, String topic, int partitions, short replication, Map<String, String> configs) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000))) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            Map<String, String> all = new HashMap<>(configs);
            all.putIfAbsent("min.insync.replicas", replication > 2 ? "2" : "1");
            NewTopic newTopic = new NewTopic(topic, partitions, replication).configs(all);
            admin.createTopics(Set.of(newTopic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create Kafka topic " + topic, e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer in 30 s", e);
        }
    }

    /**
     * Settings of a consumer group that stores what it reads: manual commits (after the store), from
     * the earliest retained record for a new group, byte-array keys and values, and fetches that
     * wait for a few records rather than taking each alone.
     *
     * @param clientId null for the client's default
     */
    public static Properties storingConsumer(String bootstrapServers, String groupId, String clientId) {
        Properties p = reader(bootstrapServers, clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // no stream waits on these: under load a fetch takes ~16 records instead of one, at most
        // 20 ms later than it could have
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, STORING_FETCH_MIN_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, STORING_FETCH_MAX_WAIT_MS);
        return p;
    }

    /** A storing consumer's fetch waits for this much data… */
    public static final int STORING_FETCH_MIN_BYTES = 16 * 1024;
    /** …or this long. */
    public static final int STORING_FETCH_MAX_WAIT_MS = 20;

    /**
     * Settings every consumer here starts from: no automatic commits, a fetch answered within
     * 100 ms, byte-array keys and values.
     *
     * @param clientId null for the client's default
     */
    public static Properties reader(String bootstrapServers, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (clientId != null) {
            p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    /**
     * Settings every producer here starts from: acknowledged by all in-sync replicas, idempotent,
     * byte-array keys and values. Callers add their own linger and timeouts.
     */
    public static Properties ackedProducer(String bootstrapServers, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /**
     * Stops a consumer that polls on a thread of its own: wakes the poll (the loop then closes the
     * consumer) and waits up to 10 s for the thread to end.
     */
    public static void stopPolling(KafkaConsumer<?, ?> consumer, Thread thread) {
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

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

    public static String origin(Headers headers) {
        Header header = headers.lastHeader(ORIGIN_HEADER);
        return header == null ? "" : new String(header.value(), StandardCharsets.UTF_8);
    }

    public static byte[] originBytes(String nodeId) {
        return nodeId.getBytes(StandardCharsets.UTF_8);
    }
}
