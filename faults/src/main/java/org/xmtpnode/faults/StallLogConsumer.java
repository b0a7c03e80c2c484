package org.xmtpnode.faults;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * A service's log consumer handler that meets a record of the given content topic fails from then on, as
 * a handler with a bug would: the log consumer retries it forever and stops polling. Wraps every
 * {@code LogConsumer.Handler} bean of the service.
 */
final class StallLogConsumer implements BeanPostProcessor {

    private static final String HANDLER = "org.xmtpnode.runtime.log.LogConsumer$Handler";

    private final byte[] topic;
    private volatile boolean poisoned;

    StallLogConsumer(String topic) {
        this.topic = topic.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!Interception.implementsInterface(bean, HANDLER)) {
            return bean;
        }
        return Interception.wrap(bean, (method, args) -> {
            if (method.getName().equals("handle") && args[0] instanceof ConsumerRecords<?, ?> records) {
                for (ConsumerRecord<?, ?> r : records) {
                    if (r.key() instanceof byte[] key && Arrays.equals(key, topic)) {
                        poisoned = true;
                    }
                }
            }
            if (poisoned) {
                throw new IllegalStateException("injected fault: this handler fails on every batch");
            }
        });
    }
}
