package org.xmtpnode.gateway.web;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.gateway.config.GatewayProperties;
import org.xmtpnode.runtime.web.RequestBodies;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Caps request bodies per path before they reach a service: a declared length over the cap is read
 * and discarded, then refused with 413; a body sent without a length is counted as it streams through.
 * Either way the client reads the 413 ({@link RequestBodies}).
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
            return RequestBodies.discard(request.getBody()).then(Mono.error(ApiException.bodyOver(max)));
        }
        if (declared >= 0) {
            return chain.filter(exchange);
        }
        ServerHttpRequest counted = new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return RequestBodies.capped(super.getBody(), max);
            }
        };
        return chain.filter(exchange.mutate().request(counted).build());
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }
}
