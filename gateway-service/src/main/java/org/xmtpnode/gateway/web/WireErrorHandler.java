package org.xmtpnode.gateway.web;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.WireJson;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

/**
 * Answers every error the gateway itself raises in the wire's shape, so clients read a gRPC code even
 * when a backend is down (503 / code 14) or a path is unknown (404 / code 5). Runs before Boot's
 * default handler.
 */
@Component
@Order(-2)
public class WireErrorHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(WireErrorHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
        ServerHttpResponse response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.error(ex);
        }
        int status;
        GrpcCode code;
        String message;
        if (ex instanceof ApiException api) {
            status = api.httpStatus();
            code = api.code();
            message = api.getMessage();
        } else if (ex instanceof ResponseStatusException rse) {
            HttpStatusCode s = rse.getStatusCode();
            status = s.value();
            code = GrpcCode.forHttpStatus(status);
            message = switch (status) {
                case 404 -> "not found";
                case 405 -> "method not allowed";
                case 413 -> "request body is too large";
                case 504 -> "the backend did not answer in time";
                case 503 -> "no backend is available, retry later";
                default -> status >= 500 ? "backend error" : "bad request";
            };
            if (status == 500) {
                status = 503;
                code = GrpcCode.UNAVAILABLE;
                message = "no backend is available, retry later";
            }
        } else if (isUnavailable(ex)) {
            status = 503;
            code = GrpcCode.UNAVAILABLE;
            message = "the service is unavailable, retry later";
            log.warn("backend unavailable for {}: {}", exchange.getRequest().getPath(), ex.toString());
        } else {
            status = 500;
            code = GrpcCode.INTERNAL;
            message = "internal error";
            log.error("internal error on {}", exchange.getRequest().getPath(), ex);
        }
        response.setStatusCode(HttpStatusCode.valueOf(status));
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        byte[] body = WireJson.errorBody(code, message);
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private static boolean isUnavailable(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof ConnectException
                    || t instanceof TimeoutException
                    || t instanceof ConnectTimeoutException
                    || t instanceof PrematureCloseException
                    || t instanceof IOException) {
                return true;
            }
        }
        return false;
    }
}
