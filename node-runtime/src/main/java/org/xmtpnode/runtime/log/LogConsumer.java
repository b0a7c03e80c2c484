package org.xmtpnode.runtime.log;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.xmtpnode.runtime.Retry;
import org.xmtpnode.runtime.config.KafkaProperties;
import org.xmtpnode.runtime.kafka.KafkaClients;

/**
 * One reader of a Kafka topic on a thread of its own: poll, hand the batch to the handler, and — in a
 * consumer group — commit only after the handler returned, so a crash replays rather than skips. A
 * failing handler is retried with backoff, never skipped.
 *
 * <p>Its health belongs in the service's readiness group: OUT_OF_SERVICE while it starts (topic,
 * assignment, and for a reader from the beginning, until it has read what the topic held at start);
 * DOWN once the loop has died, was stopped, or has not polled for longer than the stall timeout. A
 * reader that silently stopped would otherwise leave its service "ready" while it stores or delivers
 * nothing.
 */
public final class LogConsumer implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(LogConsumer.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final long PARTITION_REFRESH_NANOS = Duration.ofSeconds(30).toNanos();

    /** Handles one polled batch; an exception makes the loop retry the same batch with backoff. */
    @FunctionalInterface
    public interface Handler {
        void handle(ConsumerRecords<byte[], byte[]> records) throws Exception;
    }

    /** Where a reader of every partition starts. */
    public enum StartAt {
        /** The first retained record, and ready only once the records there at start are read. */
        BEGINNING,
        /** After the last record at start: what is written from then on. */
        END
    }

    private enum State {
        STARTING,
        RUNNING,
        STOPPED,
        FAILED
    }

    private final String name;
    private final String topic;
    private final String groupId;
    private final StartAt startAt;
    private final KafkaClients.TopicSpec createTopic;
    private final Properties settings;
    private final Handler handler;
    private final KafkaProperties kafka;
    private final MeterRegistry meters;
    private final Counter records;

    private volatile State state = State.STARTING;
    private volatile boolean running;
    private volatile long lastPollNanos;
    private volatile String problem = "starting";
    private volatile boolean readAtStartEnd;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Map<TopicPartition, Long> endAtStart = Map.of();
    private Thread thread;

    private LogConsumer(Builder b, Handler handler, KafkaProperties kafka, MeterRegistry meters) {
        this.name = b.name;
        this.topic = b.topic;
        this.groupId = b.groupId;
        this.startAt = b.startAt;
        this.createTopic = b.createTopic;
        this.settings = b.settings;
        this.handler = handler;
        this.kafka = kafka;
        this.meters = meters;
        this.records = Counter.builder("log.consumer.records")
                .description("records handed to a log consumer's handler")
                .tag("consumer", name)
                .register(meters);
    }

    /**
     * Reads {@code topic} in consumer group {@code groupId}: committed offsets, a new group starting at
     * the earliest retained record, commits after the handler.
     */
    public static Builder inGroup(String name, String topic, String groupId) {
        return new Builder(name, topic, groupId, null);
    }

    /** Reads every partition of {@code topic} itself (no group, no commits), partitions added later included. */
    public static Builder everyPartition(String name, String topic, StartAt from) {
        return new Builder(name, topic, null, from);
    }

    /** How a log consumer reads; {@link #build} makes it. */
    public static final class Builder {
        private final String name;
        private final String topic;
        private final String groupId;
        private final StartAt startAt;
        private final Properties settings = new Properties();
        private KafkaClients.TopicSpec createTopic;

        private Builder(String name, String topic, String groupId, StartAt startAt) {
            this.name = name;
            this.topic = topic;
            this.groupId = groupId;
            this.startAt = startAt;
        }

        /** Creates the topic with these settings before reading, when it is missing. */
        public Builder createTopic(KafkaClients.TopicSpec spec) {
            this.createTopic = spec;
            return this;
        }

        /** A fetch waits for this much data or this long, whichever comes first (batching for storing readers). */
        public Builder fetch(int minBytes, Duration maxWait) {
            settings.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, minBytes);
            settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) maxWait.toMillis());
            return this;
        }

        public Builder maxPollRecords(int n) {
            settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, n);
            return this;
        }

        public LogConsumer build(Handler handler, KafkaProperties kafka, MeterRegistry meters) {
            return new LogConsumer(this, handler, kafka, meters);
        }
    }

    @Override
    public void start() {
        running = true;
        lastPollNanos = System.nanoTime();
        thread = new Thread(this::run, "log-" + name);
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            if (!prepare()) {
                return;
            }
            state = State.RUNNING;
            problem = null;
            loop();
        } catch (Throwable e) {
            if (running) { // a bug: reported in health rather than a quiet death
                state = State.FAILED;
                problem = e.toString();
                log.error("log consumer {} stopped: its service reports DOWN until restarted", name, e);
            } // else: woken or interrupted to stop
        } finally {
            if (state != State.FAILED) {
                state = State.STOPPED;
            }
            Thread.interrupted(); // a stop's interrupt must not fail the close
            KafkaConsumer<byte[], byte[]> c = consumer;
            if (c != null) {
                c.close(Duration.ofSeconds(5));
            }
        }
    }

    /** Creates the topic when asked, then subscribes or assigns; retried while Kafka does not answer. */
    private boolean prepare() {
        if (createTopic != null
                && !Retry.untilDone(
                        () -> running,
                        () -> KafkaClients.ensureTopic(kafka.bootstrapServers(), createTopic),
                        (e, wait) -> failed("cannot create topic " + topic, e, wait))) {
            return false;
        }
        Properties p = KafkaClients.consumer(kafka.bootstrapServers(), name + "-" + clientSuffix());
        p.putAll(settings);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        }
        consumer = new KafkaConsumer<>(p);
        Gauge.builder("log.consumer.lag", this, LogConsumer::lag)
                .description("records the consumer's last fetch was behind the end of its partitions, at most")
                .tag("consumer", name)
                .register(meters);
        if (groupId != null) {
            consumer.subscribe(List.of(topic));
            readAtStartEnd = true;
            return true;
        }
        return Retry.untilDone(
                () -> running, this::assignPartitions, (e, wait) -> failed("cannot assign " + topic, e, wait));
    }

    private String clientSuffix() {
        return groupId != null
                ? groupId
                : Long.toHexString(ProcessHandle.current().pid());
    }

    /** Assigns every partition; ones new since the last call start where {@link StartAt} says. */
    private void assignPartitions() {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        Set<TopicPartition> before = consumer.assignment();
        if (before.containsAll(partitions)) {
            return;
        }
        List<TopicPartition> added =
                partitions.stream().filter(tp -> !before.contains(tp)).toList();
        consumer.assign(partitions);
        if (startAt == StartAt.END) {
            consumer.seekToEnd(added);
        } else {
            consumer.seekToBeginning(added);
        }
        for (TopicPartition tp : added) {
            consumer.position(tp); // resolved now: what is written after this reads as new
        }
        if (before.isEmpty()) {
            endAtStart =
                    startAt == StartAt.BEGINNING ? consumer.endOffsets(partitions, Duration.ofSeconds(10)) : Map.of();
            readAtStartEnd = endAtStart.isEmpty();
        }
        log.info(
                "log consumer {} reads {} partitions of {} from the {}",
                name,
                partitions.size(),
                topic,
                startAt == StartAt.END ? "end" : "beginning");
    }

    private void loop() {
        long lastRefresh = System.nanoTime();
        while (running) {
            ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL_TIMEOUT);
            lastPollNanos = System.nanoTime();
            if (!batch.isEmpty()) {
                if (!Retry.untilDone(
                        () -> running,
                        () -> handler.handle(batch),
                        (e, wait) -> failed("handling " + batch.count() + " records failed", e, wait))) {
                    return; // stopped before the batch was handled: its offsets stay uncommitted
                }
                problem = null;
                records.increment(batch.count());
                if (groupId != null) {
                    commit(batch);
                }
            }
            if (!readAtStartEnd
                    && endAtStart.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                readAtStartEnd = true;
                log.info("log consumer {} has read {} as far as it reached at start", name, topic);
            }
            if (groupId == null && lastPollNanos - lastRefresh > PARTITION_REFRESH_NANOS) {
                lastRefresh = lastPollNanos;
                try {
                    assignPartitions();
                } catch (RuntimeException e) {
                    log.warn("log consumer {}: partition refresh failed: {}", name, e.toString());
                }
            }
        }
    }

    private void commit(ConsumerRecords<byte[], byte[]> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : batch.partitions()) {
            var part = batch.records(tp);
            offsets.put(tp, new OffsetAndMetadata(part.get(part.size() - 1).offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            if (running) {
                log.warn("log consumer {}: offset commit failed, the batch will be replayed: {}", name, e.toString());
            }
        }
    }

    private void failed(String what, Exception e, long retryInMillis) {
        problem = what + ": " + e;
        log.warn("log consumer {}: {}, retrying in {} ms: {}", name, what, retryInMillis, e.toString());
    }

    /** The consumer's own {@code records-lag-max}: how far its last fetch was behind, on the worst partition. */
    private double lag() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c == null) {
            return Double.NaN;
        }
        for (var e : c.metrics().entrySet()) {
            if (e.getKey().name().equals("records-lag-max")
                    && e.getKey().group().equals("consumer-fetch-manager-metrics")
                    && !e.getKey().tags().containsKey("topic")) {
                Object v = e.getValue().metricValue();
                return v instanceof Number n ? n.doubleValue() : Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** True once the consumer reads and, for a reader from the beginning, has read what the topic held at start. */
    public boolean caughtUp() {
        return state == State.RUNNING && readAtStartEnd;
    }

    @Override
    public Health health() {
        long silentMs = (System.nanoTime() - lastPollNanos) / 1_000_000;
        return switch (state) {
            case FAILED -> Health.down().withDetail("error", problem).build();
            case STOPPED -> Health.down().withDetail("state", "stopped").build();
            case STARTING -> Health.outOfService().withDetail("state", problem).build();
            case RUNNING -> {
                if (silentMs > kafka.pollStallTimeout().toMillis()) {
                    yield Health.down()
                            .withDetail("state", "not polling for " + silentMs + " ms")
                            .withDetail("error", String.valueOf(problem))
                            .build();
                }
                yield readAtStartEnd
                        ? Health.up().build()
                        : Health.outOfService()
                                .withDetail("state", "reading what " + topic + " held at start")
                                .build();
            }
        };
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Starts before and stops after whatever depends on it (the web server, the catch-up gate, an announcer). */
    @Override
    public int getPhase() {
        return 0;
    }

    public String name() {
        return name;
    }
}
