package org.xmtpnode.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.xmtpnode.devnet.Ports;
import org.xmtpnode.gateway.config.GatewayProperties;
import org.xmtpnode.testsupport.TestInfra;

/** The token buckets against a real Redis, and what happens without one. */
class RateLimiterIT {

    static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    LettuceConnectionFactory connections;

    static GatewayProperties properties(long perMinute, long burst) {
        return new GatewayProperties(
                List.of(),
                Duration.ofSeconds(2),
                URI.create("http://r"),
                URI.create("http://s"),
                URI.create("http://k"),
                Duration.ofSeconds(10),
                new GatewayProperties.MaxBodyBytes(1024, 1024, 1024),
                new GatewayProperties.RateLimits(
                        true,
                        new GatewayProperties.ReadBucket(perMinute, burst),
                        new GatewayProperties.PublishBucket(perMinute, burst),
                        Duration.ofMillis(500)),
                List.of("127.0.0.0/8"),
                true,
                10,
                new GatewayProperties.Grpc(false, 0, "", null, null, 32));
    }

    RateLimiter limiter(int redisPort, long perMinute, long burst) {
        connections = new LettuceConnectionFactory("127.0.0.1", redisPort);
        connections.afterPropertiesSet();
        connections.start();
        return new RateLimiter(new ReactiveStringRedisTemplate(connections), properties(perMinute, burst), METERS);
    }

    @AfterEach
    void close() {
        connections.destroy();
    }

    static String ip() {
        return "198.51.100." + UUID.randomUUID().hashCode() % 250;
    }

    @Test
    void aBucketGivesItsBurstThenAsksToWaitForTheRefill() {
        RateLimiter limiter = limiter(TestInfra.redis().port(), 600, 30); // 10 per second
        String ip = ip() + "-" + UUID.randomUUID();
        assertThat(limiter.take(RateLimiter.Kind.READ, ip, null, 20).block().outcome())
                .isEqualTo(RateLimiter.Outcome.ALLOWED);
        assertThat(limiter.take(RateLimiter.Kind.READ, ip, null, 10).block().outcome())
                .isEqualTo(RateLimiter.Outcome.ALLOWED);
        RateLimiter.Decision limited =
                limiter.take(RateLimiter.Kind.READ, ip, null, 5).block();
        assertThat(limited.outcome()).isEqualTo(RateLimiter.Outcome.LIMITED);
        assertThat(limited.waitMillis()).isBetween(1L, 600L); // about 5 tokens at 10/s
        // the publish bucket of the same IP is a separate one
        assertThat(limiter.take(RateLimiter.Kind.PUBLISH, ip, null, 5).block().outcome())
                .isEqualTo(RateLimiter.Outcome.ALLOWED);
    }

    @Test
    void aWalletHasItsOwnPublishBucketAcrossAddresses() {
        RateLimiter limiter = limiter(TestInfra.redis().port(), 60, 10);
        String wallet = "0x" + UUID.randomUUID().toString().replace("-", "").substring(0, 20) + "00000000000000000000";
        assertThat(limiter.take(RateLimiter.Kind.PUBLISH, ip() + "a" + UUID.randomUUID(), wallet, 10)
                        .block()
                        .outcome())
                .isEqualTo(RateLimiter.Outcome.ALLOWED);
        assertThat(limiter.take(RateLimiter.Kind.PUBLISH, ip() + "b" + UUID.randomUUID(), wallet, 1)
                        .block()
                        .outcome())
                .as("a new IP does not refill the wallet's bucket")
                .isEqualTo(RateLimiter.Outcome.LIMITED);
    }

    @Test
    void allowedWalletsSkipTheLimitsAndDeniedOnesAreRefused() {
        RateLimiter limiter = limiter(TestInfra.redis().port(), 60, 1);
        ReactiveStringRedisTemplate redis = new ReactiveStringRedisTemplate(connections);
        String allowed = "0xallowed" + UUID.randomUUID();
        String denied = "0xdenied" + UUID.randomUUID();
        redis.opsForSet().add(RateLimiter.ALLOW_SET, allowed).block();
        redis.opsForSet().add(RateLimiter.DENY_SET, denied).block();
        try {
            String ip = ip() + UUID.randomUUID();
            for (int i = 0; i < 5; i++) {
                assertThat(limiter.take(RateLimiter.Kind.PUBLISH, ip, allowed, 1)
                                .block()
                                .outcome())
                        .isEqualTo(RateLimiter.Outcome.ALLOWED);
            }
            assertThat(limiter.take(RateLimiter.Kind.PUBLISH, ip, denied, 1)
                            .block()
                            .outcome())
                    .isEqualTo(RateLimiter.Outcome.DENIED);
        } finally {
            redis.opsForSet().remove(RateLimiter.ALLOW_SET, allowed).block();
            redis.opsForSet().remove(RateLimiter.DENY_SET, denied).block();
        }
    }

    @Test
    void withoutRedisRequestsGoThroughAndAreCounted() {
        RateLimiter limiter = limiter(Ports.free(), 60, 1); // nothing listens there
        double before = METERS.find("gateway.ratelimit.failopen").counter() == null
                ? 0
                : METERS.find("gateway.ratelimit.failopen").counter().count();
        // answered (block fails after 30 s otherwise): a Redis that is gone must not hang requests; how
        // fast the answer comes (the 500 ms Redis timeout here) is a latency for the benchmarks, not this test
        RateLimiter.Decision d =
                limiter.take(RateLimiter.Kind.READ, "203.0.113.1", null, 1).block(Duration.ofSeconds(30));
        assertThat(d.outcome()).isEqualTo(RateLimiter.Outcome.FAILED_OPEN);
        assertThat(METERS.get("gateway.ratelimit.failopen").counter().count()).isEqualTo(before + 1);
    }
}
