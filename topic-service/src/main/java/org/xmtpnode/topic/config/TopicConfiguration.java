package org.xmtpnode.topic.config;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xmtpnode.runtime.catchup.CatchUpGate;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.config.NodeProperties;
import org.xmtpnode.runtime.kafka.KafkaClients;
import org.xmtpnode.runtime.log.LogConsumer;
import org.xmtpnode.topic.catchup.PeerCopy;
import org.xmtpnode.topic.ingest.EnvelopeIngest;
import org.xmtpnode.topic.outbox.Outbox;
import org.xmtpnode.topic.store.EnvelopeStore;

/** topic-service's settings, its reader of the envelope log, and the gate that keeps it out of rotation until caught up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({NodeProperties.class, KafkaProperties.class, TopicProperties.class})
public class TopicConfiguration {

    /**
     * The {@code ingest} contributor of the readiness group. No stream waits on this reader: under load a
     * fetch takes ~16 records instead of one, at most 20 ms later than it could have.
     */
    @Bean
    LogConsumer ingest(
            NodeProperties node, KafkaProperties kafka, LogConsumer.Handler envelopeIngest, MeterRegistry meters) {
        return LogConsumer.inGroup("topic-ingest", kafka.topic(), EnvelopeIngest.groupId(node.id()))
                .createTopic(KafkaClients.TopicSpec.envelopes(kafka))
                .fetch(16 * 1024, Duration.ofMillis(20))
                .maxPollRecords(500)
                .build(envelopeIngest, kafka, meters);
    }

    @Bean
    LogConsumer.Handler envelopeIngest(
            NodeProperties node, EnvelopeStore store, Outbox outbox, MeterRegistry meters, Clock clock) {
        return new EnvelopeIngest(node.id(), store, outbox, meters, clock);
    }

    /** The {@code catchUp} contributor of the readiness group; copies from a serving peer what Kafka no longer holds. */
    @Bean
    CatchUpGate catchUp(
            NodeProperties node,
            KafkaProperties kafka,
            TopicProperties topic,
            EnvelopeStore store,
            Clock clock,
            MeterRegistry meters) {
        TopicProperties.CatchUp c = topic.catchUp();
        PeerCopy peerCopy = c.bootstrapUrl() == null
                ? null
                : new PeerCopy(c.bootstrapUrl(), node.id(), c.pageSize(), store, meters);
        return new CatchUpGate(
                kafka.bootstrapServers(), kafka.topic(), EnvelopeIngest.groupId(node.id()), peerCopy, clock, meters);
    }
}
