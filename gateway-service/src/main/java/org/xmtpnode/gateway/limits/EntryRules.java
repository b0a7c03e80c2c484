package org.xmtpnode.gateway.limits;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import org.springframework.stereotype.Component;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.crypto.AuthTokens;
import org.xmtpnode.gateway.config.GatewayProperties;
import org.xmtpnode.runtime.auth.TokenCache;
import reactor.core.publisher.Mono;

/**
 * The public entry's rules, one implementation for both surfaces (the REST routes' {@link LimitFilter} and
 * the gRPC service): who the client is, a publish needs a valid auth token (401 / code 16), a denied wallet
 * is refused (403 / code 7), and every call takes its cost from the client's token buckets (429 / code 8
 * when they are empty).
 */
@Component
public class EntryRules {

    private final RateLimiter limiter;
    private final ClientAddress clientAddress;
    private final TokenCache tokens;
    private final boolean authRequired;

    public EntryRules(RateLimiter limiter, GatewayProperties properties, MeterRegistry meters, Clock clock) {
        this.limiter = limiter;
        this.clientAddress = new ClientAddress(properties.trustedProxies());
        this.tokens = new TokenCache(properties.tokenCacheSize(), clock);
        this.authRequired = properties.authRequired();
        Gauge.builder("gateway.auth.tokens.cached", tokens, TokenCache::size).register(meters);
    }

    /** The client's IP: the peer, or the first {@code X-Forwarded-For} hop when the peer is a trusted proxy. */
    public String clientIp(InetSocketAddress peer, String forwardedFor) {
        return clientAddress.of(peer, forwardedFor);
    }

    /**
     * The wallet that publishes: the one its {@code Authorization} value's token names, verified; null when
     * tokens are not required.
     *
     * @throws ApiException 401 / code 16 for a missing, forged, expired or foreign token
     */
    public String publisher(String authorization) {
        if (!authRequired) {
            return null;
        }
        AuthTokens.Verified token = tokens.verifyHeader(authorization);
        return token.walletAddress();
    }

    /** Off, every call is allowed without a look at Redis (and its cost need not be known). */
    public boolean limited() {
        return limiter.enabled();
    }

    /** Takes a read's cost (1, or the queries of a batch) from the client IP's bucket. */
    public Mono<Void> read(String clientIp, long cost) {
        return take(RateLimiter.Kind.READ, clientIp, null, cost);
    }

    /** Takes a publish's cost (its envelopes) from the client IP's and the wallet's buckets. */
    public Mono<Void> publish(String clientIp, String wallet, long envelopes) {
        return take(RateLimiter.Kind.PUBLISH, clientIp, wallet, envelopes);
    }

    private Mono<Void> take(RateLimiter.Kind kind, String clientIp, String wallet, long cost) {
        if (!limiter.enabled()) {
            return Mono.empty();
        }
        return limiter.take(kind, clientIp, wallet, Math.max(1, cost)).flatMap(decision -> switch (decision.outcome()) {
            case ALLOWED, FAILED_OPEN -> Mono.empty();
            case DENIED ->
                Mono.error(new ApiException(GrpcCode.PERMISSION_DENIED, "this wallet may not use this node"));
            case LIMITED -> Mono.error(ApiException.rateLimited((decision.waitMillis() + 999) / 1000));
        });
    }
}
