package org.xmtpnode.gateway.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.xmtpnode.core.GrpcCode;
import reactor.core.publisher.Mono;

/**
 * Counts every answer of the public port, the gateway's own refusals included (a 413, 429 or 401
 * never reaches a route's meter): {@code gateway.answers} by {@code route} (the API call) and
 * {@code code} ({@code ok} or the gRPC code the error body carries), and {@code gateway.clients} by
 * the bounded {@link ClientTags} of the SDK and app headers.
 */
@Component
public class AnswerMetrics implements WebFilter, Ordered {

    private final MeterRegistry meters;
    private final ClientTags clientTags;
    private final ApplicationContext publicContext;

    public AnswerMetrics(MeterRegistry meters, OpsProperties properties, ApplicationContext context) {
        this.meters = meters;
        this.publicContext = context;
        this.clientTags = new ClientTags(properties.knownClients(), properties.knownApps());
    }

    /** The API call a path names; a bounded set. */
    static String route(String path) {
        return switch (path) {
            case "/message/v1/publish" -> "publish";
            case "/message/v1/subscribe" -> "subscribe";
            case "/message/v1/subscribe-all" -> "subscribe-all";
            case "/message/v1/query" -> "query";
            case "/message/v1/batch-query" -> "batch-query";
            default -> path.startsWith("/keys/v1/") ? "keys" : "other";
        };
    }

    /** {@code ok} for a success, else the gRPC code a client reads for the status. */
    static String code(HttpStatusCode status) {
        if (status == null || status.is2xxSuccessful()) {
            return "ok";
        }
        return GrpcCode.forHttpStatus(status.value()).name().toLowerCase(Locale.ROOT);
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        String path = request.getPath().value();
        if (exchange.getApplicationContext() != publicContext
                || path.startsWith("/actuator")
                || path.startsWith("/ops")) {
            // the management port (its own context runs the application's web filters too), or its pages
            // when it shares the public port
            return chain.filter(exchange);
        }
        String route = route(path);
        Counter.builder("gateway.clients")
                .description("requests by SDK (X-Client-Version) and app (X-App-Version), bounded to known values")
                .tag("client", clientTags.client(request.getHeaders().getFirst("X-Client-Version")))
                .tag("app", clientTags.app(request.getHeaders().getFirst("X-App-Version")))
                .register(meters)
                .increment();
        exchange.getResponse().beforeCommit(() -> {
            Counter.builder("gateway.answers")
                    .description("answers of the public port by API call and code, the gateway's refusals included")
                    .tag("route", route)
                    .tag("code", code(exchange.getResponse().getStatusCode()))
                    .register(meters)
                    .increment();
            return Mono.empty();
        });
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
