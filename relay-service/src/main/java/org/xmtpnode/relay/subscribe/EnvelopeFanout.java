package org.xmtpnode.relay.subscribe;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.EnvelopeDigest;
import org.xmtpnode.core.EnvelopeLog;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.proto.api.Envelope;
import org.xmtpnode.relay.config.RelayProperties;

/**
 * Feeds live subscribers from Kafka: every relay instance reads every partition of the envelope log
 * from its end (no consumer group: each instance needs all envelopes), on one thread, so each topic's
 * envelopes reach a subscriber in log order. A digest seen recently is streamed once.
 */
@Component
public class EnvelopeFanout implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(EnvelopeFanout.class);
    private static final long PARTITION_REFRESH_MS = 30_000;

    private final RelayProperties properties;
    private final SubscriptionRegistry registry;
    private final Map<ByteBuffer, Boolean> recentDigests;
    private volatile boolean running;
    private volatile boolean assigned;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public EnvelopeFanout(RelayProperties properties, SubscriptionRegistry registry) {
        this.properties = properties;
        this.registry = registry;
        int window = properties.relay().dedupeWindow();
        this.recentDigests = new LinkedHashMap<>(window * 4 / 3 + 1, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<ByteBuffer, Boolean> eldest) {
                return size() > window;
            }
        };
    }

    @Override
    public void start() {
        Properties p = EnvelopeLog.reader(
                properties.kafka().bootstrapServers(),
                "relay-fanout." + properties.node().id());
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1000);
        consumer = new KafkaConsumer<>(p);
        assignAll();
        running = true;
        thread = new Thread(this::run, "relay-fanout");
        thread.setDaemon(true);
        thread.start();
    }

    /** Assigns every partition; ones new since the last call start at their end. */
    private void assignAll() {
        String topic = properties.kafka().topic();
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        List<TopicPartition> partitions = infos.stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        if (assigned && consumer.assignment().containsAll(partitions)) {
            return;
        }
        var before = consumer.assignment();
        consumer.assign(partitions);
        consumer.seekToEnd(
                partitions.stream().filter(tp -> !before.contains(tp)).toList());
        for (TopicPartition tp : partitions) {
            consumer.position(tp); // resolve the end offsets now: what is published after start is streamed
        }
        assigned = true;
        log.info("streaming from {} partitions of {}", partitions.size(), topic);
    }

    private void run() {
        long lastRefresh = System.currentTimeMillis();
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    handle(record);
                }
                if (System.currentTimeMillis() - lastRefresh > PARTITION_REFRESH_MS) {
                    lastRefresh = System.currentTimeMillis();
                    try {
                        assignAll();
                    } catch (RuntimeException e) {
                        log.warn("partition refresh failed: {}", e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("the fan-out stopped; live streams receive nothing until restart", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** A record is parsed only when some stream wants its topic (the record's key, {@link EnvelopeLog#record}). */
    private void handle(ConsumerRecord<byte[], byte[]> record) {
        String topic = EnvelopeLog.keyTopic(record);
        byte[] digest = EnvelopeLog.digest(record.headers());
        if (topic == null || digest == null) {
            Envelope envelope = parse(record);
            if (envelope == null) {
                return;
            }
            topic = envelope.getContentTopic();
            digest = EnvelopeDigest.of(envelope);
        }
        if (recentDigests.put(ByteBuffer.wrap(digest), Boolean.TRUE) != null) {
            return; // published again (a client retry): streamed already
        }
        String streamed = topic;
        registry.dispatch(streamed, () -> line(record, streamed));
    }

    /** The record's stream line; null when it is unreadable or its key is not its envelope's topic. */
    private static byte[] line(ConsumerRecord<byte[], byte[]> record, String topic) {
        Envelope envelope = parse(record);
        if (envelope == null) {
            return null;
        }
        if (!envelope.getContentTopic().equals(topic)) {
            log.error(
                    "skipping the record at {}-{}@{}: its key is not its envelope's topic",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return null;
        }
        return WireJson.streamLine(envelope);
    }

    private static Envelope parse(ConsumerRecord<byte[], byte[]> record) {
        try {
            return Envelope.parseFrom(record.value());
        } catch (Exception e) {
            log.error("skipping an unreadable record at {}-{}@{}", record.topic(), record.partition(), record.offset());
            return null;
        }
    }

    public boolean isAssigned() {
        return assigned;
    }

    @Override
    public void stop() {
        running = false;
        EnvelopeLog.stopPolling(consumer, thread);
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
