package org.xmtpnode.keystore.config;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xmtpnode.keystore.directory.ContactCache;
import org.xmtpnode.keystore.directory.KeyDirectory;
import org.xmtpnode.keystore.ingest.KeyIngest;
import org.xmtpnode.keystore.ingest.StoreRebuild;
import org.xmtpnode.runtime.catchup.CatchUpGate;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.config.NodeProperties;
import org.xmtpnode.runtime.kafka.KafkaClients;
import org.xmtpnode.runtime.log.LogConsumer;

/** keystore-service's settings, its reader of the envelope log, and the gate that keeps it out of rotation until caught up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({NodeProperties.class, KafkaProperties.class, KeystoreProperties.class})
public class KeystoreConfiguration {

    @Bean
    KeyIngest keyIngest(KeyDirectory directory, ContactCache cache, MeterRegistry meters) {
        return new KeyIngest(directory, cache, meters);
    }

    /** The {@code ingest} contributor of the readiness group. */
    @Bean
    LogConsumer ingest(NodeProperties node, KafkaProperties kafka, KeyIngest keyIngest, MeterRegistry meters) {
        return LogConsumer.inGroup("keystore-ingest", kafka.topic(), KeyIngest.groupId(node.id()))
                .createTopic(KafkaClients.TopicSpec.envelopes(kafka))
                .fetch(16 * 1024, Duration.ofMillis(20))
                .build(keyIngest, kafka, meters);
    }

    /** The {@code catchUp} contributor of the readiness group; rebuilds from the node's store what Kafka no longer holds. */
    @Bean
    CatchUpGate catchUp(
            NodeProperties node,
            KafkaProperties kafka,
            KeystoreProperties keystore,
            KeyIngest keyIngest,
            Clock clock,
            MeterRegistry meters) {
        StoreRebuild rebuild = keystore.topicUrl() == null ? null : new StoreRebuild(keystore.topicUrl(), keyIngest);
        return new CatchUpGate(
                kafka.bootstrapServers(), kafka.topic(), KeyIngest.groupId(node.id()), rebuild, clock, meters);
    }
}
