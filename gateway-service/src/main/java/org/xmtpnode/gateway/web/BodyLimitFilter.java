package org.xmtpnode.gateway.web;

import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.gateway.config.GatewayProperties;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Caps request bodies per path: a declared length over the cap is refused at once, and a body sent
 * without a length is counted as it streams through.
 */
@Component
public class BodyLimitFilter implements GlobalFilter, Ordered {

    private final GatewayProperties.MaxBodyBytes limits;

    public BodyLimitFilter(GatewayProperties properties) {
        this.limits = properties.maxBodyBytes();
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        long max = limits.forPath(request.getPath().value());
        long declared = request.getHeaders().getContentLength();
        if (declared > max) {
            return Mono.error(tooLarge(max));
        }
        if (declared >= 0) {
            return chain.filter(exchange);
        }
        ServerHttpRequest counted = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                AtomicLong seen = new AtomicLong();
                return super.getBody().handle((buffer, sink) -> {
                    if (seen.addAndGet(buffer.readableByteCount()) > max) {
                        DataBufferUtils.release(buffer);
                        sink.error(tooLarge(max));
                    } else {
                        sink.next(buffer);
                    }
                });
            }
        };
        return chain.filter(exchange.mutate().request(counted).build());
    }

    private static ApiException tooLarge(long max) {
        return ApiException.tooLarge("request body is larger than " + max + " bytes");
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
