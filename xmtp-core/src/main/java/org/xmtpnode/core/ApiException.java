package org.xmtpnode.core;

/**
 * An error to answer a client with: a gRPC code (what the SDKs read), the HTTP status paired with it, and
 * a message meant for clients that never carries internal exception text. The message API renders it in
 * grpc-gateway's shape {@code {"code","message","details"}}; the node's own APIs as problem+json.
 */
public class ApiException extends RuntimeException {

    private final GrpcCode code;
    private final int httpStatus;
    private final long retryAfterSeconds;

    public ApiException(GrpcCode code, String message) {
        this(code, code.httpStatus(), message);
    }

    public ApiException(GrpcCode code, int httpStatus, String message) {
        this(code, httpStatus, message, 0);
    }

    private ApiException(GrpcCode code, int httpStatus, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 429 / code 8 with {@code Retry-After}: a rate limit is spent. */
    public static ApiException rateLimited(long retryAfterSeconds) {
        long seconds = Math.max(1, retryAfterSeconds);
        return new ApiException(
                GrpcCode.RESOURCE_EXHAUSTED, 429, "rate limit exceeded, retry in " + seconds + " s", seconds);
    }

    public static ApiException invalid(String message) {
        return new ApiException(GrpcCode.INVALID_ARGUMENT, message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(GrpcCode.INVALID_ARGUMENT, 413, message);
    }

    /** 413 / code 3: a request body over a service's cap. */
    public static ApiException bodyOver(long maxBytes) {
        return tooLarge("request body is larger than " + maxBytes + " bytes");
    }

    public static ApiException unavailable(String message) {
        return new ApiException(GrpcCode.UNAVAILABLE, message);
    }

    /** The wire error for a framework's own 4xx (unknown path, wrong method, unreadable body …). */
    public static ApiException forClientStatus(int status) {
        String message = switch (status) {
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 413 -> "request body is too large";
            default -> "bad request";
        };
        return new ApiException(GrpcCode.forHttpStatus(status), status, message);
    }

    public GrpcCode code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** Seconds the client should wait before retrying ({@code Retry-After}); 0 when the answer sets none. */
    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
