package org.xmtpnode.bootstrap.registry;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * One announcer per node, however many bootstrap-service replicas the node runs: a lease in Redis that
 * the holder renews every heartbeat and that another replica takes once it has expired (the holder
 * crashed) or was given up (the holder stopped). Every replica also keeps a presence entry alive, so a
 * holder that stops knows whether another replica will take over (then it says nothing) or whether it was
 * the node's last one (then it says {@code leaving}).
 *
 * <p>The lease lives three heartbeats. A crashed holder's lease expires, and the next heartbeat of another
 * replica takes it: the node's newest record is then at most four heartbeats old, within the registry's
 * liveness TTL (2 s and 10 s by default), so the node never drops out while one replica runs. Expiry is
 * Redis's own clock (both scripts read {@code TIME}), so the replicas' clocks need not agree.
 *
 * <p>Without Redis every replica announces (as if each held the lease: duplicate heartbeats of one node are
 * harmless, they carry the same signed record), and a stopping replica does not say {@code leaving}: it cannot
 * know whether others run, and a node that stopped drops out within the TTL anyway.
 */
public class AnnouncerLease {

    private static final Logger log = LoggerFactory.getLogger(AnnouncerLease.class);

    /**
     * KEYS: lease, replicas; ARGV: this replica, TTL ms, 1 if it may take a free lease. Returns 1 if this replica
     * holds the lease now.
     */
    private static final RedisScript<Long> HEARTBEAT = RedisScript.of("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local ttl = tonumber(ARGV[2])
            redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
            redis.call('PEXPIRE', KEYS[2], ttl)
            local holder = redis.call('GET', KEYS[1])
            if holder == ARGV[1] then
              redis.call('PEXPIRE', KEYS[1], ttl)
              return 1
            end
            if not holder and ARGV[3] == '1' then
              redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
              return 1
            end
            return 0
            """, Long.class);

    /**
     * KEYS: lease, replicas; ARGV: this replica. Drops this replica's presence and its lease if it holds it;
     * returns how many other replicas are alive.
     */
    private static final RedisScript<Long> RELEASE = RedisScript.of("""
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            redis.call('ZREM', KEYS[2], ARGV[1])
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
            if redis.call('GET', KEYS[1]) == ARGV[1] then
              redis.call('DEL', KEYS[1])
            end
            return redis.call('ZCARD', KEYS[2])
            """, Long.class);

    /** What a stopping replica learns when it gives the lease up. */
    public enum Release {
        /** Another replica of the node runs and takes the lease at its next heartbeat: say nothing. */
        HANDED_OVER,
        /** No other replica of the node runs: the node is leaving. */
        LAST_REPLICA,
        /** Redis did not answer: whether others run is unknown. */
        UNKNOWN
    }

    private final StringRedisTemplate redis;
    private final List<String> keys;
    private final String replica = UUID.randomUUID().toString();
    private final Duration ttl;
    private volatile boolean redisDown;

    /**
     * @param cluster the id of the Kafka cluster the node writes its records to: every replica of a node sees the
     *     same one, and two networks (or a test's several local networks) that share one Redis never contend for
     *     each other's node ids
     * @param ttl how long a lease and a presence entry live without renewal (three heartbeats)
     */
    public AnnouncerLease(StringRedisTemplate redis, String cluster, String nodeId, Duration ttl) {
        this.redis = redis;
        String scope = cluster + ":" + nodeId;
        this.keys = List.of("xmtp:bootstrap:announcer:" + scope, "xmtp:bootstrap:replicas:" + scope);
        this.ttl = ttl;
    }

    /**
     * Keeps this replica's presence, renews the lease if this replica holds it and, if {@code mayTake}, takes it
     * when it is free. A replica announces its presence from its start, before it may take the lease (it has not
     * read the registry yet), so that a holder stopping meanwhile hands over instead of saying {@code leaving}.
     *
     * @return whether this replica announces the node this heartbeat (also when Redis does not answer)
     */
    public boolean heartbeat(boolean mayTake) {
        try {
            Long held = redis.execute(HEARTBEAT, keys, replica, Long.toString(ttl.toMillis()), mayTake ? "1" : "0");
            if (redisDown) {
                redisDown = false;
                log.info("Redis answers again: one replica announces the node");
            }
            return held != null && held == 1L;
        } catch (RuntimeException e) {
            if (!redisDown) {
                redisDown = true;
                log.warn("Redis unavailable, every replica announces the node until it answers: {}", e.toString());
            }
            return mayTake;
        }
    }

    /** Gives the lease up (if this replica holds it) and says whether another replica takes over. */
    public Release release() {
        try {
            Long others = redis.execute(RELEASE, keys, replica);
            return others != null && others > 0 ? Release.HANDED_OVER : Release.LAST_REPLICA;
        } catch (RuntimeException e) {
            log.warn("Redis unavailable when giving the announcer lease up: {}", e.toString());
            return Release.UNKNOWN;
        }
    }

    /** This replica's id in the lease (a new one per process). */
    public String replica() {
        return replica;
    }
}
