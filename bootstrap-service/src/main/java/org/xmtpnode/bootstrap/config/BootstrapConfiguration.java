package org.xmtpnode.bootstrap.config;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.xmtpnode.bootstrap.registry.NodeRegistry;
import org.xmtpnode.bootstrap.registry.RegistryLog;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.config.NodeProperties;
import org.xmtpnode.runtime.log.LogConsumer;

/** bootstrap-service's settings and its reader of the registry topic. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({NodeProperties.class, KafkaProperties.class, BootstrapProperties.class})
public class BootstrapConfiguration {

    /**
     * The {@code registry} contributor of the readiness group: every bootstrap service reads the whole
     * registry topic from its start, and is ready once it has read what the topic held when it started.
     */
    @Bean
    LogConsumer registry(
            BootstrapProperties bootstrap, KafkaProperties kafka, NodeRegistry nodes, MeterRegistry meters) {
        return LogConsumer.everyPartition(
                        "bootstrap-registry", bootstrap.registryTopic(), LogConsumer.StartAt.BEGINNING)
                .createTopic(RegistryLog.topicSpec(bootstrap, kafka))
                .build(nodes, kafka, meters);
    }
}
