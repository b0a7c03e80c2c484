package org.xmtpnode.relay.publish;

import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.config.NodeProperties;
import org.xmtpnode.runtime.kafka.EnvelopeRecords;
import org.xmtpnode.runtime.kafka.KafkaClients;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Schedulers;

/**
 * Sends envelopes to the envelope log with {@code acks=all} and an idempotent producer: a send
 * completes once every in-sync replica has the record.
 */
@Component
public class KafkaEnvelopeSender implements EnvelopeSender, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(KafkaEnvelopeSender.class);

    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaProperties kafka;
    private final byte[] origin;

    public KafkaEnvelopeSender(KafkaProperties kafka, NodeProperties node) {
        this.kafka = kafka;
        this.producer = new KafkaProducer<>(KafkaClients.producer(kafka, "relay." + node.id()));
        this.origin = EnvelopeRecords.originBytes(node.id());
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // each send's callback reports its outcome
    public Mono<Void> send(List<Envelope> envelopes, List<byte[]> digests) {
        return Mono.<Void>create(sink -> {
                    SendTracker tracker = new SendTracker(envelopes.size(), sink);
                    for (int i = 0; i < envelopes.size(); i++) {
                        ProducerRecord<byte[], byte[]> record =
                                EnvelopeRecords.record(kafka.topic(), envelopes.get(i), digests.get(i), origin);
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
        producer.close(KafkaClients.closeTimeout(kafka));
    }
}
