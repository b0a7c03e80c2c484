package org.xmtpnode.gateway.nodes;

import io.netty.channel.ConnectTimeoutException;
import java.net.ConnectException;
import java.net.URI;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.ReactiveLoadBalancerClientFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Passive health: when the chosen instance refuses the connection, the directory leaves it out of
 * rotation, so the route's retry and the next requests go to other nodes without waiting for the
 * registry to drop a dead node.
 */
@Component
public class EjectOnConnectFailure implements GlobalFilter, Ordered {

    private final NodeDirectory directory;

    public EjectOnConnectFailure(NodeDirectory directory) {
        this.directory = directory;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        return chain.filter(exchange).doOnError(e -> {
            if (refused(e)) {
                URI chosen = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR);
                if (chosen != null && !"lb".equals(chosen.getScheme())) {
                    directory.eject(chosen);
                }
            }
        });
    }

    /** The backend refused the connection, or did not accept it in time. */
    public static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof ConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** Right after the load balancer has chosen the instance. */
    @Override
    public int getOrder() {
        return ReactiveLoadBalancerClientFilter.LOAD_BALANCER_CLIENT_FILTER_ORDER + 1;
    }
}
