package org.xmtpnode.core;

/**
 * An error to answer in the wire's shape {@code {"code","message","details"}}. The message is meant for
 * clients: it must never carry internal exception text.
 */
public class ApiException extends RuntimeException {

    private final GrpcCode code;
    private final int httpStatus;

    public ApiException(GrpcCode code, String message) {
        this(code, code.httpStatus(), message);
    }

    public ApiException(GrpcCode code, int httpStatus, String message) {
        super(message, null, false, false);
        this.code = code;
        this.httpStatus = httpStatus;
    }

    public static ApiException invalid(String message) {
        return new ApiException(GrpcCode.INVALID_ARGUMENT, message);
    }

    public static ApiException tooLarge(String message) {
        return new ApiException(GrpcCode.INVALID_ARGUMENT, 413, message);
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

    /** The error body clients parse. */
    public byte[] toJson() {
        return WireJson.errorBody(code, getMessage());
    }
}
