package org.xmtpnode.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.xmtpnode.runtime.log.LogConsumer;

/** The injected handler fault: harmless until its topic's record arrives, then failing every batch. */
class StallLogConsumerTest {

    static ConsumerRecords<byte[], byte[]> batch(String key) {
        TopicPartition tp = new TopicPartition("log", 0);
        return new ConsumerRecords<>(
                Map.of(
                        tp,
                        List.of(new ConsumerRecord<>("log", 0, 0, key.getBytes(StandardCharsets.UTF_8), new byte[0]))),
                Map.of());
    }

    @Test
    void aHandlerFailsFromThePoisonRecordOn() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        LogConsumer.Handler real = records -> handled.incrementAndGet();
        LogConsumer.Handler wrapped = (LogConsumer.Handler)
                new StallLogConsumer("/xmtp/0/poison/proto").postProcessAfterInitialization(real, "h");

        wrapped.handle(batch("/xmtp/0/other/proto"));
        assertThat(handled).hasValue(1);
        assertThatThrownBy(() -> wrapped.handle(batch("/xmtp/0/poison/proto"))).hasMessageContaining("injected fault");
        assertThatThrownBy(() -> wrapped.handle(batch("/xmtp/0/other/proto"))).hasMessageContaining("injected fault");
        assertThat(handled).hasValue(1);
    }
}
