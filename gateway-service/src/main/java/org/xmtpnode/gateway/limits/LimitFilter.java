package org.xmtpnode.gateway.limits;

import com.google.protobuf.Message;
import java.nio.ByteBuffer;
import java.util.function.LongFunction;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.WireJson;
import org.xmtpnode.proto.api.BatchQueryRequest;
import org.xmtpnode.proto.api.PublishRequest;
import reactor.core.publisher.Mono;

/**
 * The REST routes' side of {@link EntryRules}: a publish needs a valid auth token (401 / code 16), a denied
 * wallet is refused (403 / code 7), and every call takes its cost from the client's token buckets (429 /
 * code 8 with {@code Retry-After} when they are empty). The cost of a publish or a batch query is the
 * length of its body's {@code envelopes} or {@code requests} array ({@link JsonArrays}).
 */
@Component
public class LimitFilter implements GlobalFilter, Ordered {

    private static final String PUBLISH = "/message/v1/publish";
    private static final String BATCH_QUERY = "/message/v1/batch-query";

    private final EntryRules rules;

    public LimitFilter(EntryRules rules) {
        this.rules = rules;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return Mono.defer(() -> check(exchange, chain));
    }

    private Mono<Void> check(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().value();
        String ip =
                rules.clientIp(request.getRemoteAddress(), request.getHeaders().getFirst("X-Forwarded-For"));
        if (PUBLISH.equals(path)) {
            String wallet = rules.publisher(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
            if (!rules.limited()) {
                return chain.filter(exchange); // no cost to count: the body streams through unread
            }
            return withBody(exchange, chain, LimitFilter::envelopes, cost -> rules.publish(ip, wallet, cost));
        }
        if (!rules.limited()) {
            return chain.filter(exchange);
        }
        if (BATCH_QUERY.equals(path)) {
            return withBody(exchange, chain, LimitFilter::queries, cost -> rules.read(ip, cost));
        }
        return rules.read(ip, 1).then(Mono.defer(() -> chain.filter(exchange)));
    }

    /** Reads (and keeps, for the route) the body to learn the cost, then takes it. */
    private Mono<Void> withBody(
            ServerWebExchange exchange,
            GatewayFilterChain chain,
            ToLongFunction<byte[]> cost,
            LongFunction<Mono<Void>> take) {
        return ServerWebExchangeUtils.cacheRequestBodyAndRequest(exchange, cached -> {
            DataBuffer body = exchange.getAttribute(ServerWebExchangeUtils.CACHED_REQUEST_BODY_ATTR);
            byte[] bytes = new byte[0];
            if (body != null) {
                bytes = new byte[body.readableByteCount()];
                body.toByteBuffer(0, ByteBuffer.wrap(bytes), 0, bytes.length);
            }
            long n = Math.max(1, cost.applyAsLong(bytes));
            ServerWebExchange next = exchange.mutate().request(cached).build();
            return take.apply(n).then(Mono.defer(() -> chain.filter(next)));
        });
    }

    private static long envelopes(byte[] body) {
        long n = JsonArrays.length(body, "envelopes");
        return n >= 0 ? n : parsed(body, PublishRequest.newBuilder(), PublishRequest.Builder::getEnvelopesCount);
    }

    private static long queries(byte[] body) {
        long n = JsonArrays.length(body, "requests");
        return n >= 0 ? n : parsed(body, BatchQueryRequest.newBuilder(), BatchQueryRequest.Builder::getRequestsCount);
    }

    /** A body that is not strict JSON, counted by the node's own parser; one that fails it costs 1 (the node refuses it). */
    private static <B extends Message.Builder> long parsed(byte[] body, B builder, ToIntFunction<B> count) {
        try {
            return count.applyAsInt(WireJson.parse(body, builder));
        } catch (ApiException e) {
            return 1;
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }
}
