package org.xmtpnode.bootstrap.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.xmtpnode.bootstrap.config.BootstrapProperties;
import org.xmtpnode.core.EnvelopeLog;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.proto.internal.SignedNodeRecord;

/**
 * Every node this bootstrap service has heard of: reads the registry topic from its start, checks each
 * record's signature and key, keeps the newest record per node, and marks a node live in Redis with a
 * TTL that runs from the record's own time, so a node that stops heartbeating drops out within the
 * liveness TTL (and at once when it announces that it is leaving).
 */
@Component("registry")
public class NodeRegistry implements SmartLifecycle, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);
    /** Records dated further ahead than this are refused: they would stay live past their TTL. */
    static final Duration MAX_FUTURE = Duration.ofMinutes(1);

    /** A record as listed. */
    public record Listed(NodeRecord record, boolean live) {}

    private final BootstrapProperties properties;
    private final StringRedisTemplate redis;
    private final MeterRegistry meters;
    private final Map<String, NodeRecord> latest = new ConcurrentHashMap<>();
    private final Map<String, ByteString> pinnedKeys = new ConcurrentHashMap<>();
    private final Set<ByteString> trustedKeys;
    private final String livePrefix;
    private final Counter accepted;
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public NodeRegistry(BootstrapProperties properties, StringRedisTemplate redis, MeterRegistry meters) {
        this.properties = properties;
        this.redis = redis;
        this.meters = meters;
        this.trustedKeys = properties.bootstrap().trustedKeys().stream()
                .map(h -> ByteString.copyFrom(HexFormat.of().parseHex(h.startsWith("0x") ? h.substring(2) : h)))
                .collect(Collectors.toUnmodifiableSet());
        this.livePrefix = "xmtp:bootstrap:" + properties.node().id() + ":live:";
        this.accepted = Counter.builder("bootstrap.records")
                .tag("result", "accepted")
                .tag("reason", "none")
                .register(meters);
        Gauge.builder(
                        "bootstrap.nodes.live",
                        this,
                        r -> r.list().stream().filter(Listed::live).count())
                .register(meters);
    }

    /**
     * Checks a signed record: well formed, signed by the key it names, that key allowed for its node id
     * (in the trusted set if one is configured; otherwise the first key seen for the id), not dated
     * in the future. Does not apply it.
     */
    public NodeRecord check(SignedNodeRecord signed) throws NodeRecords.Refused {
        NodeRecord record = NodeRecords.verify(signed);
        ByteString key = record.getSigningKey();
        if (!trustedKeys.isEmpty() && !trustedKeys.contains(key)) {
            throw refused("untrusted-key", "the signing key is not in xmtp.bootstrap.trusted-keys");
        }
        ByteString pinned = pinnedKeys.get(record.getNodeId());
        if (pinned != null && !pinned.equals(key)) {
            throw refused("key-mismatch", "node " + record.getNodeId() + " is known with another signing key");
        }
        long now = System.currentTimeMillis() * 1_000_000L;
        if (record.getIssuedAtNs() > now + MAX_FUTURE.toNanos()) {
            throw refused("future", "issued_at_ns is in the future");
        }
        return record;
    }

    private static NodeRecords.Refused refused(String reason, String message) {
        return new NodeRecords.Refused(reason, message);
    }

    /** A record read from the topic: checked, then the newest per node is kept and its liveness set. */
    void accept(SignedNodeRecord signed) {
        NodeRecord record;
        try {
            record = check(signed);
        } catch (NodeRecords.Refused e) {
            meters.counter("bootstrap.records", "result", "refused", "reason", e.reason())
                    .increment();
            log.warn("refused a node record from the registry topic: {}", e.getMessage());
            return;
        }
        pinnedKeys.putIfAbsent(record.getNodeId(), record.getSigningKey());
        NodeRecord previous = latest.get(record.getNodeId());
        if (previous != null && previous.getIssuedAtNs() >= record.getIssuedAtNs()) {
            return; // a replay or an older record
        }
        latest.put(record.getNodeId(), record);
        accepted.increment();
        if (previous == null || previous.getState() != record.getState()) {
            log.info("node {} is {} ({})", record.getNodeId(), record.getState(), record.getPublicUrl());
        }
        String key = livePrefix + record.getNodeId();
        try {
            if (record.getState() == NodeRecord.State.STATE_LEAVING) {
                redis.delete(key);
                return;
            }
            long ttlMs = remainingMillis(record);
            if (ttlMs > 0) {
                redis.opsForValue().set(key, Long.toString(record.getIssuedAtNs()), Duration.ofMillis(ttlMs));
            }
        } catch (RuntimeException e) {
            meters.counter("bootstrap.redis.errors").increment();
            log.warn(
                    "Redis unavailable, liveness of {} computed from its record: {}", record.getNodeId(), e.toString());
        }
    }

    private long remainingMillis(NodeRecord record) {
        long ageMs = System.currentTimeMillis() - record.getIssuedAtNs() / 1_000_000L;
        return Math.min(
                properties.bootstrap().livenessTtl().toMillis(),
                properties.bootstrap().livenessTtl().toMillis() - ageMs);
    }

    /** Every node heard of, newest record each, with its liveness (Redis; the record's age if Redis is down). */
    public List<Listed> list() {
        List<NodeRecord> records = new ArrayList<>(latest.values());
        records.sort(Comparator.comparing(NodeRecord::getNodeId));
        List<Boolean> live;
        try {
            List<String> values = redis.opsForValue()
                    .multiGet(records.stream()
                            .map(r -> livePrefix + r.getNodeId())
                            .toList());
            live = values == null ? null : values.stream().map(v -> v != null).toList();
        } catch (RuntimeException e) {
            meters.counter("bootstrap.redis.errors").increment();
            live = null;
        }
        List<Listed> out = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            NodeRecord r = records.get(i);
            boolean isLive = live != null
                    ? live.get(i)
                    : r.getState() != NodeRecord.State.STATE_LEAVING && remainingMillis(r) > 0;
            out.add(new Listed(r, isLive));
        }
        return out;
    }

    @Override
    public void start() {
        BootstrapProperties.Kafka k = properties.kafka();
        consumer = new KafkaConsumer<>(EnvelopeLog.reader(
                k.bootstrapServers(), "bootstrap-registry-" + properties.node().id()));
        String topic = properties.bootstrap().topic();
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        running = true;
        thread = new Thread(() -> run(end), "registry-reader");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(Map<TopicPartition, Long> endAtStart) {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        continue; // a tombstone: compaction removes the node's history
                    }
                    try {
                        accept(SignedNodeRecord.parseFrom(r.value()));
                    } catch (InvalidProtocolBufferException e) {
                        meters.counter("bootstrap.records", "result", "refused", "reason", "unreadable")
                                .increment();
                    }
                }
                if (!caughtUp
                        && endAtStart.entrySet().stream()
                                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    log.info("registry read up to its end at start: {} nodes known", latest.size());
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            log.error("registry reader failed", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Ready once the registry topic has been read up to where it ended when this service started. */
    @Override
    public Health health() {
        return caughtUp
                ? Health.up().build()
                : Health.outOfService().withDetail("registry", "reading").build();
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

    @Override
    public int getPhase() {
        return 0;
    }
}
