package org.xmtpnode.runtime.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.web.ErrorResponse;
import org.xmtpnode.core.ApiException;
import org.xmtpnode.core.GrpcCode;
import org.xmtpnode.core.WireJson;

/**
 * What every service answers when a request fails, whatever raised it: one classification of errors
 * into {@link ApiException}s, and one shape per API family. The message API ({@code /message/…}) answers
 * in grpc-gateway's shape {@code {"code","message","details"}}, which the XMTP SDKs parse; the node's own
 * APIs ({@code /keys/v1}, {@code /nodes/v1}, the internal ones) answer {@code application/problem+json}
 * with a stable type URI. Internal exception text never reaches a client.
 */
public final class ErrorResponses {

    public static final String WIRE_CONTENT_TYPE = "application/json";
    public static final String PROBLEM_CONTENT_TYPE = "application/problem+json";
    private static final String PROBLEM_TYPE_PREFIX = "urn:xmtp-node:problem:";

    private ErrorResponses() {}

    /** The API family a path belongs to decides the error shape. */
    public static boolean isMessageApi(String path) {
        return path.startsWith("/message/");
    }

    public static String contentType(String path) {
        return isMessageApi(path) ? WIRE_CONTENT_TYPE : PROBLEM_CONTENT_TYPE;
    }

    /** The body of an error answer on {@code path}. */
    public static byte[] body(String path, ApiException e) {
        return isMessageApi(path) ? WireJson.errorBody(e.code(), e.getMessage()) : problem(e);
    }

    /** {@code {"type","title","status","detail"}} (RFC 9457). */
    static byte[] problem(ApiException e) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"type\":\"").append(PROBLEM_TYPE_PREFIX).append(problemType(e.httpStatus()));
        sb.append("\",\"title\":");
        WireJson.appendJsonString(sb, title(e.httpStatus()));
        sb.append(",\"status\":").append(e.httpStatus()).append(",\"detail\":");
        WireJson.appendJsonString(sb, e.getMessage() == null ? "" : e.getMessage());
        sb.append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String problemType(int status) {
        return switch (status) {
            case 400 -> "bad-request";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 413 -> "too-large";
            case 429 -> "rate-limited";
            case 503 -> "unavailable";
            case 504 -> "timeout";
            default -> status >= 500 ? "internal" : "bad-request";
        };
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthenticated";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Request too large";
            case 429 -> "Too many requests";
            case 503 -> "Unavailable";
            case 504 -> "Timeout";
            default -> status >= 500 ? "Internal error" : "Bad request";
        };
    }

    /**
     * The answer for any failure: an {@link ApiException} as it is; a body over a cap, 413; a
     * framework's own 4xx (unknown path, wrong method, unreadable body …) by its status; a database,
     * a backend or a connection that failed, 503 (logged as a warning); anything else, 500 (logged with
     * its stack: a bug).
     */
    public static ApiException classify(Throwable error, Logger log, String path) {
        if (error instanceof ApiException api) {
            return api;
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ApiException api) {
                return api;
            }
            if (t instanceof DataBufferLimitException) {
                return ApiException.tooLarge("request body is too large");
            }
        }
        if (error instanceof ErrorResponse er) {
            int status = er.getStatusCode().value();
            if (status < 500) {
                return ApiException.forClientStatus(status);
            }
            log.warn("{} answered {} on {}", path, status, error.toString());
            return status == 504
                    ? new ApiException(GrpcCode.DEADLINE_EXCEEDED, "the backend did not answer in time")
                    : ApiException.unavailable("no backend is available, retry later");
        }
        if (isUnavailable(error)) {
            log.warn("unavailable on {}: {}", path, describe(error));
            return ApiException.unavailable("the service is unavailable, retry later");
        }
        log.error("internal error on {}", path, error);
        return new ApiException(GrpcCode.INTERNAL, "internal error");
    }

    /** A failure of something this service depends on (a database, a backend, a connection). */
    private static boolean isUnavailable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof IOException
                    || t instanceof TimeoutException
                    || isA(t, "org.springframework.dao.DataAccessException")) {
                return true;
            }
        }
        return false;
    }

    /** By name: a service without that library (the gateway has no JDBC) must still load this class. */
    private static boolean isA(Throwable t, String className) {
        for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
            if (c.getName().equals(className)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? error.toString() : error + " (" + root + ")";
    }
}
