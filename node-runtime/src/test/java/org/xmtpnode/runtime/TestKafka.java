package org.xmtpnode.runtime;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.kafka.KafkaClients;
import org.xmtpnode.testsupport.TestInfra;

/** The test JVM's broker, settings bound as the services bind them, and a topic of each test's own. */
public final class TestKafka {

    private TestKafka() {}

    /** {@code xmtp.kafka.*} for the test broker: the record's defaults plus these settings. */
    public static KafkaProperties properties(String... keyValues) {
        Map<String, String> settings = new HashMap<>();
        settings.put("xmtp.kafka.bootstrap-servers", TestInfra.kafka().bootstrapServers());
        for (int i = 0; i < keyValues.length; i += 2) {
            settings.put("xmtp.kafka." + keyValues[i], keyValues[i + 1]);
        }
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("xmtp.kafka", KafkaProperties.class);
    }

    public static String newTopic(KafkaProperties kafka, int partitions) {
        String topic = "test-" + UUID.randomUUID();
        KafkaClients.ensureTopic(
                kafka.bootstrapServers(), new KafkaClients.TopicSpec(topic, partitions, (short) 1, Map.of()));
        return topic;
    }

    /** Writes {@code n} records keyed {@code key-<i>} and waits for their acknowledgement. */
    public static void produce(KafkaProperties kafka, String topic, int n) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka, "test"))) {
            for (int i = 0; i < n; i++) {
                byte[] key = ("key-" + i).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, key)).get();
            }
        }
    }
}
