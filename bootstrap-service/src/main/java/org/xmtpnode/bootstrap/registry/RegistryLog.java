package org.xmtpnode.bootstrap.registry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.xmtpnode.bootstrap.config.BootstrapProperties;
import org.xmtpnode.proto.internal.SignedNodeRecord;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.config.NodeProperties;
import org.xmtpnode.runtime.kafka.KafkaClients;

/**
 * Writes signed node records to the registry topic: compacted, one partition, key = node id, so the
 * topic keeps each node's latest record and every reader sees them in one order.
 */
@Component
public class RegistryLog implements DisposableBean {

    private final String topic;
    private final KafkaProperties kafka;
    private final KafkaProducer<byte[], byte[]> producer;

    public RegistryLog(BootstrapProperties properties, KafkaProperties kafka, NodeProperties node) {
        this.topic = properties.registryTopic();
        this.kafka = kafka;
        this.producer = new KafkaProducer<>(KafkaClients.producer(kafka, "bootstrap-" + node.id()));
    }

    /** The registry topic, as its reader creates it when missing. */
    public static KafkaClients.TopicSpec topicSpec(BootstrapProperties properties, KafkaProperties kafka) {
        return new KafkaClients.TopicSpec(
                properties.registryTopic(),
                1,
                kafka.replicationFactor(),
                Map.of(
                        "cleanup.policy", "compact",
                        // roll segments hourly so compaction can drop old heartbeats
                        "segment.ms", String.valueOf(TimeUnit.HOURS.toMillis(1)),
                        "min.cleanable.dirty.ratio", "0.1"));
    }

    public String topic() {
        return topic;
    }

    /** The id of the Kafka cluster the records go to. */
    public String clusterId(Duration timeout) throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = KafkaClients.admin(kafka.bootstrapServers())) {
            return admin.describeCluster().clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void write(String nodeId, SignedNodeRecord record, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        producer.send(new ProducerRecord<>(topic, nodeId.getBytes(StandardCharsets.UTF_8), record.toByteArray()))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        producer.close(KafkaClients.closeTimeout(kafka));
    }
}
