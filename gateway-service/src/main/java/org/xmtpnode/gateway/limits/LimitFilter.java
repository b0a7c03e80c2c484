package org.xmtpnode.gateway.limits;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.core.crypto.AuthTokens;
import org.xmtpnode.gateway.config.GatewayProperties;
import org.xmtpnode.proto.api.BatchQueryRequest;
import org.xmtpnode.proto.api.PublishRequest;
import org.xmtpnode.runtime.auth.TokenCache;
import reactor.core.publisher.Mono;

/**
 * The public entry's checks before a request reaches a node: a publish needs a valid auth token
 * (401 / code 16), a denied wallet is refused (403 / code 7), and every call takes its cost from the
 * client's token buckets (429 / code 8 with {@code Retry-After} when they are empty).
 */
@Component
public class LimitFilter implements GlobalFilter, Ordered {

    private static final String PUBLISH = "/message/v1/publish";
    private static final String BATCH_QUERY = "/message/v1/batch-query";

    private final RateLimiter limiter;
    private final ClientAddress clientAddress;
    private final TokenCache tokens;
    private final boolean authRequired;

    public LimitFilter(RateLimiter limiter, GatewayProperties properties, MeterRegistry meters, Clock clock) {
        this.limiter = limiter;
        this.clientAddress = new ClientAddress(properties.trustedProxies());
        this.tokens = new TokenCache(properties.tokenCacheSize(), clock);
        this.authRequired = properties.authRequired();
        Gauge.builder("gateway.auth.tokens.cached", tokens, TokenCache::size).register(meters);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return Mono.defer(() -> check(exchange, chain));
    }

    private Mono<Void> check(ServerWebExchange exchange, GatewayFilterChain chain) {
        String path = exchange.getRequest().getPath().value();
        String ip = clientAddress.of(exchange.getRequest());
        if (PUBLISH.equals(path)) {
            AuthTokens.Verified token = null;
            if (authRequired) {
                token = tokens.verifyHeader(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
            }
            String wallet = token == null ? null : token.walletAddress();
            if (!limiter.enabled()) {
                return chain.filter(exchange); // no cost to count: the body streams through unread
            }
            return withBody(
                    exchange,
                    chain,
                    body -> envelopes(body),
                    cost -> limiter.take(RateLimiter.Kind.PUBLISH, ip, wallet, cost));
        }
        if (!limiter.enabled()) {
            return chain.filter(exchange);
        }
        if (BATCH_QUERY.equals(path)) {
            return withBody(
                    exchange, chain, LimitFilter::queries, cost -> limiter.take(RateLimiter.Kind.READ, ip, null, cost));
        }
        return limiter.take(RateLimiter.Kind.READ, ip, null, 1).flatMap(decision -> decide(decision, exchange, chain));
    }

    /** Reads (and keeps, for the route) the body to learn the cost, then takes it. */
    private Mono<Void> withBody(
            ServerWebExchange exchange,
            GatewayFilterChain chain,
            ToLongFunction<byte[]> cost,
            LongFunction<Mono<RateLimiter.Decision>> take) {
        return ServerWebExchangeUtils.cacheRequestBodyAndRequest(exchange, cached -> {
            DataBuffer body = exchange.getAttribute(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR);
            byte[] bytes = new byte[0];
            if (body != null) {
                bytes = new byte[body.readableByteCount()];
                body.toByteBuffer(0, ByteBuffer.wrap(bytes), 0, bytes.length);
            }
            long n = Math.max(1, cost.applyAsLong(bytes));
            ServerWebExchange next = exchange.mutate().request(cached).build();
            return take.apply(n).flatMap(decision -> decide(decision, next, chain));
        });
    }

    private static long envelopes(byte[] body) {
        try {
            return WireJson.parse(body, PublishRequest.newBuilder()).getEnvelopesCount();
        } catch (ApiException e) {
            return 1; // the relay answers the parse error
        }
    }

    private static long queries(byte[] body) {
        try {
            return WireJson.parse(body, BatchQueryRequest.newBuilder()).getRequestsCount();
        } catch (ApiException e) {
            return 1;
        }
    }

    private Mono<Void> decide(RateLimiter.Decision decision, ServerWebExchange exchange, GatewayFilterChain chain) {
        return switch (decision.outcome()) {
            case ALLOWED, FAILED_OPEN -> chain.filter(exchange);
            case DENIED ->
                Mono.error(new ApiException(GrpcCode.PERMISSION_DENIED, "this wallet may not use this node"));
            case LIMITED -> Mono.error(ApiException.rateLimited((decision.waitMillis() + 999) / 1000));
        };
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }
}
