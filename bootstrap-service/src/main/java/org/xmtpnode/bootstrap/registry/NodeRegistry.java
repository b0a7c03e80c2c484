package org.xmtpnode.bootstrap.registry;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.xmtpnode.bootstrap.config.BootstrapProperties;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.proto.internal.SignedNodeRecord;
import org.xmtpnode.runtime.config.NodeProperties;
import org.xmtpnode.runtime.log.LogConsumer;

/**
 * Every node this bootstrap service has heard of. Its log consumer reads the registry topic from its
 * start; each record's signature and key are checked, the newest record per node is kept, and a node is
 * marked live in Redis with a TTL that runs from the record's own time, so a node that stops
 * heartbeating drops out within the liveness TTL (and at once when it announces that it is leaving).
 */
@Component
public class NodeRegistry implements LogConsumer.Handler {

    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);
    /** Records dated further ahead than this are refused: they would stay live past their TTL. */
    static final Duration MAX_FUTURE = Duration.ofMinutes(1);

    /** A record as listed. */
    public record Listed(NodeRecord record, boolean live) {}

    private final BootstrapProperties properties;
    private final StringRedisTemplate redis;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<String, NodeRecord> latest = new ConcurrentHashMap<>();
    private final Map<String, ByteString> pinnedKeys = new ConcurrentHashMap<>();
    private final Set<ByteString> trustedKeys;
    private final String livePrefix;
    private final Counter accepted;

    public NodeRegistry(
            BootstrapProperties properties,
            NodeProperties node,
            StringRedisTemplate redis,
            MeterRegistry meters,
            Clock clock) {
        this.properties = properties;
        this.redis = redis;
        this.meters = meters;
        this.clock = clock;
        this.trustedKeys = properties.trustedKeys().stream()
                .map(h -> ByteString.copyFrom(HexFormat.of().parseHex(h.startsWith("0x") ? h.substring(2) : h)))
                .collect(Collectors.toUnmodifiableSet());
        this.livePrefix = "xmtp:bootstrap:" + node.id() + ":live:";
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
     * Checks a signed record: well formed, signed by the key it names, that key allowed for its node id (in
     * the trusted set if one is configured; otherwise the first key seen for the id), not dated in the
     * future. Does not apply it.
     */
    public NodeRecord check(SignedNodeRecord signed) throws NodeRecords.Refused {
        NodeRecord record = NodeRecords.verify(signed);
        ByteString key = record.getSigningKey();
        if (!trustedKeys.isEmpty() && !trustedKeys.contains(key)) {
            throw new NodeRecords.Refused("untrusted-key", "the signing key is not in xmtp.bootstrap.trusted-keys");
        }
        ByteString pinned = pinnedKeys.get(record.getNodeId());
        if (pinned != null && !pinned.equals(key)) {
            throw new NodeRecords.Refused(
                    "key-mismatch", "node " + record.getNodeId() + " is known with another signing key");
        }
        if (record.getIssuedAtNs() > nowNs() + MAX_FUTURE.toNanos()) {
            throw new NodeRecords.Refused("future", "issued_at_ns is in the future");
        }
        return record;
    }

    /** Counts a refused record by its reason. */
    public void refused(NodeRecords.Refused e) {
        meters.counter("bootstrap.records", "result", "refused", "reason", e.reason())
                .increment();
    }

    @Override
    public void handle(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                continue; // a tombstone: compaction removes the node's history
            }
            try {
                accept(SignedNodeRecord.parseFrom(r.value()));
            } catch (InvalidProtocolBufferException e) {
                refused(new NodeRecords.Refused("unreadable", "not a SignedNodeRecord"));
            }
        }
    }

    /** A record read from the topic: checked, then the newest per node is kept and its liveness set. */
    void accept(SignedNodeRecord signed) {
        NodeRecord record;
        try {
            record = check(signed);
        } catch (NodeRecords.Refused e) {
            refused(e);
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

    private long nowNs() {
        return clock.millis() * 1_000_000L;
    }

    private long remainingMillis(NodeRecord record) {
        long ttl = properties.livenessTtl().toMillis();
        long ageMs = clock.millis() - record.getIssuedAtNs() / 1_000_000L;
        return Math.min(ttl, ttl - ageMs);
    }

    /** The newest valid record of one node, if any was read. */
    public Optional<NodeRecord> latest(String nodeId) {
        return Optional.ofNullable(latest.get(nodeId));
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
}
