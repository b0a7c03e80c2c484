package org.xmtpnode.faults;

import java.util.List;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.xmtpnode.proto.api.Envelope;

/**
 * A relay that takes a publish to the given content topic halts (as a SIGKILL would leave it) right after
 * the store answered and before its Kafka send: the gap the store's outbox closes. It wraps the relay's
 * {@code EnvelopeSender}, the write path's last step.
 */
final class CrashAfterStore implements BeanPostProcessor {

    private static final String SENDER = "org.xmtpnode.relay.publish.EnvelopeSender";

    private final String topic;

    CrashAfterStore(String topic) {
        this.topic = topic;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!Interception.implementsInterface(bean, SENDER)) {
            return bean;
        }
        return Interception.wrap(bean, (method, args) -> {
            if (method.getName().equals("send") && args[0] instanceof List<?> envelopes) {
                for (Object e : envelopes) {
                    if (e instanceof Envelope envelope
                            && envelope.getContentTopic().equals(topic)) {
                        Runtime.getRuntime().halt(137);
                    }
                }
            }
        });
    }
}
