package org.xmtpnode.runtime.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.xmtpnode.core.ApiException;
import reactor.core.publisher.Mono;

/**
 * WebFlux's side of {@link ErrorResponses}: every error of a request, from a controller, a filter or
 * the framework (a gateway's backend that is down included). Runs before Boot's default handler.
 */
public class ReactiveErrorHandler implements WebExceptionHandler, Ordered {

    private static final Logger log = LoggerFactory.getLogger(ReactiveErrorHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(ex);
        }
        String path = exchange.getRequest().getPath().value();
        ApiException error = ErrorResponses.classify(ex, log, path);
        byte[] body = ErrorResponses.body(path, error);
        response.setStatusCode(HttpStatusCode.valueOf(error.httpStatus()));
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.parseMediaType(ErrorResponses.contentType(path)));
        headers.setContentLength(body.length);
        if (error.retryAfterSeconds() > 0) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(error.retryAfterSeconds()));
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    @Override
    public int getOrder() {
        return -2;
    }
}
