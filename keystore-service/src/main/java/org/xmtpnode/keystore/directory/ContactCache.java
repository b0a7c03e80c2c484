package org.xmtpnode.keystore.directory;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;
import org.xmtpnode.keystore.config.KeystoreProperties;
import org.xmtpnode.runtime.config.NodeProperties;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Redis read cache of contact lookups. An update evicts the wallet's entry after it is committed,
 * and once more two seconds later, so a lookup that read the old row just before the commit cannot
 * keep it cached. Redis being down only costs speed: lookups then go to PostgreSQL.
 */
@Component
public class ContactCache implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ContactCache.class);

    private final StringRedisTemplate redis;
    /** per node: nodes may share one Redis, and each node's cache follows its own database */
    private final String prefix;

    private final JsonMapper json;
    private final Duration ttl;
    private final Counter hits;
    private final Counter misses;
    private final Counter errors;
    private final ScheduledExecutorService laterEvictions = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cache-evict");
        t.setDaemon(true);
        return t;
    });

    public ContactCache(
            StringRedisTemplate redis, KeystoreProperties properties, NodeProperties node, MeterRegistry meters) {
        this.redis = redis;
        this.json = JsonMapper.builder().build();
        this.ttl = properties.cacheTtl();
        this.prefix = "xmtp:keystore:" + node.id() + ":contacts:";
        this.hits = Counter.builder("keystore.cache").tag("result", "hit").register(meters);
        this.misses = Counter.builder("keystore.cache").tag("result", "miss").register(meters);
        this.errors = Counter.builder("keystore.cache").tag("result", "error").register(meters);
    }

    public Optional<WalletContacts> get(String wallet) {
        try {
            String cached = redis.opsForValue().get(prefix + wallet);
            if (cached == null) {
                misses.increment();
                return Optional.empty();
            }
            hits.increment();
            return Optional.of(json.readValue(cached, WalletContacts.class));
        } catch (RuntimeException e) {
            failed(e);
            return Optional.empty();
        }
    }

    public void put(WalletContacts contacts) {
        try {
            redis.opsForValue().set(prefix + contacts.walletAddress(), json.writeValueAsString(contacts), ttl);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    @SuppressWarnings("FutureReturnValueIgnored") // the later eviction reports its own failures
    public void evict(String wallet) {
        evictNow(wallet);
        laterEvictions.schedule(() -> evictNow(wallet), 2, TimeUnit.SECONDS);
    }

    private void evictNow(String wallet) {
        try {
            redis.delete(prefix + wallet);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void failed(RuntimeException e) {
        errors.increment();
        log.debug("Redis cache unavailable: {}", e.toString());
    }

    @Override
    public void destroy() {
        laterEvictions.shutdownNow();
    }
}
