package org.xmtpnode.relay.publish;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.EnvelopeLog;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.relay.config.RelayProperties;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * Sends envelopes to the envelope log with {@code acks=all} and an idempotent producer: a send
 * completes once every in-sync replica has the record.
 */
@Component
public class EnvelopeProducer implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(EnvelopeProducer.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final byte[] origin;

    public EnvelopeProducer(RelayProperties properties) {
        RelayProperties.Kafka k = properties.kafka();
        EnvelopeLog.ensureTopic(k.bootstrapServers(), k.topic(), k.partitions(), k.replicationFactor());
        int deliveryMs = (int) k.deliveryTimeout().toMillis();
        Properties p = EnvelopeLog.ackedProducer(
                k.bootstrapServers(), "relay." + properties.node().id());
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.LINGER_MS_CONFIG, k.lingerMs());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryMs);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1000, deliveryMs - k.lingerMs() - 1));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.min(5000, deliveryMs));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * 1024 * 1024);
        this.producer = new KafkaProducer<>(p);
        this.topic = k.topic();
        this.origin = EnvelopeLog.originBytes(properties.node().id());
    }

    /** Completes when Kafka has acknowledged every envelope; fails with 503 / code 14 otherwise. */
    public Mono<Void> send(List<Envelope> envelopes, List<byte[]> digests) {
        return Mono.<Void>create(sink -> {
                    SendTracker tracker = new SendTracker(envelopes.size(), sink);
                    for (int i = 0; i < envelopes.size(); i++) {
                        ProducerRecord<byte[], byte[]> record =
                                EnvelopeLog.record(topic, envelopes.get(i), digests.get(i), origin);
                        try {
                            producer.send(record, (metadata, error) -> tracker.done(error));
                        } catch (RuntimeException error) { // metadata wait timed out, buffer full, producer closed
                            tracker.done(error);
                        }
                    }
                })
                .subscribeOn(Schedulers.boundedElastic()); // send() may block while it waits for metadata
    }

    /** Completes the sink once all sends finished; the first failure fails it. */
    private static final class SendTracker {
        private int remaining;
        private boolean failed;
        private final MonoSink<Void> sink;

        SendTracker(int count, MonoSink<Void> sink) {
            this.remaining = count;
            this.sink = sink;
        }

        synchronized void done(Exception error) {
            if (failed) {
                return;
            }
            if (error != null) {
                failed = true;
                log.warn("Kafka send failed: {}", error.toString());
                sink.error(ApiException.unavailable("the message log is unavailable, retry later"));
                return;
            }
            if (--remaining == 0) {
                sink.success();
            }
        }
    }

    @Override
    public void destroy() {
        producer.close(Duration.ofSeconds(10));
    }
}
