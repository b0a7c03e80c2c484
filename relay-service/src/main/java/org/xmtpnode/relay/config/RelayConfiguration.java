package org.xmtpnode.relay.config;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xmtpnode.relay.subscribe.EnvelopeFanout;
import org.xmtpnode.relay.subscribe.SubscriptionRegistry;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.config.NodeProperties;
import org.xmtpnode.runtime.kafka.KafkaClients;
import org.xmtpnode.runtime.log.LogConsumer;

/** The relay's settings and its one log consumer, the fan-out to live streams. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({NodeProperties.class, KafkaProperties.class, RelayProperties.class})
public class RelayConfiguration {

    /**
     * The {@code fanout} contributor of the readiness group: a relay whose fan-out is not reading
     * delivers nothing to its streams, so gateways must not send it subscribers.
     */
    @Bean
    LogConsumer fanout(LogConsumer.Handler envelopeFanout, KafkaProperties kafka, MeterRegistry meters) {
        return LogConsumer.everyPartition("relay-fanout", kafka.topic(), LogConsumer.StartAt.END)
                .createTopic(KafkaClients.TopicSpec.envelopes(kafka))
                .fetch(1, Duration.ofMillis(100))
                .maxPollRecords(1000)
                .build(envelopeFanout, kafka, meters);
    }

    @Bean
    LogConsumer.Handler envelopeFanout(SubscriptionRegistry registry, RelayProperties relay) {
        return new EnvelopeFanout(registry, relay.dedupeWindow());
    }
}
