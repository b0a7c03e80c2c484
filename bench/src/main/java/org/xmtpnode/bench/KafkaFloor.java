package org.xmtpnode.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.xmtpnode.runtime.kafka.KafkaClients;

/**
 * W2's floor: W2's rate and message size through a bare producer (acks=all, linger 0) and consumer on
 * the node's broker, the latency from each record's intended send time to its arrival.
 */
final class KafkaFloor extends Workload {

    private final String bootstrapServers;
    private final String topic;

    KafkaFloor(Settings settings, Api api, LoadDriver driver, String bootstrapServers) {
        super(settings, api, driver);
        this.bootstrapServers = bootstrapServers;
        this.topic = "bench.floor." + api.run();
    }

    Result run(Duration duration) throws Exception {
        System.out.println("bench: Kafka floor for " + duration.toSeconds() + " s");
        KafkaClients.ensureTopic(bootstrapServers, new KafkaClients.TopicSpec(topic, 6, (short) 1, Map.of()));
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        pp.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        LoadDriver.Arrivals latency = driver.arrivals(Duration.ofSeconds(2));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, p.partition()));
            }
            consumer.assign(parts);
            consumer.seekToEnd(parts);
            parts.forEach(consumer::position);
            LoadDriver.Paced sender = driver.paced("floor-sender", 1, settings.w2Rate(), duration, (s, i, intended) -> {
                byte[] key = ("t" + (i % settings.w2Subscribers())).getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(topic, key, Api.message(settings.messageBytes(), intended)));
                return true;
            });
            long received = 0;
            long deadline = System.nanoTime()
                    + duration.toNanos()
                    + Duration.ofSeconds(5).toNanos();
            while (received < sender.total() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = driver.nowEpochNs();
                    received++;
                    latency.record(ByteBuffer.wrap(r.value()).getLong(), now);
                }
            }
            sender.join();
        }
        return latency.result(duration, "records");
    }
}
