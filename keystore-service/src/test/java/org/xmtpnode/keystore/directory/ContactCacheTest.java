package org.xmtpnode.keystore.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.SocketOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.xmtpnode.devnet.Ports;
import org.xmtpnode.keystore.config.KeystoreProperties;
import org.xmtpnode.runtime.config.NodeProperties;

/** Redis being down only costs the cache: lookups miss (and go to PostgreSQL), updates carry on. No servers. */
class ContactCacheTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    LettuceConnectionFactory connections;
    ContactCache cache;

    @AfterEach
    void close() {
        if (cache != null) {
            cache.destroy();
        }
        connections.destroy();
    }

    /** A cache whose Redis client fails at once: nothing listens on its port. */
    ContactCache cacheWithRedisDown() {
        LettuceClientConfiguration client = LettuceClientConfiguration.builder()
                .commandTimeout(Duration.ofMillis(500))
                .clientOptions(ClientOptions.builder()
                        .autoReconnect(false)
                        .socketOptions(SocketOptions.builder()
                                .connectTimeout(Duration.ofMillis(500))
                                .build())
                        .build())
                .build();
        connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", Ports.free()), client);
        connections.afterPropertiesSet();
        connections.start();
        return new ContactCache(
                new StringRedisTemplate(connections),
                new KeystoreProperties(Duration.ofMinutes(10), 100, null),
                new NodeProperties("cache-test"),
                meters);
    }

    double errors() {
        return meters.get("keystore.cache").tag("result", "error").counter().count();
    }

    @Test
    void withRedisDownALookupIsAMissAndUpdatesDoNotFail() {
        cache = cacheWithRedisDown();
        String wallet = "0x52908400098527886E0F7030069857D2E4169EE7";

        assertThat(cache.get(wallet)).isEmpty();
        cache.put(new WalletContacts(wallet, List.of(new ContactEntry(2, "0x04", "0x04", "1", "2", "AAAA"))));
        cache.evict(wallet);

        assertThat(errors()).isEqualTo(3);
        assertThat(meters.get("keystore.cache").tag("result", "miss").counter().count())
                .as("a failed read is an error, not a miss")
                .isZero();
    }
}
