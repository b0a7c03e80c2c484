package org.xmtpnode.runtime.catchup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.xmtpnode.runtime.TestKafka;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.kafka.KafkaClients;
import org.xmtpnode.runtime.log.LogConsumer;

/** The catch-up gate against a real broker: ready only once the group has read what the log held at start. */
class CatchUpGateIT {

    final KafkaProperties kafka = TestKafka.properties();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CatchUpGate gate;
    LogConsumer reader;

    @AfterEach
    void stop() {
        if (gate != null) {
            gate.stop();
        }
        if (reader != null) {
            reader.stop();
        }
    }

    CatchUpGate gate(String topic, String group, CatchUpGate.GapFiller filler) {
        return new CatchUpGate(kafka.bootstrapServers(), topic, group, filler, Clock.systemUTC(), meters);
    }

    LogConsumer reader(String topic, String group) {
        return LogConsumer.inGroup("reader", topic, group).build(records -> {}, kafka, meters);
    }

    @Test
    void outOfServiceUntilTheGroupHasCommittedTheEndsNotedAtStart() throws Exception {
        String topic = TestKafka.newTopic(kafka, 3);
        String group = "group-" + UUID.randomUUID();
        TestKafka.produce(kafka, topic, 30);
        gate = gate(topic, group, null);
        gate.start();

        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(5))
                .until(() -> Objects.equals(gate.health().getStatus(), Status.OUT_OF_SERVICE));
        assertThat(meters.get("catchup.behind").gauge().value()).isEqualTo(30);

        reader = reader(topic, group);
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(gate::caughtUp);
        assertThat(gate.health().getStatus()).isEqualTo(Status.UP);
        assertThat(meters.get("catchup.done").gauge().value()).isEqualTo(1);
    }

    @Test
    void historyTheLogNoLongerHoldsIsFilledFirstAndAFailedFillIsRetried() throws Exception {
        String topic = TestKafka.newTopic(kafka, 1);
        String group = "group-" + UUID.randomUUID();
        TestKafka.produce(kafka, topic, 10);
        try (Admin admin = KafkaClients.admin(kafka.bootstrapServers())) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(6)))
                    .all()
                    .get(10, TimeUnit.SECONDS);
        }
        AtomicInteger attempts = new AtomicInteger();
        AtomicInteger filled = new AtomicInteger();
        gate = gate(topic, group, keepGoing -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IOException("no serving peer yet");
            }
            filled.incrementAndGet();
        });
        gate.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> filled.get() == 1);
        assertThat(attempts).hasValue(2);
        assertThat(gate.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        reader = reader(topic, group);
        reader.start();
        await().atMost(Duration.ofSeconds(30)).until(gate::caughtUp);
        assertThat(filled).hasValue(1);
    }

    @Test
    void aGroupThatIsUpToDateIsReadyAtOnceWithoutFilling() throws Exception {
        String topic = TestKafka.newTopic(kafka, 1);
        String group = "group-" + UUID.randomUUID();
        AtomicInteger fills = new AtomicInteger();
        gate = gate(topic, group, keepGoing -> fills.incrementAndGet());
        gate.start();
        await().atMost(Duration.ofSeconds(30)).until(gate::caughtUp);
        assertThat(fills).hasValue(0);
    }
}
