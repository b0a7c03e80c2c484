package org.xmtpnode.bootstrap.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.xmtpnode.bootstrap.registry.TestRecords.newKey;
import static org.xmtpnode.bootstrap.registry.TestRecords.signed;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.xmtpnode.proto.internal.NodeRecord;
import org.xmtpnode.runtime.config.NodeProperties;
import org.xmtpnode.testsupport.TestInfra;

/**
 * Liveness in a real Redis: each accepted record sets its node's key with a TTL that counts from the
 * record's own time, and Redis's clock expires it. The registry's clock is fixed at the test's start, so
 * records are dated relative to real time and the waits stay short.
 */
class NodeRegistryIT {

    static final Duration TTL = Duration.ofSeconds(10);

    /** This registry's own id: its keys are {@code xmtp:bootstrap:<id>:live:<node>}, apart from any other's. */
    final String registryId = "registry-it-" + UUID.randomUUID();

    final String livePrefix = "xmtp:bootstrap:" + registryId + ":live:";
    final TestClock clock = new TestClock(Instant.now());
    LettuceConnectionFactory connections;
    StringRedisTemplate redis;
    NodeRegistry registry;

    @BeforeEach
    void start() {
        connections =
                new LettuceConnectionFactory("127.0.0.1", TestInfra.redis().port());
        connections.afterPropertiesSet();
        connections.start();
        redis = new StringRedisTemplate(connections);
        registry = new NodeRegistry(
                TestRecords.properties("liveness-ttl", TTL.toMillis() + "ms"),
                new NodeProperties(registryId),
                redis,
                new SimpleMeterRegistry(),
                clock);
    }

    @AfterEach
    void cleanUp() {
        Set<String> keys = redis.keys(livePrefix + "*");
        if (keys != null && !keys.isEmpty()) {
            redis.delete(keys);
        }
        connections.destroy();
    }

    boolean live(String nodeId) {
        return registry.list().stream()
                .filter(l -> l.record().getNodeId().equals(nodeId))
                .findFirst()
                .orElseThrow()
                .live();
    }

    @Test
    void aNodesKeyExpiresInRedisOnceItsRecordIsOlderThanTheTtl() {
        // issued TTL minus 1 s ago: one second of liveness left
        registry.accept(
                signed("node-a", newKey(), clock.instant().minus(TTL).plusSeconds(1), NodeRecord.State.STATE_SERVING));
        registry.accept(signed("node-b", newKey(), clock.instant(), NodeRecord.State.STATE_SERVING));

        assertThat(redis.getExpire(livePrefix + "node-a", TimeUnit.MILLISECONDS))
                .as("the TTL counts from the record's time, not from when it was read")
                .isBetween(1L, 1000L);
        assertThat(redis.getExpire(livePrefix + "node-b", TimeUnit.MILLISECONDS))
                .isBetween(TTL.toMillis() - 2000, TTL.toMillis());
        assertThat(live("node-a")).isTrue();

        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> !live("node-a"));
        assertThat(redis.hasKey(livePrefix + "node-a")).isFalse();
        assertThat(live("node-b")).isTrue();
    }

    @Test
    void aLeavingRecordDeletesTheNodesKeyAtOnce() {
        BigInteger key = newKey();
        registry.accept(signed("node-a", key, clock.instant(), NodeRecord.State.STATE_SERVING));
        assertThat(redis.hasKey(livePrefix + "node-a")).isTrue();

        clock.advance(Duration.ofMillis(100));
        registry.accept(signed("node-a", key, clock.instant(), NodeRecord.State.STATE_LEAVING));

        assertThat(redis.hasKey(livePrefix + "node-a")).isFalse();
        assertThat(live("node-a")).isFalse();
    }

    @Test
    void aRecordAlreadyOlderThanTheTtlSetsNoKeyAndIsNotLive() {
        registry.accept(
                signed("node-a", newKey(), clock.instant().minus(TTL).minusMillis(1), NodeRecord.State.STATE_SERVING));

        assertThat(redis.hasKey(livePrefix + "node-a")).isFalse();
        assertThat(live("node-a")).isFalse();
    }

    @Test
    void anOlderRecordReadLaterDoesNotShortenTheNewestOnesTtl() {
        BigInteger key = newKey();
        registry.accept(signed("node-a", key, clock.instant(), NodeRecord.State.STATE_SERVING));
        registry.accept(
                signed("node-a", key, clock.instant().minus(TTL).plusMillis(200), NodeRecord.State.STATE_SERVING));

        assertThat(redis.getExpire(livePrefix + "node-a", TimeUnit.MILLISECONDS))
                .isGreaterThan(TTL.toMillis() - 2000);
    }
}
