package org.xmtpnode.core;

/**
 * The gRPC status codes that XMTP clients read from an error body, with the HTTP status that
 * grpc-gateway pairs with each.
 */
public enum GrpcCode {
    INVALID_ARGUMENT(3, 400),
    DEADLINE_EXCEEDED(4, 504),
    NOT_FOUND(5, 404),
    PERMISSION_DENIED(7, 403),
    RESOURCE_EXHAUSTED(8, 429),
    UNIMPLEMENTED(12, 501),
    INTERNAL(13, 500),
    UNAVAILABLE(14, 503),
    UNAUTHENTICATED(16, 401);

    private final int code;
    private final int httpStatus;

    GrpcCode(int code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The code with this number (as an error body carries it); null for a number this enum does not list. */
    public static GrpcCode forCode(int code) {
        for (GrpcCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }

    /** The code a client expects for a plain HTTP status (used where only a status is known). */
    public static GrpcCode forHttpStatus(int status) {
        return switch (status) {
            case 400, 405, 411, 413, 414, 415, 422, 431 -> INVALID_ARGUMENT;
            case 401 -> UNAUTHENTICATED;
            case 403 -> PERMISSION_DENIED;
            case 404 -> NOT_FOUND;
            case 408, 504 -> DEADLINE_EXCEEDED;
            case 429 -> RESOURCE_EXHAUSTED;
            case 501 -> UNIMPLEMENTED;
            case 502, 503 -> UNAVAILABLE;
            default -> status >= 500 ? INTERNAL : INVALID_ARGUMENT;
        };
    }
}
