package org.xmtpnode.topic.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.config.NodeProperties;
import org.xmtpnode.runtime.kafka.EnvelopeRecords;
import org.xmtpnode.runtime.kafka.KafkaClients;
import org.xmtpnode.topic.config.TopicProperties;
import org.xmtpnode.topic.store.StoredEnvelope;

/**
 * Sends to Kafka the envelopes this node stored whose record the log has not carried within the grace
 * period: the relay that stored them died (or lost Kafka) before its send. Consumers are idempotent on
 * the digest, so a late duplicate of a record the relay did send is harmless.
 */
@Component
public class OutboxPublisher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxPublisher.class);

    private final TopicProperties.Outbox settings;
    private final KafkaProperties kafka;
    private final NodeProperties node;
    private final Outbox outbox;
    private final Counter republished;
    private ScheduledExecutorService scheduler;
    private KafkaProducer<byte[], byte[]> producer;
    private volatile boolean running;

    public OutboxPublisher(
            TopicProperties properties,
            KafkaProperties kafka,
            NodeProperties node,
            Outbox outbox,
            MeterRegistry meters) {
        this.settings = properties.outbox();
        this.kafka = kafka;
        this.node = node;
        this.outbox = outbox;
        this.republished = Counter.builder("topic.outbox.published")
                .description("envelopes the outbox sent because their relay did not")
                .register(meters);
        Gauge.builder("topic.outbox.pending", outbox, Outbox::size)
                .description("stored envelopes not yet seen in the envelope log")
                .register(meters);
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // the task runs until stop() shuts its scheduler down
    public void start() {
        producer = new KafkaProducer<>(KafkaClients.producer(kafka, "topic-outbox." + node.id()));
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outbox");
            t.setDaemon(true);
            return t;
        });
        long every = settings.interval().toMillis();
        scheduler.scheduleWithFixedDelay(this::sendDue, every, every, TimeUnit.MILLISECONDS);
        running = true;
    }

    void sendDue() {
        try {
            List<StoredEnvelope> due = outbox.takeDue(settings.batch(), settings.grace());
            if (due.isEmpty()) {
                return;
            }
            byte[] origin = EnvelopeRecords.originBytes(node.id());
            List<Future<RecordMetadata>> sends = due.stream()
                    .map(e -> producer.send(EnvelopeRecords.record(kafka.topic(), e.envelope(), e.digest(), origin)))
                    .toList();
            for (Future<RecordMetadata> f : sends) {
                f.get(kafka.deliveryTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
            }
            republished.increment(due.size());
            log.info("sent {} envelope(s) from the outbox: their relay did not get them into Kafka", due.size());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
            producer.close(KafkaClients.closeTimeout(kafka));
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
