package org.xmtpnode.runtime.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;

/** One error shape per API family, and one classification of what went wrong. */
class ErrorResponsesTest {

    static final Logger log = LoggerFactory.getLogger(ErrorResponsesTest.class);

    static String body(String path, ApiException e) {
        return new String(ErrorResponses.body(path, e), StandardCharsets.UTF_8);
    }

    @Test
    void theMessageApiAnswersInTheShapeTheSdksParse() {
        ApiException e = ApiException.invalid("content topic is empty");
        assertThat(ErrorResponses.contentType("/message/v1/publish")).isEqualTo("application/json");
        assertThat(body("/message/v1/publish", e))
                .isEqualTo("{\"code\":3,\"message\":\"content topic is empty\",\"details\":[]}");
    }

    @Test
    void theNodesOwnApisAnswerProblemJsonWithAStableType() {
        assertThat(ErrorResponses.contentType("/keys/v1/contacts/0x1")).isEqualTo("application/problem+json");
        assertThat(body("/keys/v1/contacts/0x1", ApiException.rateLimited(3)))
                .isEqualTo("{\"type\":\"urn:xmtp-node:problem:rate-limited\",\"title\":\"Too many requests\","
                        + "\"status\":429,\"detail\":\"rate limit exceeded, retry in 3 s\"}");
        assertThat(body("/nodes/v1", ApiException.bodyOver(1024)))
                .contains("\"type\":\"urn:xmtp-node:problem:too-large\"", "\"status\":413");
        assertThat(body("/nodes/v1", new ApiException(GrpcCode.PERMISSION_DENIED, "say \"no\"")))
                .contains("\"status\":403", "\"detail\":\"say \\\"no\\\"\"");
    }

    @Test
    void aRateLimitCarriesItsRetryAfter() {
        assertThat(ApiException.rateLimited(0).retryAfterSeconds()).isEqualTo(1);
        assertThat(ApiException.rateLimited(7).retryAfterSeconds()).isEqualTo(7);
        assertThat(ApiException.invalid("x").retryAfterSeconds()).isZero();
    }

    @Test
    void failuresAreClassifiedWithoutLeakingTheirText() {
        ApiException api = ApiException.invalid("bad");
        assertThat(ErrorResponses.classify(api, log, "/p")).isSameAs(api);
        assertThat(ErrorResponses.classify(new RuntimeException("wrapped", api), log, "/p"))
                .isSameAs(api);
        assertThat(ErrorResponses.classify(new DataBufferLimitException("over"), log, "/p")
                        .httpStatus())
                .isEqualTo(413);
        assertThat(ErrorResponses.classify(new ResponseStatusException(HttpStatus.NOT_FOUND), log, "/p"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(GrpcCode.NOT_FOUND));
        assertThat(ErrorResponses.classify(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE), log, "/p"))
                .satisfies(e -> assertThat(e.httpStatus()).isEqualTo(503));
        assertThat(ErrorResponses.classify(new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT), log, "/p"))
                .satisfies(e -> assertThat(e.code()).isEqualTo(GrpcCode.DEADLINE_EXCEEDED));
        ApiException db = ErrorResponses.classify(
                new DataAccessResourceFailureException("connection to 10.0.0.7 refused"), log, "/p");
        assertThat(db.httpStatus()).isEqualTo(503);
        assertThat(db.getMessage()).doesNotContain("10.0.0.7");
        assertThat(ErrorResponses.classify(new IOException("x", new ConnectException("y")), log, "/p")
                        .code())
                .isEqualTo(GrpcCode.UNAVAILABLE);
        ApiException bug = ErrorResponses.classify(new NullPointerException("secret"), log, "/p");
        assertThat(bug.httpStatus()).isEqualTo(500);
        assertThat(bug.getMessage()).isEqualTo("internal error");
    }
}
