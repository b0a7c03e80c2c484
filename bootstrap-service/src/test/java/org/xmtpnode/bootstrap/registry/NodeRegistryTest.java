package org.xmtpnode.bootstrap.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.xmtpnode.bootstrap.registry.TestRecords.newKey;
import static org.xmtpnode.bootstrap.registry.TestRecords.publicHex;
import static org.xmtpnode.bootstrap.registry.TestRecords.signed;

import com.google.protobuf.ByteString;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.xmtpnode.core.crypto.Secp256k1;
import org.xmtpnode.core.nodes.NodeRecords;
import org.xmtpnode.devnet.Ports;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.proto.internal.SignedNodeRecord;
import org.xmtpnode.runtime.config.NodeProperties;

/**
 * The registry's checks of node records (signature, pinned and trusted keys, future dates, replays), and
 * liveness computed from record times when Redis is down, on a clock the test moves. No servers: Redis is a
 * closed port.
 */
class NodeRegistryTest {

    static final Duration TTL = Duration.ofSeconds(10);
    static final String NODE = "node-a";

    final TestClock clock = new TestClock(Instant.parse("2025-06-01T12:00:00Z"));
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final List<LettuceConnectionFactory> connections = new ArrayList<>();

    @AfterEach
    void close() {
        connections.forEach(LettuceConnectionFactory::destroy);
    }

    /** A Redis client whose every command fails at once: nothing listens on its port. */
    StringRedisTemplate redisDown() {
        LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                .commandTimeout(Duration.ofMillis(500))
                .clientOptions(ClientOptions.builder()
                        .autoReconnect(false)
                        .socketOptions(SocketOptions.builder()
                                .connectTimeout(Duration.ofMillis(500))
                                .build())
                        .build())
                .build();
        LettuceConnectionFactory factory =
                new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", Ports.free()), client);
        factory.afterPropertiesSet();
        factory.start();
        connections.add(factory);
        return new StringRedisTemplate(factory);
    }

    NodeRegistry registry(String... settings) {
        List<String> all = new ArrayList<>(List.of("liveness-ttl", TTL.toMillis() + "ms"));
        all.addAll(Arrays.asList(settings));
        return new NodeRegistry(
                TestRecords.properties(all.toArray(String[]::new)),
                new NodeProperties("registry-test"),
                redisDown(),
                meters,
                clock);
    }

    Instant now() {
        return clock.instant();
    }

    double refused(String reason) {
        var counter = meters.find("bootstrap.records")
                .tag("result", "refused")
                .tag("reason", reason)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    double accepted() {
        return meters.get("bootstrap.records")
                .tag("result", "accepted")
                .counter()
                .count();
    }

    static String reasonOf(NodeRegistry registry, SignedNodeRecord record) {
        try {
            registry.check(record);
            return "accepted";
        } catch (NodeRecords.Refused e) {
            return e.reason();
        }
    }

    @Test
    void aRecordSignedByItsOwnKeyIsAcceptedAndListedAsLive() {
        NodeRegistry registry = registry();
        SignedNodeRecord record = signed(NODE, newKey(), now(), NodeRecord.State.STATE_SERVING);

        registry.accept(record);

        assertThat(registry.list()).singleElement().satisfies(listed -> {
            assertThat(listed.record().toByteString()).isEqualTo(record.getRecord());
            assertThat(listed.live()).isTrue();
        });
        assertThat(accepted()).isEqualTo(1);
        assertThat(meters.get("bootstrap.nodes.live").gauge().value()).isEqualTo(1);
    }

    @Test
    void theFirstKeySeenPinsTheNodeIdAndAnotherKeyIsRefusedAsAKeyMismatch() {
        NodeRegistry registry = registry();
        BigInteger first = newKey();
        BigInteger other = newKey();
        registry.accept(signed(NODE, first, now(), NodeRecord.State.STATE_SERVING));
        clock.advance(Duration.ofSeconds(1));
        SignedNodeRecord impostor = signed(NODE, other, now(), NodeRecord.State.STATE_LEAVING);

        assertThatThrownBy(() -> registry.check(impostor))
                .isInstanceOfSatisfying(
                        NodeRecords.Refused.class, e -> assertThat(e.reason()).isEqualTo("key-mismatch"))
                .hasMessageContaining(NODE);
        registry.accept(impostor);

        assertThat(refused("key-mismatch")).isEqualTo(1);
        assertThat(registry.list()).singleElement().satisfies(listed -> {
            assertThat(listed.record().getSigningKey()).isEqualTo(ByteString.copyFrom(Secp256k1.publicKey(first)));
            assertThat(listed.record().getState()).isEqualTo(NodeRecord.State.STATE_SERVING);
            assertThat(listed.live()).isTrue();
        });
        // the pinned key goes on speaking for its node
        clock.advance(Duration.ofSeconds(1));
        assertThat(reasonOf(registry, signed(NODE, first, now(), NodeRecord.State.STATE_SERVING)))
                .isEqualTo("accepted");
    }

    @Test
    void withTrustedKeysConfiguredAnUntrustedKeyIsRefusedAndATrustedOneAccepted() {
        BigInteger trusted = newKey();
        BigInteger alsoTrusted = newKey();
        BigInteger stranger = newKey();
        // hex with or without 0x, as an operator may write it
        NodeRegistry registry = registry("trusted-keys", "0x" + publicHex(trusted) + "," + publicHex(alsoTrusted));

        SignedNodeRecord untrusted = signed("node-x", stranger, now(), NodeRecord.State.STATE_SERVING);
        assertThat(reasonOf(registry, untrusted)).isEqualTo("untrusted-key");
        registry.accept(untrusted);
        registry.accept(signed("node-a", trusted, now(), NodeRecord.State.STATE_SERVING));
        registry.accept(signed("node-b", alsoTrusted, now(), NodeRecord.State.STATE_JOINING));

        assertThat(refused("untrusted-key")).isEqualTo(1);
        assertThat(registry.list()).extracting(l -> l.record().getNodeId()).containsExactly("node-a", "node-b");
    }

    @Test
    void aRecordDatedMoreThanAMinuteAheadIsRefusedAndOneWithinTheMinuteAccepted() {
        NodeRegistry registry = registry();
        BigInteger key = newKey();
        SignedNodeRecord tooFar =
                signed(NODE, key, now().plus(Duration.ofMinutes(1)).plusMillis(1), NodeRecord.State.STATE_SERVING);
        SignedNodeRecord withinTheMinute =
                signed(NODE, key, now().plus(Duration.ofSeconds(59)), NodeRecord.State.STATE_SERVING);

        assertThat(reasonOf(registry, tooFar)).isEqualTo("future");
        registry.accept(tooFar);
        assertThat(refused("future")).isEqualTo(1);
        assertThat(registry.list()).isEmpty();

        registry.accept(withinTheMinute);
        assertThat(registry.list())
                .singleElement()
                .satisfies(l -> assertThat(l.live()).isTrue());
        assertThat(accepted()).isEqualTo(1);
    }

    @Test
    void aRecordOlderThanTheNewestKnownIsIgnoredAsAReplay() {
        NodeRegistry registry = registry();
        BigInteger key = newKey();
        SignedNodeRecord earlier = signed(NODE, key, now(), NodeRecord.State.STATE_JOINING);
        clock.advance(Duration.ofSeconds(2));
        SignedNodeRecord newest = signed(NODE, key, now(), NodeRecord.State.STATE_SERVING);

        registry.accept(newest);
        registry.accept(earlier);
        registry.accept(newest); // the same record again

        assertThat(registry.list())
                .singleElement()
                .satisfies(l -> assertThat(l.record().getState()).isEqualTo(NodeRecord.State.STATE_SERVING));
        assertThat(accepted()).isEqualTo(1);
        assertThat(meters.find("bootstrap.records").tag("result", "refused").counters())
                .as("a replay is ignored, not refused")
                .isEmpty();
    }

    @Test
    void aLeavingRecordDropsTheNodeFromTheLiveListAtOnce() {
        NodeRegistry registry = registry();
        BigInteger key = newKey();
        registry.accept(signed(NODE, key, now(), NodeRecord.State.STATE_SERVING));
        registry.accept(signed("node-b", newKey(), now(), NodeRecord.State.STATE_SERVING));
        clock.advance(Duration.ofMillis(500));

        registry.accept(signed(NODE, key, now(), NodeRecord.State.STATE_LEAVING));

        assertThat(registry.list())
                .extracting(l -> l.record().getNodeId(), l -> l.record().getState(), NodeRegistry.Listed::live)
                .containsExactly(
                        tuple(NODE, NodeRecord.State.STATE_LEAVING, false),
                        tuple("node-b", NodeRecord.State.STATE_SERVING, true));
    }

    @Test
    void withoutRedisANodeIsLiveUntilItsNewestRecordIsOlderThanTheTtl() {
        NodeRegistry registry = registry();
        BigInteger key = newKey();
        registry.accept(signed(NODE, key, now(), NodeRecord.State.STATE_SERVING));

        clock.advance(TTL.minusMillis(1));
        assertThat(registry.list())
                .singleElement()
                .satisfies(l -> assertThat(l.live()).isTrue());
        clock.advance(Duration.ofMillis(1));
        assertThat(registry.list())
                .singleElement()
                .satisfies(l -> assertThat(l.live()).isFalse());

        // the next heartbeat brings it back
        registry.accept(signed(NODE, key, now(), NodeRecord.State.STATE_SERVING));
        assertThat(registry.list())
                .singleElement()
                .satisfies(l -> assertThat(l.live()).isTrue());
        assertThat(meters.get("bootstrap.redis.errors").counter().count()).isPositive();
    }

    @Test
    void aRecordAlreadyOlderThanTheTtlWhenReadIsListedButNotLive() {
        NodeRegistry registry = registry();
        // what a restarted bootstrap service reads from the start of the registry topic
        registry.accept(signed(NODE, newKey(), now().minus(TTL).minusSeconds(1), NodeRecord.State.STATE_SERVING));

        assertThat(registry.list())
                .singleElement()
                .satisfies(l -> assertThat(l.live()).isFalse());
        assertThat(accepted()).isEqualTo(1);
    }

    @Test
    void forgedAndMalformedRecordsFromTheTopicAreRefusedAndCountedByReason() {
        NodeRegistry registry = registry();
        BigInteger key = newKey();
        SignedNodeRecord genuine = signed(NODE, key, now(), NodeRecord.State.STATE_SERVING);
        byte[] altered = genuine.getRecord().toByteArray();
        altered[altered.length - 3] ^= 1; // inside issued_at_ns
        SignedNodeRecord tampered =
                genuine.toBuilder().setRecord(ByteString.copyFrom(altered)).build();
        // signed by another key than the one it names
        SignedNodeRecord otherSigner =
                NodeRecords.sign(TestRecords.record(NODE, key, now(), NodeRecord.State.STATE_SERVING), newKey());
        SignedNodeRecord badId = signed("no spaces allowed", key, now(), NodeRecord.State.STATE_SERVING);

        registry.handle(topicRecords(
                tampered.toByteArray(),
                otherSigner.toByteArray(),
                badId.toByteArray(),
                new byte[] {(byte) 0xff, (byte) 0xff}, // not a SignedNodeRecord
                null)); // a tombstone

        assertThat(refused("bad-signature")).isEqualTo(2);
        assertThat(refused("invalid")).isEqualTo(1);
        assertThat(refused("unreadable")).isEqualTo(1);
        assertThat(registry.list()).isEmpty();

        registry.handle(topicRecords(genuine.toByteArray()));
        assertThat(registry.list()).hasSize(1);
    }

    static ConsumerRecords<byte[], byte[]> topicRecords(byte[]... values) {
        TopicPartition partition = new TopicPartition("xmtp.nodes.v1", 0);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            records.add(
                    new ConsumerRecord<>(partition.topic(), 0, i, NODE.getBytes(StandardCharsets.UTF_8), values[i]));
        }
        return new ConsumerRecords<>(Map.of(partition, records), Map.of());
    }
}
