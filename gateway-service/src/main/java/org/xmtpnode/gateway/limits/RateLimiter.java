package org.xmtpnode.gateway.limits;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;
import org.xmtpnode.gateway.config.GatewayProperties;
import reactor.core.publisher.Mono;

/**
 * Token buckets in Redis, taken atomically by a Lua script: per client IP (read or publish) and per
 * wallet (publish), with an allow list (no limits) and a deny list (refused). When Redis fails or is
 * slow the request goes through: the gateway keeps serving, and says so in a log line and a counter.
 */
@Component
public class RateLimiter {

    public static final String DENY_SET = "xmtp:gw:wallets:deny";
    public static final String ALLOW_SET = "xmtp:gw:wallets:allow";

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);

    /** The outcome of one check. */
    public record Decision(Outcome outcome, long waitMillis) {}

    public enum Outcome {
        ALLOWED,
        LIMITED,
        DENIED,
        FAILED_OPEN
    }

    public enum Kind {
        READ,
        PUBLISH
    }

    private final ReactiveStringRedisTemplate redis;
    private final GatewayProperties.RateLimits limits;
    private final RedisScript<List> script;
    private final MeterRegistry meters;
    private final Counter failedOpen;
    private final AtomicLong lastFailureLog = new AtomicLong();

    public RateLimiter(ReactiveStringRedisTemplate redis, GatewayProperties properties, MeterRegistry meters) {
        this.redis = redis;
        this.limits = properties.rateLimits();
        // the script's text, read once: a script made from a resource checks the resource's modification time on
        // every call, and a resource inside a jar answers that with an exception, per request
        try (InputStream in = new ClassPathResource("scripts/take-tokens.lua").getInputStream()) {
            this.script = RedisScript.of(new String(in.readAllBytes(), StandardCharsets.UTF_8), List.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.meters = meters;
        this.failedOpen = Counter.builder("gateway.ratelimit.failopen")
                .description("requests let through because Redis failed or was slow")
                .register(meters);
    }

    /**
     * Takes {@code cost} tokens from the client IP's bucket of that kind and, for a publish with a
     * wallet, from the wallet's bucket.
     */
    public Mono<Decision> take(Kind kind, String clientIp, String wallet, long cost) {
        if (!limits.enabled()) {
            return Mono.just(new Decision(Outcome.ALLOWED, 0));
        }
        GatewayProperties.Bucket bucket = kind == Kind.PUBLISH ? limits.publish() : limits.read();
        String kindName = kind.name().toLowerCase(Locale.ROOT);
        List<String> keys = new ArrayList<>(List.of(DENY_SET, ALLOW_SET, "xmtp:gw:ip:" + kindName + ":" + clientIp));
        List<String> args = new ArrayList<>(List.of(wallet == null ? "" : wallet));
        addBucket(args, bucket, cost);
        if (wallet != null && kind == Kind.PUBLISH) {
            keys.add("xmtp:gw:wallet:" + kindName + ":" + wallet);
            addBucket(args, bucket, cost);
        }
        return redis.execute(script, keys, args)
                .next()
                .map(reply -> {
                    long status = ((Number) reply.get(0)).longValue();
                    long wait = ((Number) reply.get(1)).longValue();
                    return new Decision(
                            status == 1 ? Outcome.ALLOWED : status == -1 ? Outcome.DENIED : Outcome.LIMITED, wait);
                })
                .timeout(limits.redisTimeout())
                .onErrorResume(e -> {
                    failedOpen.increment();
                    long now = System.currentTimeMillis();
                    long last = lastFailureLog.get();
                    if (now - last > 10_000 && lastFailureLog.compareAndSet(last, now)) {
                        log.warn(
                                "rate limits not enforced: Redis failed or was slower than {} ms ({})",
                                limits.redisTimeout().toMillis(),
                                e.toString());
                    }
                    return Mono.just(new Decision(Outcome.FAILED_OPEN, 0));
                })
                .doOnNext(d -> Counter.builder("gateway.ratelimit")
                        .tag("kind", kindName)
                        .tag("outcome", d.outcome().name().toLowerCase(Locale.ROOT))
                        .register(meters)
                        .increment());
    }

    private static void addBucket(List<String> args, GatewayProperties.Bucket bucket, long cost) {
        args.add(Long.toString(bucket.burst()));
        args.add(Double.toString(bucket.refillPerMilli()));
        args.add(Long.toString(Math.min(cost, bucket.burst())));
    }

    /** Off, every request is allowed without a look at Redis (and its cost need not be known). */
    public boolean enabled() {
        return limits.enabled();
    }

    public Duration redisTimeout() {
        return limits.redisTimeout();
    }
}
