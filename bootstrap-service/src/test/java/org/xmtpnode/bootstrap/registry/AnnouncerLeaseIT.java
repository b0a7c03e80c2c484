package org.xmtpnode.bootstrap.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.xmtpnode.bootstrap.registry.AnnouncerLease.Release;
import org.xmtpnode.devnet.Ports;
import org.xmtpnode.testsupport.TestInfra;

/** The announcer lease on a real Redis: one replica of a node announces, and only the last one says leaving. */
class AnnouncerLeaseIT {

    static final Duration TTL = Duration.ofSeconds(6);

    static LettuceConnectionFactory factory;
    static StringRedisTemplate redis;

    static final String CLUSTER = "cluster-a";

    String node = "lease-test-" + UUID.randomUUID();

    @BeforeAll
    static void connect() {
        factory = connect(TestInfra.redis().port());
        redis = new StringRedisTemplate(factory);
    }

    static LettuceConnectionFactory connect(int port) {
        LettuceConnectionFactory f = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", port));
        f.afterPropertiesSet();
        f.start();
        return f;
    }

    @AfterAll
    static void disconnect() {
        factory.destroy();
    }

    @AfterEach
    void removeKeys() {
        for (String cluster : List.of(CLUSTER, "cluster-b")) {
            redis.delete(List.of(
                    "xmtp:bootstrap:announcer:" + cluster + ":" + node,
                    "xmtp:bootstrap:replicas:" + cluster + ":" + node));
        }
    }

    AnnouncerLease replica(Duration ttl) {
        return new AnnouncerLease(redis, CLUSTER, node, ttl);
    }

    @Test
    void oneReplicaOfANodeAnnouncesAndKeepsDoingSo() {
        AnnouncerLease a = replica(TTL);
        AnnouncerLease b = replica(TTL);
        assertThat(a.heartbeat(true)).isTrue();
        assertThat(b.heartbeat(true)).isFalse();
        assertThat(a.heartbeat(true)).isTrue();
        assertThat(b.heartbeat(true)).isFalse();
    }

    @Test
    void aStoppingHolderHandsOverToAnotherReplicaWithoutSayingLeaving() {
        AnnouncerLease a = replica(TTL);
        AnnouncerLease b = replica(TTL);
        a.heartbeat(true);
        b.heartbeat(true);
        assertThat(a.release()).isEqualTo(Release.HANDED_OVER);
        assertThat(b.heartbeat(true))
                .as("the other replica takes over at its next heartbeat")
                .isTrue();
    }

    @Test
    void onlyTheLastReplicaToStopSaysTheNodeIsLeaving() {
        AnnouncerLease a = replica(TTL);
        AnnouncerLease b = replica(TTL);
        a.heartbeat(true);
        b.heartbeat(true);
        assertThat(b.release()).isEqualTo(Release.HANDED_OVER);
        assertThat(a.release()).isEqualTo(Release.LAST_REPLICA);
    }

    @Test
    void aStartingReplicaCountsAsRunningBeforeItMayTakeTheLease() {
        AnnouncerLease old = replica(TTL);
        AnnouncerLease starting = replica(TTL);
        old.heartbeat(true);
        assertThat(starting.heartbeat(false)).isFalse();
        // a rolling update stops the old pod while the new one still reads the registry
        assertThat(old.release()).isEqualTo(Release.HANDED_OVER);
        assertThat(starting.heartbeat(false))
                .as("not before it has read the registry")
                .isFalse();
        assertThat(starting.heartbeat(true)).isTrue();
    }

    @Test
    void aCrashedHoldersLeaseExpiresAndAnotherReplicaTakesIt() {
        Duration ttl = Duration.ofMillis(600);
        AnnouncerLease crashed = replica(ttl);
        AnnouncerLease other = replica(ttl);
        assertThat(crashed.heartbeat(true)).isTrue();
        assertThat(other.heartbeat(true)).isFalse();
        // the holder heartbeats no more
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> other.heartbeat(true));
        assertThat(crashed.heartbeat(true))
                .as("the old holder finds the lease taken")
                .isFalse();
    }

    @Test
    void nodesDoNotShareALease() {
        AnnouncerLease a = replica(TTL);
        AnnouncerLease elsewhere = new AnnouncerLease(redis, CLUSTER, node + "-other", TTL);
        try {
            assertThat(a.heartbeat(true)).isTrue();
            assertThat(elsewhere.heartbeat(true)).isTrue();
            assertThat(a.release()).isEqualTo(Release.LAST_REPLICA);
        } finally {
            elsewhere.release();
        }
    }

    @Test
    void nodesOfTheSameIdInTwoNetworksSharingARedisDoNotShareALease() {
        AnnouncerLease a = replica(TTL);
        AnnouncerLease otherNetwork = new AnnouncerLease(redis, "cluster-b", node, TTL);
        try {
            assertThat(a.heartbeat(true)).isTrue();
            assertThat(otherNetwork.heartbeat(true)).isTrue();
            assertThat(a.release()).isEqualTo(Release.LAST_REPLICA);
        } finally {
            otherNetwork.release();
        }
    }

    @Test
    void withoutRedisEveryReplicaAnnouncesAndNoneSaysLeaving() {
        LettuceConnectionFactory nowhere = connect(Ports.free());
        try {
            AnnouncerLease a = new AnnouncerLease(new StringRedisTemplate(nowhere), CLUSTER, node, TTL);
            assertThat(a.heartbeat(true)).isTrue();
            assertThat(a.heartbeat(false)).isFalse();
            assertThat(a.release()).isEqualTo(Release.UNKNOWN);
        } finally {
            nowhere.destroy();
        }
    }
}
