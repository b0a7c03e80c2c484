package org.xmtpnode.keystore.web;

import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** The key API's errors as problem+json with stable type URIs; never internal exception text. */
@RestControllerAdvice
public class Problems {

    private static final Logger log = LoggerFactory.getLogger(Problems.class);

    /** A request the API cannot answer as asked (400). */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    static ResponseEntity<ProblemDetail> notFound(String detail) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", detail);
    }

    @ExceptionHandler(BadRequest.class)
    ResponseEntity<ProblemDetail> badRequest(BadRequest e) {
        return problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e) {
        return problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", "the body is not the expected JSON");
    }

    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<ProblemDetail> databaseDown(DataAccessException e) {
        log.warn("key directory unavailable: {}", e.toString());
        return problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "unavailable",
                "Unavailable",
                "the key directory is unavailable, retry later");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> other(Exception e) {
        if (e instanceof ErrorResponse er && er.getStatusCode().is4xxClientError()) {
            HttpStatus status = HttpStatus.valueOf(er.getStatusCode().value());
            return problem(
                    status,
                    status == HttpStatus.NOT_FOUND ? "not-found" : "bad-request",
                    status.getReasonPhrase(),
                    status.getReasonPhrase().toLowerCase());
        }
        log.error("internal error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error", "internal error");
    }

    static ResponseEntity<ProblemDetail> problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("urn:xmtp-node:problem:" + type));
        p.setTitle(title);
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }
}
