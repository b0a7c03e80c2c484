package org.xmtpnode.runtime.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.xmtpnode.runtime.TestKafka;
import org.xmtpnode.runtime.catchup.GroupOffsets;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.kafka.KafkaClients;

/** The one log-consumer lifecycle, against a real broker: what it reads, commits, retries, and reports. */
class LogConsumerIT {

    final KafkaProperties kafka = TestKafka.properties("poll-stall-timeout", "2s");
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    LogConsumer consumer;

    @AfterEach
    void stop() {
        if (consumer != null) {
            consumer.stop();
        }
    }

    static Set<String> keys(Iterable<ConsumerRecord<byte[], byte[]>> records, Set<String> into) {
        records.forEach(r -> into.add(new String(r.key(), UTF_8)));
        return into;
    }

    @Test
    void aGroupReaderHandsEveryRecordToItsHandlerAndCommitsOnlyWhatWasHandled() throws Exception {
        String topic = TestKafka.newTopic(kafka, 3);
        String group = "group-" + UUID.randomUUID();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        consumer = LogConsumer.inGroup("test", topic, group).build(records -> keys(records, seen), kafka, meters);
        consumer.start();
        TestKafka.produce(kafka, topic, 50);

        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 50);
        try (Admin admin = KafkaClients.admin(kafka.bootstrapServers())) {
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(GroupOffsets.committed(admin, group).values().stream()
                                    .mapToLong(Long::longValue)
                                    .sum())
                            .isEqualTo(50));
        }
        assertThat(consumer.health().getStatus()).isEqualTo(Status.UP);
        assertThat(meters.get("log.consumer.records")
                        .tag("consumer", "test")
                        .counter()
                        .count())
                .isEqualTo(50);
    }

    @Test
    void aFailingBatchIsRetriedNotSkippedAndItsOffsetsWaitForIt() throws Exception {
        String topic = TestKafka.newTopic(kafka, 1);
        String group = "group-" + UUID.randomUUID();
        AtomicInteger failuresLeft = new AtomicInteger(3);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        consumer = LogConsumer.inGroup("test", topic, group)
                .build(
                        records -> {
                            if (failuresLeft.getAndDecrement() > 0) {
                                throw new IllegalStateException("the database is down");
                            }
                            keys(records, seen);
                        },
                        kafka,
                        meters);
        consumer.start();
        TestKafka.produce(kafka, topic, 10);
        try (Admin admin = KafkaClients.admin(kafka.bootstrapServers())) {
            await().atMost(Duration.ofSeconds(30)).until(() -> failuresLeft.get() <= 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 10);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(GroupOffsets.committed(admin, group))
                            .containsEntry(new TopicPartition(topic, 0), 10L));
        }
        assertThat(consumer.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aHandlerThatKeepsFailingStopsThePollingAndTheHealthGoesDown() throws Exception {
        String topic = TestKafka.newTopic(kafka, 1);
        consumer = LogConsumer.everyPartition("stuck", topic, LogConsumer.StartAt.END)
                .build(
                        records -> {
                            throw new IllegalStateException("a bug in the handler");
                        },
                        kafka,
                        meters);
        consumer.start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Objects.equals(consumer.health().getStatus(), Status.UP));
        TestKafka.produce(kafka, topic, 1);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> Objects.equals(consumer.health().getStatus(), Status.DOWN));
        assertThat(consumer.health().getDetails().get("error").toString()).contains("a bug in the handler");
    }

    @Test
    void aLoopKilledByAnErrorReportsDownWithTheError() throws Exception {
        String topic = TestKafka.newTopic(kafka, 1);
        consumer = LogConsumer.everyPartition("dying", topic, LogConsumer.StartAt.END)
                .build(
                        records -> {
                            throw new StackOverflowError("deep");
                        },
                        kafka,
                        meters);
        consumer.start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Objects.equals(consumer.health().getStatus(), Status.UP));
        TestKafka.produce(kafka, topic, 1);

        await().atMost(Duration.ofSeconds(30))
                .until(() -> Objects.equals(consumer.health().getStatus(), Status.DOWN));
        assertThat(consumer.health().getDetails()).containsEntry("error", "java.lang.StackOverflowError: deep");
    }

    @Test
    void aReaderFromTheBeginningIsOutOfServiceUntilItReadWhatTheTopicHeldAtStart() throws Exception {
        String topic = TestKafka.newTopic(kafka, 2);
        TestKafka.produce(kafka, topic, 20);
        Set<String> seen = ConcurrentHashMap.newKeySet();
        consumer = LogConsumer.everyPartition("registry", topic, LogConsumer.StartAt.BEGINNING)
                .build(
                        records -> {
                            Thread.sleep(300); // a slow start: readiness must wait for it
                            keys(records, seen);
                        },
                        kafka,
                        meters);
        consumer.start();
        assertThat(consumer.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        await().atMost(Duration.ofSeconds(30)).until(consumer::caughtUp);
        assertThat(seen).hasSize(20);
        assertThat(consumer.health().getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void aReaderFromTheEndStreamsOnlyWhatIsWrittenAfterItStartedAndCreatesItsTopic() throws Exception {
        String topic = "test-created-" + UUID.randomUUID();
        Set<String> seen = ConcurrentHashMap.newKeySet();
        consumer = LogConsumer.everyPartition("fanout", topic, LogConsumer.StartAt.END)
                .createTopic(new KafkaClients.TopicSpec(topic, 2, (short) 1, Map.of()))
                .build(records -> keys(records, seen), kafka, meters);
        consumer.start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Objects.equals(consumer.health().getStatus(), Status.UP));
        TestKafka.produce(kafka, topic, 5);
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 5);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(List.of("key-0", "key-1", "key-2", "key-3", "key-4"));
    }

    @Test
    void aStoppedConsumerReportsDown() {
        String topic = TestKafka.newTopic(kafka, 1);
        consumer = LogConsumer.everyPartition("stopping", topic, LogConsumer.StartAt.END)
                .build(records -> {}, kafka, meters);
        consumer.start();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> Objects.equals(consumer.health().getStatus(), Status.UP));
        consumer.stop();
        assertThat(consumer.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(consumer.isRunning()).isFalse();
    }
}
