package org.xmtpnode.topic.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.EnvelopeLog;
import org.xmtpnode.topic.config.TopicProperties;
import org.xmtpnode.topic.store.EnvelopeStore;
import org.xmtpnode.topic.store.StoredEnvelope;

/**
 * Sends to Kafka the envelopes this node stored whose record the log has not carried within the
 * grace period: the relay that stored them died (or lost Kafka) before its send. Consumers are
 * idempotent on the digest, so a late duplicate of a record the relay did send is harmless.
 */
@Component
public class OutboxPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);

    private final TopicProperties properties;
    private final EnvelopeStore store;
    private final Counter republished;
    private final MeterRegistry meters;
    private ScheduledExecutorService scheduler;
    private KafkaProducer<byte[], byte[]> producer;
    private volatile boolean running;

    public OutboxPublisher(TopicProperties properties, EnvelopeStore store, MeterRegistry meters) {
        this.properties = properties;
        this.store = store;
        this.meters = meters;
        this.republished = Counter.builder("topic.outbox.published")
                .description("envelopes the outbox sent because their relay did not")
                .register(meters);
    }

    @Override
    public void start() {
        TopicProperties.Kafka k = properties.kafka();
        Properties p = EnvelopeLog.ackedProducer(
                k.bootstrapServers(), "topic-outbox." + properties.node().id());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        producer = new KafkaProducer<>(p);
        Gauge.builder("topic.outbox.pending", store, EnvelopeStore::outboxSize)
                .description("stored envelopes not yet seen in the envelope log")
                .register(meters);
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outbox");
            t.setDaemon(true);
            return t;
        });
        long every = properties.outbox().interval().toMillis();
        scheduler.scheduleWithFixedDelay(this::sendDue, every, every, TimeUnit.MILLISECONDS);
        running = true;
    }

    void sendDue() {
        try {
            TopicProperties.Outbox o = properties.outbox();
            List<StoredEnvelope> due = store.takeDueOutbox(o.batch(), o.grace());
            if (due.isEmpty()) {
                return;
            }
            byte[] origin = EnvelopeLog.originBytes(properties.node().id());
            List<Future<RecordMetadata>> sends = due.stream()
                    .map(e -> producer.send(
                            EnvelopeLog.record(properties.kafka().topic(), e.envelope(), e.digest(), origin)))
                    .toList();
            for (Future<RecordMetadata> f : sends) {
                f.get(15, TimeUnit.SECONDS);
            }
            republished.increment(due.size());
            log.info("sent {} envelope(s) from the outbox: their relay did not get them into Kafka", due.size());
        } catch (Exception e) {
            // they stay in the outbox and come due again
            log.warn("outbox send failed, will retry: {}", e.toString());
        }
    }

    @Override
    public void stop() {
        running = false;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
