package org.xmtpnode.bootstrap.registry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.xmtpnode.bootstrap.config.BootstrapProperties;
import org.xmtpnode.core.EnvelopeLog;
import org.xmtpnode.proto.internal.SignedNodeRecord;

/**
 * Writes signed node records to the registry topic: compacted, one partition, key = node id, so the
 * topic keeps each node's latest record and every reader sees them in one order.
 */
@Component
public class RegistryLog implements DisposableBean {

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    public RegistryLog(BootstrapProperties properties) {
        this.topic = properties.bootstrap().topic();
        BootstrapProperties.Kafka k = properties.kafka();
        EnvelopeLog.ensureTopic(
                k.bootstrapServers(),
                topic,
                1,
                k.replicationFactor(),
                Map.of(
                        "cleanup.policy", "compact",
                        // roll segments hourly so compaction can drop old heartbeats
                        "segment.ms", String.valueOf(TimeUnit.HOURS.toMillis(1)),
                        "min.cleanable.dirty.ratio", "0.1"));
        Properties p = EnvelopeLog.ackedProducer(
                k.bootstrapServers(), "bootstrap-" + properties.node().id());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        this.producer = new KafkaProducer<>(p);
    }

    public String topic() {
        return topic;
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void write(String nodeId, SignedNodeRecord record, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        producer.send(new ProducerRecord<>(topic, nodeId.getBytes(StandardCharsets.UTF_8), record.toByteArray()))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void destroy() {
        producer.close(Duration.ofSeconds(5));
    }
}
