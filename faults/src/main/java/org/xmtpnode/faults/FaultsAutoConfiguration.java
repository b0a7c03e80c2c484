package org.xmtpnode.faults;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The faults the fault tests inject into a running service, each switched on by a property and present
 * only when the tests put this jar on the service's class path.
 */
@AutoConfiguration
public class FaultsAutoConfiguration {

    /** {@code xmtp.faults.crash-after-store-topic}: see {@link CrashAfterStore}. */
    @Bean
    @ConditionalOnProperty("xmtp.faults.crash-after-store-topic")
    static BeanPostProcessor crashAfterStore(Environment env) {
        return new CrashAfterStore(env.getRequiredProperty("xmtp.faults.crash-after-store-topic"));
    }

    /** {@code xmtp.faults.stall-log-consumer}: see {@link StallLogConsumer}. */
    @Bean
    @ConditionalOnProperty("xmtp.faults.stall-log-consumer-topic")
    static BeanPostProcessor stallLogConsumer(Environment env) {
        return new StallLogConsumer(env.getRequiredProperty("xmtp.faults.stall-log-consumer-topic"));
    }
}
