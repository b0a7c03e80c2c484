package org.xmtpnode.relay.web;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.WireJson;

/** Every error in the wire's shape {@code {"code","message","details"}}; never internal exception text. */
@RestControllerAdvice
public class ApiErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(ApiErrorAdvice.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<byte[]> api(ApiException e) {
        return body(e.httpStatus(), e.code(), e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<byte[]> other(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataBufferLimitException) {
                return body(413, GrpcCode.INVALID_ARGUMENT, "request body is too large");
            }
        }
        if (e instanceof ErrorResponse er && er.getStatusCode().is4xxClientError()) {
            return api(ApiException.forClientStatus(er.getStatusCode().value()));
        }
        log.error("internal error", e);
        return body(500, GrpcCode.INTERNAL, "internal error");
    }

    static ResponseEntity<byte[]> body(int status, GrpcCode code, String message) {
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(WireJson.errorBody(code, message));
    }
}
