package org.xmtpnode.runtime.kafka;

import java.time.Duration;
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
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.xmtpnode.runtime.config.KafkaProperties;

/** The settings every Kafka client of a node starts from, and the topics the services create. */
public final class KafkaClients {

    /** Largest record a producer sends: one envelope of up to 1 MiB with its key and headers. */
    private static final int MAX_REQUEST_BYTES = 2 * 1024 * 1024;

    private KafkaClients() {}

    /**
     * A topic a service creates when it is missing (a topic that exists is left as it is).
     *
     * @param configs topic settings; {@code min.insync.replicas} is added (2 from a replication of 3 up)
     */
    public record TopicSpec(String name, int partitions, short replicationFactor, Map<String, String> configs) {

        /** The envelope log: the configured partitions, kept for 7 days. */
        public static TopicSpec envelopes(KafkaProperties kafka) {
            return new TopicSpec(
                    kafka.topic(),
                    kafka.partitions(),
                    kafka.replicationFactor(),
                    Map.of("retention.ms", String.valueOf(TimeUnit.DAYS.toMillis(7))));
        }
    }

    /** Creates the topic if it is missing; a topic that exists is left as it is. */
    public static void ensureTopic(String bootstrapServers, TopicSpec spec) {
        try (Admin admin = admin(bootstrapServers)) {
            if (admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(spec.name())) {
                return;
            }
            Map<String, String> configs = new HashMap<>(spec.configs());
            configs.putIfAbsent("min.insync.replicas", spec.replicationFactor() > 2 ? "2" : "1");
            NewTopic topic = new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor()).configs(configs);
            admin.createTopics(Set.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create Kafka topic " + spec.name(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating Kafka topic " + spec.name(), e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer in 30 s", e);
        }
    }

    /** An admin client with short timeouts: callers retry through {@code Retry}. */
    public static Admin admin(String bootstrapServers) {
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000));
    }

    /**
     * Settings every consumer starts from: no automatic commits (the log consumer commits after its
     * handler), a fetch answered within 100 ms, byte-array keys and values.
     */
    public static Properties consumer(String bootstrapServers, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    /**
     * Settings of every producer: acknowledged by all in-sync replicas, idempotent, the configured
     * linger, and a send that fails within the delivery timeout (waiting for metadata included).
     */
    public static Properties producer(KafkaProperties kafka, String clientId) {
        int deliveryMs = (int) kafka.deliveryTimeout().toMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, kafka.lingerMs());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMs);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, deliveryMs - kafka.lingerMs() - 1));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(5000, deliveryMs));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_REQUEST_BYTES);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    /** How long a producer may take to close: what it has in flight gets this long to be acknowledged. */
    public static Duration closeTimeout(KafkaProperties kafka) {
        return kafka.deliveryTimeout().plusSeconds(1);
    }
}
